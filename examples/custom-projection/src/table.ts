// The report as a plain-text table: money in yuan (from integer fen), points apart.
import type { CostRow, MonthCost } from './reward-cost.js'

/** ¥ from fen, two decimals, thousands separated: 150000 → "1,500.00". */
export const yuan = (fen: number): string =>
  (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

const totalFen = (c: MonthCost) => c.fen.gift + c.fen['cash-back'] + c.fen['purchase-voucher']

const header = [
  'Month',
  'Consultant',
  'Released',
  'Clawed back',
  'Cash back ¥',
  'Vouchers ¥',
  'Gifts ¥',
  'Total ¥',
  'Points',
]

const cells = (label: [string, string], c: MonthCost): ReadonlyArray<string> => [
  ...label,
  String(c.released),
  String(c.clawedBack),
  yuan(c.fen['cash-back']),
  yuan(c.fen['purchase-voucher']),
  yuan(c.fen.gift),
  yuan(totalFen(c)),
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

/** The table's lines: a header, one line per month and consultant, and the total. */
export const renderCostTable = (rows: ReadonlyArray<CostRow>): ReadonlyArray<string> => {
  if (rows.length === 0) return ['(no referral rewards released)']
  const body = [
    header,
    ...rows.map((r) => cells([r.month, r.consultantId], r)),
    cells(['Total', ''], sum(rows)),
  ]
  const widths = header.map((_, i) => Math.max(...body.map((line) => line[i]?.length ?? 0)))
  // Text columns to the left, figures to the right.
  const line = (values: ReadonlyArray<string>) =>
    values.map((v, i) => (i < 2 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ')
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  const [head = [], ...rest] = body
  const total = rest.pop() ?? []
  return [line(head), rule, ...rest.map(line), rule, line(total)]
}
