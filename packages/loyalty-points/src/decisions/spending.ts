import { left, right } from 'fp-ts/lib/Either.js'
import type { RedeemPoints, RefundDocument } from '../commands.js'
import { loyaltyError } from '../errors.js'
import { PointsRedeemed, PointsReversed } from '../events.js'
import { drawSoonestExpiring, spendableLots, spendablePoints, totalOf } from '../ledger.js'
import type { LoyaltyPolicy } from '../policy.js'
import { type LoyaltyState, lotOf, pendingPoints } from '../state.js'
import { type Decision, nothing, whenActive, whenMember } from './guards.js'

/**
 * docs/domain.md §4 会员积分用途 and §5: redeem for a voucher, discount or gift; never more than the
 * spendable balance; the event records the lots drawn, soonest-expiring first.
 */
export const redeemPoints = (c: RedeemPoints, m: LoyaltyState): Decision =>
  whenActive(m, () => {
    const { redemptionId, reward, points, reference, at, by } = c.data
    if (m.redemptions.includes(redemptionId)) return nothing
    const spendable = spendablePoints(m, at)
    if (points > spendable)
      return left(
        loyaltyError(
          'InsufficientPoints',
          `${points} points asked, ${spendable} spendable${pendingPoints(m) > 0 ? ` (${pendingPoints(m)} still pending)` : ''}`,
        ),
      )
    const drawnFrom = drawSoonestExpiring(spendableLots(m, at), points)
    return right([
      PointsRedeemed.make({ redemptionId, reward, reference, points, drawnFrom: [...drawnFrom], at, by }),
    ])
  })

/**
 * docs/domain.md §4 and §5: a refund reverses exactly what the document earned — from what is left of
 * its lot first; what was already spent becomes a recorded debt (paid from other spendable lots
 * first) or a write-off, by policy. What expired is not charged again. A second refund changes nothing.
 */
export const refundDocument = (policy: LoyaltyPolicy, c: RefundDocument, m: LoyaltyState): Decision =>
  whenMember(m, () => {
    const { document, reason, at, by } = c.data
    const lot = lotOf(m, document)
    if (lot === undefined)
      return left(
        loyaltyError('DocumentNotEarned', `${document.category} ${document.documentId} earned no points`),
      )
    if (lot.refunded) return nothing
    const taken = lot.remaining
    const spent = lot.points - taken - lot.expired
    const settledFrom =
      policy.refundShortfall === 'debt' ? drawSoonestExpiring(spendableLots(m, at, lot.lotId), spent) : []
    const settled = totalOf(settledFrom)
    return right([
      PointsReversed.make({
        source: document,
        reason,
        points: lot.points,
        taken,
        alreadyExpired: lot.expired,
        settledFrom: [...settledFrom],
        debtRecorded: policy.refundShortfall === 'debt' ? spent - settled : 0,
        writtenOff: policy.refundShortfall === 'write-off' ? spent : 0,
        policyVersion: policy.policyVersion,
        at,
        by,
      }),
    ])
  })
