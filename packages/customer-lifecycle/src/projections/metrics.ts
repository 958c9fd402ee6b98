import {
  businessDate,
  elapsedDays,
  epochMs,
  type Instant,
  later,
  type Projection,
} from '@dealer-crm/eventsourcing'
import type { LifecycleEvent } from '../events.js'
import type { LifecycleStage, SatisfactionClass } from '../vocabulary.js'

interface TrackedVehicle {
  owned: boolean
  lastVisitAt: Instant | null
}

interface Tracked {
  stage: LifecycleStage
  firstDeliveryAt: Instant | null
  latestDeliveryAt: Instant | null
  vehicles: Map<string, TrackedVehicle>
  visits: Instant[]
  everAtRiskOrLost: boolean
  wonBackEpisodes: number
  reChurnEpisodes: number
  /** Times of service reminders that reached the customer and have not led to a visit yet. */
  pendingReminders: Instant[]
}

export interface LifecycleMetricsState {
  customers: Map<string, Tracked>
  reminders: { reached: number; converted: number }
  satisfaction: Record<SatisfactionClass, number>
}

export interface LifecycleMetricsOptions {
  /** A service reminder converts when a visit follows within this many days. */
  readonly reminderConversionDays: number
}

const handles = [
  'ProspectRegistered',
  'VehicleDelivered',
  'ServiceVisitRecorded',
  'VehicleOwnershipTransferred',
  'StageChanged',
  'StageOverridden',
  'TouchpointDone',
  'SatisfactionRecorded',
] as const satisfies ReadonlyArray<LifecycleEvent['type']>

const fallingBack = new Set<LifecycleStage>(['declining', 'at-risk', 'lost'])

/** The figures a dealer principal watches (docs/domain.md §5 Lifecycle / retention; seed 001 satisfaction). */
export const lifecycleMetricsProjectionWith = (
  options: LifecycleMetricsOptions = { reminderConversionDays: 30 },
): Projection<LifecycleMetricsState, LifecycleEvent> => ({
  name: 'customer-lifecycle.metrics',
  version: 1,
  handles,
  init: () => ({
    customers: new Map(),
    reminders: { reached: 0, converted: 0 },
    satisfaction: { dissatisfied: 0, satisfied: 0, delighted: 0 },
  }),
  apply: (state, e) => {
    if (e.type === 'ProspectRegistered') {
      state.customers.set(e.data.customerId, {
        stage: 'prospect',
        firstDeliveryAt: null,
        latestDeliveryAt: null,
        vehicles: new Map(),
        visits: [],
        everAtRiskOrLost: false,
        wonBackEpisodes: 0,
        reChurnEpisodes: 0,
        pendingReminders: [],
      })
      return state
    }
    const c = state.customers.get(e.data.customerId)
    if (c === undefined) return state
    switch (e.type) {
      case 'VehicleDelivered':
        c.firstDeliveryAt ??= e.data.at
        c.latestDeliveryAt = e.data.at
        c.vehicles.set(e.data.vin, { owned: true, lastVisitAt: null })
        break
      case 'ServiceVisitRecorded': {
        const v = c.vehicles.get(e.data.vin)
        if (v !== undefined) v.lastVisitAt = e.data.at
        c.visits.push(e.data.at)
        const converted = c.pendingReminders.filter(
          (at) => elapsedDays(at, e.data.at) <= options.reminderConversionDays,
        ).length
        state.reminders.converted += converted
        c.pendingReminders = []
        break
      }
      case 'VehicleOwnershipTransferred': {
        const v = c.vehicles.get(e.data.vin)
        if (v !== undefined) v.owned = false
        break
      }
      case 'StageChanged':
      case 'StageOverridden':
        if (e.data.to === 'at-risk' || e.data.to === 'lost') c.everAtRiskOrLost = true
        if (e.data.to === 'won-back') c.wonBackEpisodes += 1
        if (e.data.from === 'won-back' && fallingBack.has(e.data.to)) c.reChurnEpisodes += 1
        c.stage = e.data.to
        break
      case 'TouchpointDone':
        if (
          e.data.purpose === 'service-reminder' &&
          (e.data.outcome === 'reached' || e.data.outcome === 'appointment-booked')
        ) {
          state.reminders.reached += 1
          c.pendingReminders.push(e.data.at)
        }
        break
      case 'SatisfactionRecorded':
        state.satisfaction[e.data.classification] += 1
        break
    }
    return state
  },
})

/** The lifecycle figures with a reminder converting when a visit follows within 30 days. */
export const lifecycleMetricsProjection = lifecycleMetricsProjectionWith()

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole)

export interface RetentionBands {
  /** Serviced within this many days: Active. */
  readonly activeWithinDays: number
  /** Serviced within this many days, but not within the active band: Recently Lost; beyond: Defected. */
  readonly recentlyLostWithinDays: number
}

