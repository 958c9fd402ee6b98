import { resolve } from 'node:path'
import { ReportInputError, type ReportLanguage, writeReport } from '@dealer-crm/report'
import { type Command, targetArgs } from '../command.js'
import { type Io, line, UsageError } from '../io.js'
import { type OpenedTarget, withTarget } from '../open.js'
import { verifyLog } from './verify.js'

const month = (option: string) => (raw: string) => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(raw))
    throw new UsageError(`${option} ${JSON.stringify(raw)} is not a month: write YYYY-MM (2026-03)`)
  return raw
}

const language = (raw: string): ReportLanguage => {
  if (raw !== 'zh-CN' && raw !== 'en') throw new UsageError(`--lang ${JSON.stringify(raw)}: zh-CN or en`)
  return raw
}

export interface ReportRun {
  readonly out: string
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly lang?: ReportLanguage | undefined
}

/**
 * The report of an opened store: the log verified first (its result and the anchor to keep are the
 * audit section), then the page written to `out`. Returns the path written.
 */
export const reportOf = async (opened: OpenedTarget, io: Io, run: ReportRun): Promise<string> => {
  const verified = await verifyLog(opened, io, 'report: verify')
  try {
    return await writeReport(resolve(run.out), {
      store: opened.store,
      from: run.from,
      to: run.to,
      lang: run.lang,
      ...(verified.ok ? { verifyResult: verified } : {}),
    })
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message)
    throw error
  }
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'a page of monthly charts (HTML, opens offline): lifecycle, complaints, referrals, loyalty, audit',
  target: true,
  options: [
    {
      flags: '--from <month>',
      description: 'first month, YYYY-MM (default: twelve months up to the last)',
      parse: month('--from'),
    },
    {
      flags: '--to <month>',
      description: "last month, YYYY-MM (default: the log's last month)",
      parse: month('--to'),
    },
    { flags: '--lang <lang>', description: 'labels: zh-CN (default) or en', parse: language },
    { flags: '--out <file>', description: 'where to write the page (default report.html)' },
  ],
  description: `Writes one self-contained HTML page (no network needed to open it) with, per month of
the period: customers by lifecycle stage, churn and win-back, service retention and reminder
conversion; complaints by severity, SLA met per clock, breaches, escalations, reopenings and a Pareto
of root causes; referral claims, verification outcomes, fraud rate, rewards and penalties in ¥;
loyalty points issued, redeemed, expired and reversed, the liability in points and ¥, members by
level; and the audit state (the verify result and the anchor to keep). Months are in China time.
Opens the store read-only. See docs/report.md.`,
  after: `Example:
  dealer-crm report --db .data/dealership-demo.sqlite --lang en --out report.html`,
  run: async (args, io) => {
    const out = args.string('out') ?? 'report.html'
    const from = args.value<string>('from')
    const to = args.value<string>('to')
    if (from !== undefined && to !== undefined && from > to)
      throw new UsageError(`--from ${from} is after --to ${to}`)
    return withTarget('report', targetArgs(args), { create: false, readOnly: true }, async (opened) => {
      const path = await reportOf(opened, io, {
        out,
        from,
        to,
        lang: args.value<ReportLanguage>('lang'),
      })
      line(io.stdout, `report: ${path}`)
      return 0
    })
  },
}
