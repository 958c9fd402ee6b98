import {
  type LifecycleEvent,
  type LifecycleMetricsState,
  lifecycleMetricsProjection,
  serviceRetention,
} from '@dealer-crm/customer-lifecycle'
import { instantOf, type Projection, type RecordedEvent } from '@dealer-crm/eventsourcing'
import type { LifecycleReportEvent } from '../events.js'
import { advanceTo, bucket, endOfMonth, type Month, type MonthCursor, monthOf } from '../months.js'

/** Service retention at a month's end, by docs/domain.md §5 "Service Lens" (the domain's own rule). */
export interface RetentionAtEnd {
  readonly active: number
  readonly recentlyLost: number
  readonly defected: number
  readonly neverServiced: number
  readonly retention: number | null
}

export interface LifecycleMonth {
  registered: number
  deliveries: number
  serviceVisits: number
  /** Moves to lost (churn) and to won-back in the month (docs/domain.md §1 stages 7–8). */
  lost: number
  wonBack: number
  /**
   * Service reminders that reached the customer in the month, and how many of those a visit followed
   * within the domain's window (docs/domain.md §5; counted when the visit comes, in the reminder's month).
   */
  remindersReached: number
  remindersConverted: number
  /** Customers per stage at the month's end; null while the month is open. */
  stagesAtEnd: Record<string, number> | null
  retentionAtEnd: RetentionAtEnd | null
}

export interface LifecycleSeriesState extends MonthCursor {
  readonly months: Map<Month, LifecycleMonth>
  readonly stageOf: Map<string, string>
  /** The domain's lifecycle metrics, folded alongside: its retention and reminder rules apply. */
  readonly metrics: LifecycleMetricsState
  lastAt: string | null
}

const domain = lifecycleMetricsProjection

const freshMonth = (): LifecycleMonth => ({
  registered: 0,
  deliveries: 0,
  serviceVisits: 0,
  lost: 0,
  wonBack: 0,
  remindersReached: 0,
  remindersConverted: 0,
  stagesAtEnd: null,
  retentionAtEnd: null,
})

const countStages = (stageOf: Map<string, string>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const stage of stageOf.values()) counts[stage] = (counts[stage] ?? 0) + 1
  return counts
}

const endFigures = (s: LifecycleSeriesState, asOf: string) => {
  const { active, recentlyLost, defected, neverServiced, retention } = serviceRetention(
    s.metrics,
    instantOf(Date.parse(asOf)),
  )
  return {
    stagesAtEnd: countStages(s.stageOf),
    retentionAtEnd: { active, recentlyLost, defected, neverServiced, retention },
  }
}

/**
 * Customers month by month: registrations, deliveries, visits, churn (moves to lost) and win-back,
 * reminder conversion, and at each month's end the customers per stage and the service retention.
 */
export const lifecycleSeriesProjection: Projection<LifecycleSeriesState, LifecycleReportEvent> = {
  name: 'report.lifecycle-series',
  version: 1,
  handles: [
    'ProspectRegistered',
    'VehicleDelivered',
    'ServiceVisitRecorded',
    'VehicleOwnershipTransferred',
    'StageChanged',
    'StageOverridden',
    'TouchpointDone',
    'SatisfactionRecorded',
  ],
  init: () => ({ cursor: null, months: new Map(), stageOf: new Map(), metrics: domain.init(), lastAt: null }),
  apply: (s, e) => {
    const month = monthOf(e.data.at)
    advanceTo(s, month, (closed) =>
      Object.assign(bucket(s.months, closed, freshMonth), endFigures(s, endOfMonth(closed))),
    )
    if (s.lastAt === null || e.data.at > s.lastAt) s.lastAt = e.data.at
    const b = bucket(s.months, month, freshMonth)
    const pending =
      e.type === 'ServiceVisitRecorded'
        ? [...(s.metrics.customers.get(e.data.customerId)?.pendingReminders ?? [])]
        : []
    const { reached, converted } = s.metrics.reminders
    // The same event, typed by the domain package: the report's shape declares fewer fields.
    domain.apply(s.metrics, e as unknown as RecordedEvent<LifecycleEvent>)
    b.remindersReached += s.metrics.reminders.reached - reached
    // A visit converts the reminders of the domain's window before it: the latest pending ones. Each
    // counts in its reminder's month, so a month's conversion is of the reminders sent in it.
    const newlyConverted = s.metrics.reminders.converted - converted
    for (const at of pending.slice(pending.length - newlyConverted))
      bucket(s.months, monthOf(at), freshMonth).remindersConverted += 1
    switch (e.type) {
      case 'ProspectRegistered':
        b.registered += 1
        s.stageOf.set(e.data.customerId, 'prospect')
        break
      case 'VehicleDelivered':
        b.deliveries += 1
        break
      case 'ServiceVisitRecorded':
        b.serviceVisits += 1
        break
      case 'StageChanged':
      case 'StageOverridden':
        if (!s.stageOf.has(e.data.customerId)) break
        if (e.data.to === 'lost') b.lost += 1
        if (e.data.to === 'won-back') b.wonBack += 1
        s.stageOf.set(e.data.customerId, e.data.to)
        break
      default:
        break
    }
    return s
  },
}

/**
 * The months of the series; the open month (the cursor's) gets its end figures as of its last event.
 * Reading changes nothing in the state.
 */
export const lifecycleMonths = (s: LifecycleSeriesState): ReadonlyMap<Month, LifecycleMonth> => {
  const months = new Map(s.months)
  if (s.cursor !== null && s.lastAt !== null)
    months.set(s.cursor, { ...(s.months.get(s.cursor) ?? freshMonth()), ...endFigures(s, s.lastAt) })
  return months
}
