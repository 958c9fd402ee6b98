import { left, right } from 'fp-ts/lib/Either.js'
import type { EnrolMember, ResumeMember, SuspendMember } from '../commands.js'
import { loyaltyError } from '../errors.js'
import { MemberEnrolled, MemberResumed, MemberSuspended } from '../events.js'
import { monthsLater } from '../levels.js'
import type { LoyaltyPolicy } from '../policy.js'
import type { LoyaltyState } from '../state.js'
import { type Decision, whenActive, whenMember } from './guards.js'

/** docs/domain.md §4 会员卡: enrol with a card number at a level of the policy. */
export const enrolMember = (policy: LoyaltyPolicy, c: EnrolMember, m: LoyaltyState): Decision => {
  const { customerId, cardNumber, level, at, by } = c.data
  if (m.status === 'exited')
    return left(loyaltyError('MemberHasExited', 'the member has exited; a new card needs a new membership'))
  if (m.status !== 'not-enrolled')
    return left(loyaltyError('AlreadyEnrolled', `card ${m.cardNumber ?? ''} is already enrolled`))
  if (!policy.levels.tiers.some((tier) => tier.name === level))
    return left(
      loyaltyError(
        'UnknownLevel',
        `level ${level} is not in the policy (${policy.levels.tiers.map((tier) => tier.name).join(', ')})`,
      ),
    )
  const reviewAt = monthsLater(policy, at, policy.levels.reviewEveryMonths)
  return right([
    MemberEnrolled.make({
      customerId,
      cardNumber,
      level,
      reviewAt,
      policyVersion: policy.policyVersion,
      at,
      by,
    }),
  ])
}

export const suspendMember = (c: SuspendMember, m: LoyaltyState): Decision =>
  whenActive(m, () => right([MemberSuspended.make({ reason: c.data.reason, at: c.data.at, by: c.data.by })]))

export const resumeMember = (c: ResumeMember, m: LoyaltyState): Decision =>
  whenMember(m, () =>
    m.status !== 'suspended'
      ? left(loyaltyError('MemberNotSuspended', 'the card is not suspended'))
      : right([MemberResumed.make({ at: c.data.at, by: c.data.by })]),
  )
