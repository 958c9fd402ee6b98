import { addElapsedDays, type Instant } from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import type { AwardPoints, EarnPointsForSpend, ReleasePendingPoints } from '../commands.js'
import { loyaltyError } from '../errors.js'
import { type LoyaltyEvent, PendingPointsReleased, PointsEarned } from '../events.js'
import { levelTierIndex, monthsLater, tierAt } from '../levels.js'
import type { LoyaltyPolicy } from '../policy.js'
import type { LoyaltyActor } from '../roles.js'
import { type LoyaltyState, lotOf } from '../state.js'
import { lotIdOf, type PointsSource, type SourceCategory } from '../values.js'
import { type Decision, inSteps, nothing, whenActive, whenMember } from './guards.js'
import { settleDebt, upgradeInRealTime } from './steps.js'

const pendingFor = (policy: LoyaltyPolicy, category: SourceCategory, at: Instant) => {
  const rule = policy.pending[category]
  switch (rule.kind) {
    case 'available':
      return null
    case 'days':
      return rule.days <= 0 ? null : { availableFrom: addElapsedDays(at, rule.days) }
    case 'until-released':
      return { availableFrom: null }
  }
}

/** One earning, one lot with its own expiry (docs/domain.md §4, default 24 months). */
const earnLot = (
  policy: LoyaltyPolicy,
  m: LoyaltyState,
  earning: {
    source: PointsSource
    amountFen: number | null
    points: number
    multiplierPercent: number
    at: Instant
    by: LoyaltyActor
  },
): ReadonlyArray<LoyaltyEvent> =>
  inSteps(
    m,
    () => [
      PointsEarned.make({
        ...earning,
        lotId: lotIdOf(earning.source),
        qualifyingPoints: policy.qualifyingCategories.includes(earning.source.category) ? earning.points : 0,
        level: m.level ?? tierAt(policy, 0).name,
        pending: pendingFor(policy, earning.source.category, earning.at),
        expiresAt: monthsLater(policy, earning.at, policy.lotLifetimeMonths),
        policyVersion: policy.policyVersion,
      }),
    ],
    settleDebt(earning.at),
    upgradeInRealTime(policy, earning.at),
  )

/**
 * docs/domain.md §4 会员积分计算: points for spend at the policy's rate per yuan of the category,
 * times the level multiplier, above a minimum spend. Idempotent per source document: a
 * document that already earned (even if since refunded) earns nothing more.
 */
export const earnPointsForSpend = (policy: LoyaltyPolicy, c: EarnPointsForSpend, m: LoyaltyState): Decision =>
  whenActive(m, () => {
    const { document, amountFen, at, by } = c.data
    if (lotOf(m, document) !== undefined) return nothing
    if (amountFen < policy.minimumSpendFen)
      return left(
        loyaltyError(
          'BelowMinimumSpend',
          `a spend of ${amountFen} fen is below the minimum of ${policy.minimumSpendFen} fen that earns points`,
        ),
      )
    const rate = policy.rates[document.category]
    const base = Math.floor((amountFen * rate.points) / (rate.perYuan * 100))
    const multiplierPercent = tierAt(policy, levelTierIndex(policy, m.level)).multiplierPercent
    const points = Math.floor((base * multiplierPercent) / 100)
    if (points === 0)
      return left(loyaltyError('NothingToEarn', `a spend of ${amountFen} fen earns no points at this rate`))
    return right(earnLot(policy, m, { source: document, amountFen, points, multiplierPercent, at, by }))
  })

/** docs/domain.md §4: fixed awards for events and referral rewards (§2), goodwill after a complaint (§3). */
export const awardPoints = (policy: LoyaltyPolicy, c: AwardPoints, m: LoyaltyState): Decision =>
  whenActive(m, () => {
    const { document, points, at, by } = c.data
    if (lotOf(m, document) !== undefined) return nothing
    return right(
      earnLot(policy, m, { source: document, amountFen: null, points, multiplierPercent: 100, at, by }),
    )
  })

/** docs/domain.md §5 pending points: the return window closed, the lot becomes spendable. */
export const releasePendingPoints = (c: ReleasePendingPoints, m: LoyaltyState): Decision =>
  whenMember(m, () => {
    const { document, at } = c.data
    const lot = lotOf(m, document)
    if (lot === undefined)
      return left(
        loyaltyError('DocumentNotEarned', `${document.category} ${document.documentId} earned no points`),
      )
    if (lot.pending === null || lot.remaining === 0) return nothing
    return right(
      inSteps(
        m,
        () => [
          PendingPointsReleased.make({
            lots: [{ lotId: lot.lotId, points: lot.remaining }],
            reason: 'return-window-closed',
            at,
          }),
        ],
        settleDebt(at),
      ),
    )
  })
