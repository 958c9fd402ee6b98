import type { Purpose } from './vocabulary.js'

/**
 * The tunable numbers of the customer lifecycle, with the defaults of DOMAIN.md §1 and §5.
 * The version is recorded on every event a policy shapes, so a stage or a segment can be
 * explained later with the numbers that produced it.
 */
export interface LifecyclePolicy {
  readonly policyVersion: string
  /** Brand service interval by time, used when a customer has no history of their own. */
  readonly serviceIntervalDays: number
  /** Brand service interval by distance; with the owner's mileage history it projects the due date. */
  readonly serviceIntervalKm: number
  /** At risk after this many times the customer's usual interval with no visit (DOMAIN.md §1: 1.5×). */
  readonly atRiskIntervalFactor: number
  /** At risk after this long with no visit when the usual interval is unknown (DOMAIN.md §1: 9 months). */
  readonly atRiskFallbackDays: number
  /** The at-risk threshold stays within 6–12 months (DOMAIN.md §5, Chinese 4S practice). */
  readonly atRiskMinDays: number
  readonly atRiskMaxDays: number
  /** Lost after this long with no visit (DOMAIN.md §1: 18 months). */
  readonly lostAfterDays: number
  /** An owner who has not come back within this long is "never serviced" (DOMAIN.md §5, Service Lens). */
  readonly neverServicedAfterDays: number
  /** Visits within the stable window that make a customer stable rather than active. */
  readonly visitsForStable: number
  readonly stableWindowDays: number
  /** Probation of a won-back customer (DOMAIN.md §5: they churn again more often). */
  readonly wonBackProbationDays: number
  /** The top share of the portfolio by value forms the key tier (seed 003 20/80原则). */
  readonly keyTierShare: number
  /** Purposes a customer must have opted into before contact; the others run until opted out. */
  readonly consentRequired: Readonly<Record<Purpose, boolean>>
  /** At most this many marketing touchpoints within the window (DOMAIN.md §5, Consent). */
  readonly marketingCap: { readonly max: number; readonly withinDays: number }
  /** No contact between these local times (minutes after midnight), at this offset from UTC. */
  readonly quietHours: {
    readonly fromMinute: number
    readonly toMinute: number
    readonly utcOffsetMinutes: number
  }
}

export const defaultPolicy: LifecyclePolicy = {
  policyVersion: 'lifecycle-2026.1',
  serviceIntervalDays: 180,
  serviceIntervalKm: 10_000,
  atRiskIntervalFactor: 1.5,
  atRiskFallbackDays: 270,
  atRiskMinDays: 180,
  atRiskMaxDays: 365,
  lostAfterDays: 540,
  neverServicedAfterDays: 365,
  visitsForStable: 3,
  stableWindowDays: 730,
  wonBackProbationDays: 180,
  keyTierShare: 0.2,
  consentRequired: { 'service-reminder': false, marketing: true, survey: false },
  marketingCap: { max: 4, withinDays: 30 },
  quietHours: { fromMinute: 21 * 60, toMinute: 8 * 60, utcOffsetMinutes: 480 },
}
