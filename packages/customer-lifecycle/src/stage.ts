import {
  addElapsedDays,
  elapsedDays,
  epochMs,
  type Instant,
  isBefore,
  later,
} from '@dealer-crm/eventsourcing'
import type { StageEvidence } from './events.js'
import type { LifecyclePolicy } from './policy.js'
import type { LifecycleState, Vehicle } from './state.js'
import type { IntervalBasis, LifecycleStage } from './vocabulary.js'

export interface Assessment {
  readonly stage: LifecycleStage
  readonly evidence: StageEvidence
}

interface ExpectedInterval {
  readonly days: number | null
  readonly basis: IntervalBasis
}

/**
 * Days a vehicle takes to reach the brand's distance interval at its owner's pace, from the
 * odometer readings (docs/domain.md §5: DealerMine forecasts the due date from each owner's driving).
 */
const daysToDistanceInterval = (v: Vehicle, policy: LifecyclePolicy): number | null => {
  const first = v.readings[0]
  const last = v.readings[v.readings.length - 1]
  if (first === undefined || last === undefined) return null
  const days = elapsedDays(first.at, last.at)
  const km = last.km - first.km
  return days < 1 || km <= 0 ? null : Math.ceil(policy.serviceIntervalKm / (km / days))
}

/**
 * The customer's expected interval between visits: projected from mileage when there is a
 * history (whichever of time and distance comes first), else their usual gap between visits.
 */
export const expectedInterval = (s: LifecycleState, policy: LifecyclePolicy): ExpectedInterval => {
  const owned = Object.values(s.vehicles).filter((v) => v.owned)
  const byMileage = owned.map((v) => daysToDistanceInterval(v, policy)).filter((d): d is number => d !== null)
  if (byMileage.length > 0)
    return { days: Math.min(policy.serviceIntervalDays, ...byMileage), basis: 'mileage' }
  const visits = ownedVisitTimes(s)
  if (visits.length >= 2) {
    const gaps = visits.slice(1).map((at, i) => elapsedDays(visits[i] ?? at, at))
    const mean = Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length)
    if (mean > 0) return { days: mean, basis: 'visit-history' }
  }
  return { days: null, basis: 'policy-default' }
}

const ownedVisitTimes = (s: LifecycleState): ReadonlyArray<Instant> =>
  s.visits
    .filter((v) => s.vehicles[v.vin]?.owned === true)
    .map((v) => v.at)
    .sort((a, b) => epochMs(a) - epochMs(b))

/** The latest of some instants, or null when there are none. */
const latest = (times: ReadonlyArray<Instant>): Instant | null =>
  times.reduce<Instant | null>((acc, at) => (acc === null ? at : later(acc, at)), null)

const clamp = (n: number, min: number, max: number) => Math.max(min, Math.min(max, n))

/**
 * Where a customer stands at `at` by the recorded facts and the policy alone (docs/domain.md §1 and
 * §5), measured from the last visit or delivery: at risk after 1.5× the usual interval (or 9
 * months) with no visit, within 6–12 months; lost after 18 months, when no vehicle is left, or
 * when the customer said they went elsewhere after they were last seen; "never serviced" for
 * owners who never came back.
 */
export const assess = (s: LifecycleState, at: Instant, policy: LifecyclePolicy): Assessment => {
  const all = Object.values(s.vehicles)
  const owned = all.filter((v) => v.owned)
  const lastDeliveryAt = latest((owned.length > 0 ? owned : all).map((v) => v.deliveredAt))
  const visits = ownedVisitTimes(s)
  const lastVisitAt = latest(visits)
  const interval = expectedInterval(s, policy)
  const atRiskAfterDays =
    interval.days === null
      ? policy.atRiskFallbackDays
      : clamp(
          Math.round(policy.atRiskIntervalFactor * interval.days),
          policy.atRiskMinDays,
          policy.atRiskMaxDays,
        )
  const lastSeenAt = latest([lastVisitAt, lastDeliveryAt].filter((x): x is Instant => x !== null))
  const projectedDueDate =
    lastSeenAt === null ? null : addElapsedDays(lastSeenAt, interval.days ?? policy.serviceIntervalDays)
  const daysSinceLastSeen = lastSeenAt === null ? null : elapsedDays(lastSeenAt, at)
  const evidence: StageEvidence = {
    lastVisitAt,
    lastDeliveryAt,
    projectedDueDate,
    daysSinceLastVisit: lastVisitAt === null ? null : elapsedDays(lastVisitAt, at),
    daysOverdue: projectedDueDate === null ? 0 : Math.max(0, elapsedDays(projectedDueDate, at)),
    expectedIntervalDays: interval.days,
    intervalBasis: interval.basis,
    atRiskAfterDays,
    lostAfterDays: policy.lostAfterDays,
    vehiclesOwned: owned.length,
    policyVersion: policy.policyVersion,
    lastSeenAt,
    daysSinceLastSeen,
    saidWentElsewhereAt: s.saidWentElsewhereAt,
    neverServicedAfterDays: policy.neverServicedAfterDays,
  }
  const wentElsewhere =
    s.saidWentElsewhereAt !== null && lastSeenAt !== null && isBefore(lastSeenAt, s.saidWentElsewhereAt)
  const stage = ((): LifecycleStage => {
    if (all.length === 0) return 'prospect'
    if (owned.length === 0 || wentElsewhere) return 'lost'
    const since = daysSinceLastSeen ?? 0
    if (lastVisitAt === null) return since > policy.neverServicedAfterDays ? 'never-serviced' : 'owner'
    if (since > policy.lostAfterDays) return 'lost'
    if (since > atRiskAfterDays) return 'at-risk'
    if (evidence.daysOverdue > 0) return 'declining'
    const recent = visits.filter((v) => elapsedDays(v, at) <= policy.stableWindowDays)
    return recent.length >= policy.visitsForStable ? 'stable' : 'active'
  })()
  return { stage, evidence }
}

export interface StageMove {
  readonly to: LifecycleStage
  readonly evidence: StageEvidence
  readonly probationEndsAt: Instant | null
}

/**
 * The stage after a fact or an evaluation. An at-risk or lost customer who is healthy again (a
 * visit, a purchase, or the end of an override that held the stage) is won back and starts
 * probation; while on probation a healthy customer stays "won back" until the timer runs out,
 * and falls straight back if they drift again (docs/domain.md §1 stage 8, §5).
 */
export const nextStage = (s: LifecycleState, at: Instant, policy: LifecyclePolicy): StageMove => {
  const { stage, evidence } = assess(s, at, policy)
  const healthy = stage === 'active' || stage === 'stable'
  if (healthy && (s.stage === 'at-risk' || s.stage === 'lost'))
    return { to: 'won-back', evidence, probationEndsAt: addElapsedDays(at, policy.wonBackProbationDays) }
  if (s.stage === 'won-back' && healthy && s.probationEndsAt !== null && isBefore(at, s.probationEndsAt))
    return { to: 'won-back', evidence, probationEndsAt: s.probationEndsAt }
  return { to: stage, evidence, probationEndsAt: null }
}
