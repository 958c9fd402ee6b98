import { isBefore } from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import type { EvaluateMember } from '../commands.js'
import { loyaltyError } from '../errors.js'
import { PendingPointsReleased, PointsExpired } from '../events.js'
import { expiredBy, releasableBy } from '../ledger.js'
import type { LoyaltyPolicy } from '../policy.js'
import type { LoyaltyState } from '../state.js'
import { type Decision, inSteps, whenMember } from './guards.js'
import { reviewLevel, settleDebt, upgradeInRealTime } from './steps.js'

/** Expiry of exactly what remains, end of pending periods, debt settlement, level evaluation. */
export const evaluateMember = (policy: LoyaltyPolicy, c: EvaluateMember, m: LoyaltyState): Decision =>
  whenMember(m, () => {
    const { at } = c.data
    if (m.lastEvaluatedAt !== null && isBefore(at, m.lastEvaluatedAt))
      return left(
        loyaltyError('EvaluationInThePast', `${at} is before the last evaluation at ${m.lastEvaluatedAt}`),
      )
    return right(
      inSteps(
        m,
        (s) => {
          const lots = expiredBy(s, at)
          return lots.length === 0 ? [] : [PointsExpired.make({ lots: [...lots], at })]
        },
        (s) => {
          const lots = releasableBy(s, at)
          return lots.length === 0
            ? []
            : [PendingPointsReleased.make({ lots: [...lots], reason: 'pending-period-ended', at })]
        },
        settleDebt(at),
        upgradeInRealTime(policy, at),
        reviewLevel(policy, at),
      ),
    )
  })
