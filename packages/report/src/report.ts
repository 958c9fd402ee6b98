import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  type Anchor,
  type Event,
  handlesEvent,
  type Projection,
  type RecordedEvent,
  type VerifyResult,
} from '@dealer-crm/eventsourcing'
import { reportCharts } from './charts.js'
import { type ReportFigures, type ReportStates, reportFigures } from './figures.js'
import { renderHtml } from './html.js'
import { labelsFor, type ReportLanguage, reportLanguages } from './labels.js'
import { isMonth, type Month, monthsBefore } from './months.js'
import { complaintSeriesProjection } from './series/complaints.js'
import { lifecycleSeriesProjection } from './series/lifecycle.js'
import { logSeriesProjection } from './series/log.js'
import { loyaltySeriesProjection } from './series/loyalty.js'
import { referralSeriesProjection } from './series/referrals.js'

/** What the report reads: any event store (its `readAll` and the event types of its registry). */
export interface ReportSource {
  readonly readAll: () => AsyncIterable<RecordedEvent<Event>>
  readonly registry: { readonly types: ReadonlyArray<string> }
}

export interface ReportOptions {
  readonly store: ReportSource
  /** First and last month of the period, `YYYY-MM` in China time (default: the twelve months up to the log's last). */
  readonly from?: string | undefined
  readonly to?: string | undefined
  /** Labels: Simplified Chinese (default) or English. */
  readonly lang?: ReportLanguage | undefined
  /** The result of `verify(store, …)`, shown in the audit section (not run by the report). */
  readonly verifyResult?: VerifyResult | undefined
  /** The anchor to keep (default: the one a passed `verifyResult` returned). */
  readonly anchor?: Anchor | undefined
  /** What one point is worth when the points liability is stated in money, in fen (default 1: ¥0.01). */
  readonly pointValueFen?: number | undefined
}

/** An option the report cannot use: names the option and what it must be; nothing is read or written. */
export class ReportInputError extends Error {
  readonly code = 'ReportInputError'
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`${option}: ${problem}`)
    this.name = 'ReportInputError'
  }
}

/** Decides by `code`, not `instanceof`, so that it holds across the ESM and CommonJS builds. */
export const isReportInputError = (error: unknown): error is ReportInputError =>
  typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'ReportInputError'

const checkMonth = (option: string, value: string | undefined): Month | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !isMonth(value))
    throw new ReportInputError(option, `expected a month such as 2026-01, got ${String(value)}`)
  return value
}

const checkOptions = (o: ReportOptions) => {
  const from = checkMonth('from', o.from)
  const to = checkMonth('to', o.to)
  const lang = o.lang ?? 'zh-CN'
  if (!(reportLanguages as ReadonlyArray<string>).includes(lang))
    throw new ReportInputError('lang', `expected one of ${reportLanguages.join(', ')}, got ${String(lang)}`)
  const pointValueFen = o.pointValueFen ?? 1
  if (!Number.isFinite(pointValueFen) || pointValueFen < 0)
    throw new ReportInputError('pointValueFen', `expected a number of fen ≥ 0, got ${pointValueFen}`)
  if (from !== undefined && to !== undefined && from > to)
    throw new ReportInputError('from', `the period starts (${from}) after it ends (${to})`)
  return { from, to, lang, pointValueFen }
}

const foldInto = <S, E extends Event>(p: Projection<S, E>, state: S, e: RecordedEvent<Event>): S =>
  handlesEvent(p, e) ? p.apply(state, e) : state

/** One pass over the log through every monthly series. */
export const foldReportSeries = async (store: ReportSource): Promise<ReportStates> => {
  const log = logSeriesProjection(store.registry.types)
  let s: ReportStates = {
    lifecycle: lifecycleSeriesProjection.init(),
    complaints: complaintSeriesProjection.init(),
    referrals: referralSeriesProjection.init(),
    loyalty: loyaltySeriesProjection.init(),
    log: log.init(),
  }
  for await (const e of store.readAll())
    s = {
      lifecycle: foldInto(lifecycleSeriesProjection, s.lifecycle, e),
      complaints: foldInto(complaintSeriesProjection, s.complaints, e),
      referrals: foldInto(referralSeriesProjection, s.referrals, e),
      loyalty: foldInto(loyaltySeriesProjection, s.loyalty, e),
      log: foldInto(log, s.log, e),
    }
  return s
}

const lastMonth = (s: ReportStates): Month | undefined => [...s.log.months.keys()].sort().at(-1)

/** The period, every figure and the states they came from (what `renderReport` draws). */
export const reportData = async (
  options: ReportOptions,
): Promise<{ states: ReportStates; figures: ReportFigures }> => {
  const o = checkOptions(options)
  const states = await foldReportSeries(options.store)
  const to = o.to ?? lastMonth(states) ?? o.from
  if (to === undefined) throw new ReportInputError('to', 'the log is empty: give the period (from and to)')
  const from = o.from ?? monthsBefore(to, 11)
  if (from > to)
    throw new ReportInputError('from', `the period starts (${from}) after the log's last month (${to})`)
  const figures = reportFigures(states, {
    from,
    to,
    pointValueFen: o.pointValueFen,
    verifyResult: options.verifyResult,
    anchor: options.anchor,
  })
  return { states, figures }
}

/** The report as one self-contained HTML page (charts as inline SVG, no script, nothing fetched). */
export const renderReport = async (options: ReportOptions): Promise<string> => {
  const lang = checkOptions(options).lang
  const { figures } = await reportData(options)
  const labels = labelsFor(lang)
  return renderHtml(figures, reportCharts(figures, labels), labels, lang)
}

/** `renderReport`, written to `path` (its folder is created); returns the path. */
export const writeReport = async (path: string, options: ReportOptions): Promise<string> => {
  const html = await renderReport(options)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, html)
  return path
}
