import { left, right } from 'fp-ts/lib/Either.js'
import type {
  ConfirmExit,
  RefundPrepaid,
  RequestExitStatement,
  SpendPrepaid,
  TopUpPrepaid,
} from '../commands.js'
import { loyaltyError } from '../errors.js'
import {
  ExitStatementIssued,
  MemberExited,
  PointsForfeited,
  PrepaidRefunded,
  PrepaidSpent,
  PrepaidToppedUp,
} from '../events.js'
import { totalOf } from '../ledger.js'
import { levelTierIndex, tierAt } from '../levels.js'
import type { LoyaltyPolicy } from '../policy.js'
import { availablePoints, type LoyaltyState, pendingPoints } from '../state.js'
import { type Decision, inSteps, whenActive, whenMember } from './guards.js'
import { upgradeInRealTime } from './steps.js'

export const topUpPrepaid = (policy: LoyaltyPolicy, c: TopUpPrepaid, m: LoyaltyState): Decision =>
  whenActive(m, () =>
    right(inSteps(m, () => [PrepaidToppedUp.make(movement(c))], upgradeInRealTime(policy, c.data.at))),
  )

/** What a prepaid movement records: the command without the member it is for (the stream names it). */
const movement = ({ data }: TopUpPrepaid | SpendPrepaid | RefundPrepaid) => ({
  amountFen: data.amountFen,
  reference: data.reference,
  at: data.at,
  by: data.by,
})

const insufficientPrepaid = (m: LoyaltyState, amountFen: number) =>
  left(
    loyaltyError('InsufficientPrepaid', `${amountFen} fen asked, the prepaid balance is ${m.prepaidFen} fen`),
  )

export const spendPrepaid = (c: SpendPrepaid, m: LoyaltyState): Decision =>
  whenActive(m, () =>
    c.data.amountFen > m.prepaidFen
      ? insufficientPrepaid(m, c.data.amountFen)
      : right([PrepaidSpent.make(movement(c))]),
  )

export const refundPrepaid = (c: RefundPrepaid, m: LoyaltyState): Decision =>
  whenMember(m, () =>
    c.data.amountFen > m.prepaidFen
      ? insufficientPrepaid(m, c.data.amountFen)
      : right([PrepaidRefunded.make({ ...movement(c), reason: 'member-request' })]),
  )

// ── Exit (docs/domain.md §4 exit costs 退出成本) ────────────────────────────────────────────────

/** The statement of what the member forfeits, shown before the exit is confirmed. */
export const requestExitStatement = (
  policy: LoyaltyPolicy,
  c: RequestExitStatement,
  m: LoyaltyState,
): Decision =>
  whenMember(m, () => {
    const level = m.level ?? tierAt(policy, 0).name
    return right([
      ExitStatementIssued.make({
        pointsForfeited: availablePoints(m),
        pendingPointsForfeited: pendingPoints(m),
        debtWrittenOff: m.debt,
        level,
        privilegesCancelled: [...tierAt(policy, levelTierIndex(policy, level)).privileges],
        prepaidToRefundFen: m.prepaidFen,
        at: c.data.at,
        by: c.data.by,
      }),
    ])
  })

/**
 * Confirms the exit the statement described: every point is forfeited, every privilege
 * cancelled, the prepaid balance refunded — never forfeited. Any movement after the statement
 * makes it outdated.
 */
export const confirmExit = (policy: LoyaltyPolicy, c: ConfirmExit, m: LoyaltyState): Decision =>
  whenMember(m, () => {
    if (m.exitStatement === null)
      return left(
        loyaltyError(
          'NoExitStatement',
          'issue an exit statement first (a statement is outdated by any later movement)',
        ),
      )
    const { prepaidRefundReference, at, by } = c.data
    const lots = m.lots
      .filter((lot) => lot.remaining > 0)
      .map((lot) => ({ lotId: lot.lotId, points: lot.remaining }))
    const level = m.level ?? tierAt(policy, 0).name
    return right([
      ...(lots.length > 0 || m.debt > 0 ? [PointsForfeited.make({ lots, debtWrittenOff: m.debt, at })] : []),
      ...(m.prepaidFen > 0
        ? [
            PrepaidRefunded.make({
              amountFen: m.prepaidFen,
              reference: prepaidRefundReference,
              reason: 'exit',
              at,
              by,
            }),
          ]
        : []),
      MemberExited.make({
        level,
        privilegesCancelled: [...tierAt(policy, levelTierIndex(policy, level)).privileges],
        pointsForfeited: totalOf(lots),
        prepaidRefundedFen: m.prepaidFen,
        at,
        by,
      }),
    ])
  })
