import { addElapsedDays, type Instant, isBefore } from '@dealer-crm/eventsourcing'
import {
  LevelDowngradeNoticeSent,
  LevelGraceStarted,
  LevelReviewed,
  LevelUpgraded,
  PointsDebtSettled,
} from '../events.js'
import { drawSoonestExpiring, spendableLots } from '../ledger.js'
import {
  levelMeasure,
  levelTierFor,
  levelTierIndex,
  monthsLater,
  nextReviewAfter,
  reviewedTier,
  tierAt,
} from '../levels.js'
import type { LoyaltyPolicy } from '../policy.js'
import type { Step } from './guards.js'

/** Points that became spendable pay a recorded debt first (docs/domain.md §5: never a silent negative). */
export const settleDebt =
  (at: Instant): Step =>
  (m) => {
    if (m.debt === 0) return []
    const lots = drawSoonestExpiring(spendableLots(m, at), m.debt)
    return lots.length === 0 ? [] : [PointsDebtSettled.make({ lots: [...lots], at })]
  }

/** docs/domain.md §5: real-time evaluation upgrades as soon as the qualifying measure reaches a level. */
export const upgradeInRealTime =
  (policy: LoyaltyPolicy, at: Instant): Step =>
  (m) => {
    if (policy.levels.evaluation !== 'real-time' || m.level === null) return []
    const current = levelTierIndex(policy, m.level)
    const measure = levelMeasure(policy, m, at)
    const measured = levelTierFor(policy, measure)
    return measured <= current
      ? []
      : [
          LevelUpgraded.make({
            basis: policy.levels.basis,
            measure,
            from: m.level,
            to: tierAt(policy, measured).name,
            nextReviewAt: monthsLater(policy, at, policy.levels.reviewEveryMonths),
            policyVersion: policy.policyVersion,
            at,
          }),
        ]
  }

/**
 * docs/domain.md §4 levels and §5 tiers: at the review the downgrade policy applies, after a grace
 * period; before it, an advance notice states what keeps the level. The notice measures what will
 * still count on the review date, since that is what the review will measure.
 */
export const reviewLevel =
  (policy: LoyaltyPolicy, at: Instant): Step =>
  (m) => {
    if (m.level === null || m.reviewAt === null) return []
    const reviewAt = m.reviewAt
    const current = levelTierIndex(policy, m.level)
    const required = tierAt(policy, current).minimum
    const assessAt = (when: Instant) => {
      const measure = levelMeasure(policy, m, when)
      return {
        measure,
        target: reviewedTier(policy, current, levelTierFor(policy, measure)),
        shortfall: Math.max(1, required - measure),
      }
    }
    const facts = { basis: policy.levels.basis, policyVersion: policy.policyVersion, at }
    if (!isBefore(at, reviewAt)) {
      const { measure, target, shortfall } = assessAt(at)
      const graceUntil = addElapsedDays(reviewAt, policy.levels.graceDays)
      if (target < current && isBefore(at, graceUntil))
        return m.grace?.reviewAt === reviewAt
          ? []
          : [
              LevelGraceStarted.make({
                ...facts,
                measure,
                level: m.level,
                reviewAt,
                until: graceUntil,
                required,
                shortfall,
              }),
            ]
      return [
        LevelReviewed.make({
          ...facts,
          measure,
          from: m.level,
          to: tierAt(policy, target).name,
          reviewAt,
          nextReviewAt: nextReviewAfter(policy, reviewAt, at),
        }),
      ]
    }
    // Points earned now may have left the window by the review date (a level reached with one purchase
    // is measured at 0 a year later): measured at `at`, the member would be downgraded unwarned.
    if (isBefore(at, addElapsedDays(reviewAt, -policy.levels.noticeDays)) || m.noticeSentFor === reviewAt)
      return []
    const { measure, target, shortfall } = assessAt(reviewAt)
    return target < current
      ? [
          LevelDowngradeNoticeSent.make({
            ...facts,
            measure,
            level: m.level,
            reviewAt,
            required,
            shortfall,
            wouldBecome: tierAt(policy, target).name,
          }),
        ]
      : []
  }