/**
 * Service retention = Active ÷ (Active + Recently Lost + Defected + Never Serviced), by the dealer
 * retention segments of docs/domain.md §5 (FullThrottle "Service Lens"), counted per current owner at
 * `asOf`. An owner who bought within the active band and has not been back yet is not counted:
 * they are not due.
 */
export const serviceRetention = (
  state: LifecycleMetricsState,
  asOf: Instant,
  bands: RetentionBands = { activeWithinDays: 365, recentlyLostWithinDays: 730 },
) => {
  const counts = { active: 0, recentlyLost: 0, defected: 0, neverServiced: 0 }
  for (const c of state.customers.values()) {
    const owned = [...c.vehicles.values()].filter((v) => v.owned)
    if (owned.length === 0 || c.latestDeliveryAt === null) continue
    const visits = owned.map((v) => v.lastVisitAt).filter((at): at is Instant => at !== null)
    if (visits.length === 0) {
      if (elapsedDays(c.latestDeliveryAt, asOf) > bands.activeWithinDays) counts.neverServiced += 1
      continue
    }
    const since = elapsedDays(
      visits.reduce((a, b) => later(b, a)),
      asOf,
    )
    if (since <= bands.activeWithinDays) counts.active += 1
    else if (since <= bands.recentlyLostWithinDays) counts.recentlyLost += 1
    else counts.defected += 1
  }
  const all = counts.active + counts.recentlyLost + counts.defected + counts.neverServiced
  return { ...counts, retention: rate(counts.active, all) }
}

/** Churn rate = lost ÷ the effective customer base (有效基盘: every customer who has bought; docs/domain.md §5). */
export const churnRate = (state: LifecycleMetricsState) => {
  const base = [...state.customers.values()].filter((c) => c.firstDeliveryAt !== null)
  const lost = base.filter((c) => c.stage === 'lost').length
  return { lost, base: base.length, rate: rate(lost, base.length) }
}

/** The month of an instant in the business zone (Asia/Shanghai), `YYYY-MM`. */
const monthOf = (at: Instant): string => businessDate(at).slice(0, 7)

/**
 * Cohort return rate: of the customers whose first delivery fell in a month, the share who came
 * back for service within `windowDays` (default six months). Only cohorts whose window has closed
 * by `asOf` are counted.
 */
export const cohortReturn = (state: LifecycleMetricsState, asOf: Instant, windowDays = 183) => {
  const cohorts = new Map<string, { delivered: number; returned: number }>()
  for (const c of state.customers.values()) {
    const first = c.firstDeliveryAt
    if (first === null || elapsedDays(first, asOf) < windowDays) continue
    const cohort = cohorts.get(monthOf(first)) ?? { delivered: 0, returned: 0 }
    cohort.delivered += 1
    if (c.visits.some((at) => epochMs(at) > epochMs(first) && elapsedDays(first, at) <= windowDays))
      cohort.returned += 1
    cohorts.set(monthOf(first), cohort)
  }
  return [...cohorts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, { delivered, returned }]) => ({
      month,
      delivered,
      returned,
      rate: rate(returned, delivered),
    }))
}

/** Win-back rate: of the customers who were ever at risk or lost, the share won back. */
export const winBackRate = (state: LifecycleMetricsState) => {
  const slipped = [...state.customers.values()].filter((c) => c.everAtRiskOrLost)
  const wonBack = slipped.filter((c) => c.wonBackEpisodes > 0).length
  return { slipped: slipped.length, wonBack, rate: rate(wonBack, slipped.length) }
}

/** Re-churn rate: of the times customers were won back, the share that fell back again. */
export const reChurnRate = (state: LifecycleMetricsState) => {
  let episodes = 0
  let reChurned = 0
  for (const c of state.customers.values()) {
    episodes += c.wonBackEpisodes
    reChurned += c.reChurnEpisodes
  }
  return { wonBack: episodes, reChurned, rate: rate(reChurned, episodes) }
}

/** Reminder conversion: service reminders that reached the customer and were followed by a visit. */
export const reminderConversion = (state: LifecycleMetricsState) => ({
  ...state.reminders,
  rate: rate(state.reminders.converted, state.reminders.reached),
})

/** Satisfaction distribution (seed 001): counts and shares of each class. */
export const satisfactionDistribution = (state: LifecycleMetricsState) => {
  const { dissatisfied, satisfied, delighted } = state.satisfaction
  const total = dissatisfied + satisfied + delighted
  return {
    total,
    dissatisfied: { count: dissatisfied, share: rate(dissatisfied, total) },
    satisfied: { count: satisfied, share: rate(satisfied, total) },
    delighted: { count: delighted, share: rate(delighted, total) },
  }
}
