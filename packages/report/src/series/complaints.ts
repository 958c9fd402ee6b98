import type { Projection } from '@dealer-crm/eventsourcing'
import type { ComplaintClock, ComplaintReportEvent, ReportSeverity } from '../events.js'
import { bucket, type Month, monthOf } from '../months.js'

export const complaintClocks: ReadonlyArray<ComplaintClock> = ['response', 'investigation', 'resolution']
export const severities: ReadonlyArray<ReportSeverity> = ['general', 'escalated', 'major']

type PerClock = Record<ComplaintClock, number>

export interface ComplaintMonth {
  /** Complaints received, by the severity they were taken in with (一般 / 升级 / 重大). */
  readonly received: Record<ReportSeverity, number>
  /**
   * SLA clocks settled in the month: met when stopped within target, breached when the breach was
   * recorded. A clock counts once, by its final outcome (docs/domain.md §5: a failed SLA stays failed):
   * a met resolution clock that runs again after a reopen and breaches moves to the breach's month.
   */
  readonly met: PerClock
  readonly breached: PerClock
  /** Complaints escalated for the first time in the month, and escalations in all. */
  escalated: number
  escalations: number
  reopenings: number
  closed: number
}

export interface ComplaintSeriesState {
  readonly months: Map<Month, ComplaintMonth>
  /** `complaintId/clock` → the month its clock counted as met. */
  readonly metIn: Map<string, Month>
  readonly breached: Set<string>
  readonly escalated: Set<string>
  /** The latest root cause of each closed complaint and the month it was closed in. */
  readonly causes: Map<string, { readonly rootCause: string; readonly month: Month }>
}

const perClock = (): PerClock => ({ response: 0, investigation: 0, resolution: 0 })
const freshMonth = (): ComplaintMonth => ({
  received: { general: 0, escalated: 0, major: 0 },
  met: perClock(),
  breached: perClock(),
  escalated: 0,
  escalations: 0,
  reopenings: 0,
  closed: 0,
})

/** Complaints month by month (docs/domain.md §3, §5 Complaints): intake by severity, SLA clocks, causes. */
export const complaintSeriesProjection: Projection<ComplaintSeriesState, ComplaintReportEvent> = {
  name: 'report.complaint-series',
  version: 1,
  handles: [
    'ComplaintReceived',
    'SlaClockStopped',
    'SlaBreached',
    'ComplaintEscalated',
    'ComplaintClosed',
    'ComplaintReopened',
  ],
  init: () => ({
    months: new Map(),
    metIn: new Map(),
    breached: new Set(),
    escalated: new Set(),
    causes: new Map(),
  }),
  apply: (s, e) => {
    const month = monthOf(e.data.at)
    const b = bucket(s.months, month, freshMonth)
    const id = e.data.complaintId
    switch (e.type) {
      case 'ComplaintReceived':
        b.received[e.data.severity] += 1
        break
      case 'SlaClockStopped': {
        const key = `${id}/${e.data.clock}`
        if (s.breached.has(key) || s.metIn.has(key)) break
        s.metIn.set(key, month)
        b.met[e.data.clock] += 1
        break
      }
      case 'SlaBreached': {
        const key = `${id}/${e.data.clock}`
        if (s.breached.has(key)) break
        const metMonth = s.metIn.get(key)
        if (metMonth !== undefined) {
          bucket(s.months, metMonth, freshMonth).met[e.data.clock] -= 1
          s.metIn.delete(key)
        }
        s.breached.add(key)
        b.breached[e.data.clock] += 1
        break
      }
      case 'ComplaintEscalated':
        b.escalations += 1
        if (!s.escalated.has(id)) {
          s.escalated.add(id)
          b.escalated += 1
        }
        break
      case 'ComplaintClosed':
        b.closed += 1
        s.causes.set(id, { rootCause: e.data.rootCause, month })
        break
      case 'ComplaintReopened':
        b.reopenings += 1
        break
    }
    return s
  },
}

export interface CauseCount {
  readonly rootCause: string
  readonly complaints: number
  /** Share of this cause and every cause above it: the Pareto line (0–1). */
  readonly cumulativeShare: number
}

/** The Pareto of root causes of the complaints last closed in the months given (all months: none given). */
export const causePareto = (s: ComplaintSeriesState, within?: ReadonlySet<Month>): CauseCount[] => {
  const counts = new Map<string, number>()
  let total = 0
  for (const { rootCause, month } of s.causes.values()) {
    if (within !== undefined && !within.has(month)) continue
    counts.set(rootCause, (counts.get(rootCause) ?? 0) + 1)
    total += 1
  }
  let running = 0
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([rootCause, complaints]) => {
      running += complaints
      return { rootCause, complaints, cumulativeShare: running / total }
    })
}
