import { addCalendarMonths, type Instant, isBefore } from '@dealer-crm/eventsourcing'
import type { LevelTier, LoyaltyPolicy } from './policy.js'
import type { LoyaltyState } from './state.js'

/** Calendar months later in the policy's business zone (docs/domain.md §4: lots, windows and reviews count months). */
export const monthsLater = (policy: LoyaltyPolicy, at: Instant, months: number): Instant =>
  addCalendarMonths(at, months, policy.businessZone)

/** Position of a level in the policy's tiers; an unknown name counts as the lowest. */
export const levelTierIndex = (policy: LoyaltyPolicy, level: string | null): number =>
  Math.max(
    0,
    policy.levels.tiers.findIndex((tier) => tier.name === level),
  )

export const tierAt = (policy: LoyaltyPolicy, index: number): LevelTier =>
  policy.levels.tiers[index] ?? { name: 'standard', minimum: 0, multiplierPercent: 100, privileges: [] }

/**
 * docs/domain.md §4 and §5: the level is measured by prepaid fen deposited, or by qualifying points
 * earned within the window — never by the spendable balance.
 */
export const levelMeasure = (policy: LoyaltyPolicy, m: LoyaltyState, at: Instant): number => {
  if (policy.levels.basis === 'prepaid') return m.prepaidDeposited
  const windowStart = monthsLater(policy, at, -policy.levels.qualifyingWindowMonths)
  return m.lots.reduce(
    (sum, lot) =>
      isBefore(windowStart, lot.earnedAt) && !isBefore(at, lot.earnedAt) ? sum + lot.qualifyingPoints : sum,
    0,
  )
}

/** The highest tier whose minimum the measure reaches. */
export const levelTierFor = (policy: LoyaltyPolicy, measure: number): number =>
  policy.levels.tiers.reduce((best, tier, index) => (measure >= tier.minimum ? index : best), 0)

/** docs/domain.md §5: at the review, downgrade none / one level / recompute; upgrades always apply. */
export const reviewedTier = (policy: LoyaltyPolicy, current: number, measured: number): number => {
  if (measured >= current) return measured
  switch (policy.levels.downgrade) {
    case 'none':
      return current
    case 'one-level':
      return Math.max(measured, current - 1)
    case 'recompute':
      return measured
  }
}

/** The first review date after `at`, on the review cycle that started at `reviewAt`. */
export const nextReviewAfter = (policy: LoyaltyPolicy, reviewAt: Instant, at: Instant): Instant => {
  const every = Math.max(1, policy.levels.reviewEveryMonths)
  let cycles = 1
  while (!isBefore(at, monthsLater(policy, reviewAt, cycles * every))) cycles++
  return monthsLater(policy, reviewAt, cycles * every)
}
