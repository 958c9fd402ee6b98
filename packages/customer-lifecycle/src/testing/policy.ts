import fc from 'fast-check'
import { defaultLifecyclePolicy, type LifecyclePolicy } from '../policy.js'

/** A short, stable digest of a text (djb2), to name generated policies. */
const digest = (text: string): string =>
  [...text].reduce((h, ch) => (h * 33 + ch.charCodeAt(0)) >>> 0, 5381).toString(36)

/** Policies around the defaults of docs/domain.md, each valid by the `LifecyclePolicy` codec and with its own version. */
export const lifecyclePolicyArb: fc.Arbitrary<LifecyclePolicy> = fc
  .record({
    serviceIntervalDays: fc.integer({ min: 90, max: 365 }),
    serviceIntervalKm: fc.integer({ min: 5_000, max: 15_000 }),
    atRiskIntervalFactor: fc.constantFrom(1.25, 1.5, 2),
    atRiskMinDays: fc.integer({ min: 150, max: 200 }),
    atRiskMaxDays: fc.integer({ min: 300, max: 400 }),
    atRiskFallbackShare: fc.double({ min: 0, max: 1, noNaN: true }),
    lostBeyondAtRiskDays: fc.integer({ min: 1, max: 330 }),
    neverServicedAfterDays: fc.integer({ min: 180, max: 540 }),
    wonBackProbationDays: fc.integer({ min: 30, max: 365 }),
    visitsForStable: fc.integer({ min: 2, max: 4 }),
    marketingMax: fc.integer({ min: 1, max: 6 }),
    serviceReminderOptIn: fc.boolean(),
    surveyOptIn: fc.boolean(),
    requireVinCheckDigit: fc.boolean(),
  })
  .map((p) => {
    const policy: LifecyclePolicy = {
      ...defaultLifecyclePolicy,
      serviceIntervalDays: p.serviceIntervalDays,
      serviceIntervalKm: p.serviceIntervalKm,
      atRiskIntervalFactor: p.atRiskIntervalFactor,
      atRiskMinDays: p.atRiskMinDays,
      atRiskMaxDays: p.atRiskMaxDays,
      atRiskFallbackDays: Math.round(
        p.atRiskMinDays + p.atRiskFallbackShare * (p.atRiskMaxDays - p.atRiskMinDays),
      ),
      lostAfterDays: p.atRiskMaxDays + p.lostBeyondAtRiskDays,
      neverServicedAfterDays: p.neverServicedAfterDays,
      wonBackProbationDays: p.wonBackProbationDays,
      visitsForStable: p.visitsForStable,
      marketingCap: { max: p.marketingMax, withinDays: 30 },
      consentRequired: { 'service-reminder': p.serviceReminderOptIn, marketing: true, survey: p.surveyOptIn },
      requireVinCheckDigit: p.requireVinCheckDigit,
    }
    return { ...policy, policyVersion: `generated-${digest(JSON.stringify(policy))}` }
  })
