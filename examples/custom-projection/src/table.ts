// The report as a table (cli-table3, ADR 0015): money in ¥ from integer fen (the kernel's
// formatYuan), points apart, as points are not money until redeemed.
import { formatYuan } from '@dealer-crm/eventsourcing'
import Table from 'cli-table3'
import type { CostRow, MonthCost } from './reward-cost.js'

const totalFen = (c: MonthCost) => c.fen.gift + c.fen['cash-back'] + c.fen['purchase-voucher']

const header = [
  'Month',
  'Consultant',
  'Released',
  'Clawed back',
  'Cash back',
  'Vouchers',
  'Gifts',
  'Total',
  'Points',
]

const cells = (label: [string, string], c: MonthCost): string[] => [
  ...label,
  String(c.released),
  String(c.clawedBack),
  formatYuan(c.fen['cash-back']),
  formatYuan(c.fen['purchase-voucher']),
  formatYuan(c.fen.gift),
  formatYuan(totalFen(c)),
  c.points.toLocaleString('en-US'),
]

const sum = (rows: ReadonlyArray<MonthCost>): MonthCost => ({
  released: rows.reduce((n, r) => n + r.released, 0),
  clawedBack: rows.reduce((n, r) => n + r.clawedBack, 0),
  fen: {
    gift: rows.reduce((n, r) => n + r.fen.gift, 0),
    'cash-back': rows.reduce((n, r) => n + r.fen['cash-back'], 0),
    'purchase-voucher': rows.reduce((n, r) => n + r.fen['purchase-voucher'], 0),
  },
  points: rows.reduce((n, r) => n + r.points, 0),
})

/** The table's lines: a header, one row per month and consultant, and the total. */
export const renderCostTable = (rows: ReadonlyArray<CostRow>): ReadonlyArray<string> => {
  if (rows.length === 0) return ['(no referral rewards released)']
  const table = new Table({
    head: header,
    // Text columns to the left, figures to the right; no colours (the output is often a file).
    colAligns: header.map((_, i) => (i < 2 ? 'left' : 'right')),
    style: { head: [], border: [] },
    // Compact: no rule between body rows.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  })
  for (const r of rows) table.push(cells([r.month, r.consultantId], r))
  table.push(cells(['Total', ''], sum(rows)))
  return table.toString().split('\n')
}
