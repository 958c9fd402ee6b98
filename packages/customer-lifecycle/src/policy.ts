import * as t from 'io-ts'
import {
  MinuteOfDay,
  PolicyCount,
  PolicyPositive,
  PolicyText,
  PositiveFactor,
  Share,
  UtcOffsetMinutes,
} from './codecs.js'
import { withRule } from './field-rule.js'

/**
 * The tunable numbers of the customer lifecycle, with the defaults of docs/domain.md §1 and §5.
 * The version is recorded on every event a policy shapes, so a stage or a segment can be
 * explained later with the numbers that produced it. Decode a policy read from configuration
 * with this codec: a threshold out of order fails at its field ("lostAfterDays: …").
 */
export const LifecyclePolicy = withRule(
  t.type(
    {
      policyVersion: PolicyText,
      /** Brand service interval by time, used when a customer has no history of their own. */
      serviceIntervalDays: PolicyPositive,
      /** Brand service interval by distance; with the owner's mileage history it projects the due date. */
      serviceIntervalKm: PolicyPositive,
      /** At risk after this many times the customer's usual interval with no visit (docs/domain.md §1: 1.5×). */
      atRiskIntervalFactor: PositiveFactor,
      /** At risk after this long with no visit when the usual interval is unknown (docs/domain.md §1: 9 months). */
      atRiskFallbackDays: PolicyPositive,
      /** The at-risk threshold stays within 6–12 months (docs/domain.md §5, Chinese 4S practice). */
      atRiskMinDays: PolicyPositive,
      atRiskMaxDays: PolicyPositive,
      /** Lost after this long with no visit (docs/domain.md §1: 18 months; §5: over 12). */
      lostAfterDays: PolicyPositive,
      /** An owner who has not come back within this long is "never serviced" (docs/domain.md §5, Service Lens). */
      neverServicedAfterDays: PolicyPositive,
      /** Visits within the stable window that make a customer stable rather than active. */
      visitsForStable: PolicyPositive,
      stableWindowDays: PolicyPositive,
      /** Probation of a won-back customer (docs/domain.md §5: they churn again more often). */
      wonBackProbationDays: PolicyPositive,
      /** The top share of the portfolio by value forms the key tier (seed 003 20/80原则). */
      keyTierShare: Share,
      /** The window the portfolio's value is measured over for the value tier, ending when it is assigned. */
      valueWindowDays: PolicyPositive,
      /**
       * Purposes a customer must have opted into before contact; the others run until opted out.
       * Marketing always needs opting in (docs/domain.md §5 Consent, PIPL), so it is not a choice.
       */
      consentRequired: t.type({
        'service-reminder': t.boolean,
        marketing: t.literal(true),
        survey: t.boolean,
      }),
      /** At most this many marketing touchpoints within the window (docs/domain.md §5, Consent). */
      marketingCap: t.type({ max: PolicyCount, withinDays: PolicyPositive }),
      /** No contact between these local times (minutes after midnight), at this offset from UTC. */
      quietHours: t.type({
        fromMinute: MinuteOfDay,
        toMinute: MinuteOfDay,
        utcOffsetMinutes: UtcOffsetMinutes,
      }),
      /**
       * Refuse a delivery whose VIN does not carry its check digit at position 9 (mandatory in China
       * under GB 16735 and in North America; older and some imported vehicles lack it).
       */
      requireVinCheckDigit: t.boolean,
    },
    'LifecyclePolicy',
  ),
  (p) =>
    p.atRiskMinDays > p.atRiskMaxDays
      ? { field: 'atRiskMinDays', message: `must not exceed atRiskMaxDays (${p.atRiskMaxDays})` }
      : p.atRiskFallbackDays < p.atRiskMinDays || p.atRiskFallbackDays > p.atRiskMaxDays
        ? {
            field: 'atRiskFallbackDays',
            message: `must lie within atRiskMinDays and atRiskMaxDays (${p.atRiskMinDays}–${p.atRiskMaxDays})`,
          }
        : p.lostAfterDays <= p.atRiskMaxDays
          ? { field: 'lostAfterDays', message: `must exceed atRiskMaxDays (${p.atRiskMaxDays})` }
          : null,
)
export type LifecyclePolicy = t.TypeOf<typeof LifecyclePolicy>

/** The defaults of docs/domain.md §1 and §5. */
export const defaultLifecyclePolicy: LifecyclePolicy = {
  policyVersion: 'lifecycle-2026.2',
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
  valueWindowDays: 365,
  consentRequired: { 'service-reminder': false, marketing: true, survey: false },
  marketingCap: { max: 4, withinDays: 30 },
  quietHours: { fromMinute: 21 * 60, toMinute: 8 * 60, utcOffsetMinutes: 480 },
  requireVinCheckDigit: false,
}
