import { addElapsedDays, type Count, elapsedDays, isBefore } from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import type { RecordSaleReturned, ReleaseReward } from '../commands.js'
import { referralError } from '../errors.js'
import type { ReferralEvent } from '../events.js'
import { referralTierFor } from '../policy.js'
import { rewardOf } from '../rewards.js'
import type { Referral } from '../state.js'
import { type Decision, wrongStage } from './refusals.js'

// docs/domain.md §2.6 reward only after verification; §5 hold period, tiers, blocked referrers.
export const releaseReward = (c: ReleaseReward, s: Referral): Decision => {
  const { referrerStanding, kind, at, by } = c.data
  if (s.stage !== 'verified')
    return wrongStage('NotVerified', s, 'a reward is paid only after a passed call-back')
  if (s.reward.status !== 'none')
    return left(
      referralError('RewardAlreadyReleased', `the reward for referral ${s.referralId} was already paid`),
    )
  if (referrerStanding.blocked)
    return left(
      referralError('ReferrerBlocked', 'the referrer is blocked from rewards after a faked referral'),
    )
  // The hold is days of 24 hours after delivery: held while fewer whole days than the hold have passed.
  const holdEnds = s.deliveredAt === null ? at : s.deliveredAt
  if (elapsedDays(holdEnds, at) < s.policy.rewardHoldDays)
    return left(
      referralError(
        'RewardOnHold',
        `the reward is held for ${s.policy.rewardHoldDays} days after delivery (${holdEnds}) to cover returns`,
      ),
    )
  const nth = (referrerStanding.successfulReferralsBefore + 1) as Count // one more than a count
  const tier = referralTierFor(s.policy, nth)
  if (tier === undefined)
    return left(
      referralError(
        'NoRewardTier',
        `policy ${s.policy.policyVersion} has no reward tier for referral ${nth}`,
      ),
    )
  return right([
    {
      type: 'RewardReleased',
      data: {
        referralId: s.referralId,
        referrerId: s.referrer.subjectId,
        by,
        tier: tier.name,
        nthSuccessfulReferral: nth,
        reward: rewardOf(kind, tier),
        at,
        policyVersion: s.policy.policyVersion,
      },
    },
  ])
}

const voidable: ReadonlyArray<Referral['stage']> = [
  'registered',
  'screened',
  'delivered',
  'call-back-scheduled',
  'verified',
  'inconclusive',
]

// docs/domain.md §5 Referrals: a returned or cancelled sale within the window voids the referral or claws back.
export const recordSaleReturned = (c: RecordSaleReturned, s: Referral): Decision => {
  const { outcome, at } = c.data
  if (!voidable.includes(s.stage)) return wrongStage('NothingToVoid', s, 'there is no live referral to void')
  // The window is days of 24 hours after delivery; a return at its very end still voids.
  if (s.deliveredAt !== null && isBefore(addElapsedDays(s.deliveredAt, s.policy.returnWindowDays), at))
    return left(
      referralError(
        'ReturnWindowClosed',
        `the sale came back more than ${s.policy.returnWindowDays} days after delivery (${s.deliveredAt}); the referral stands`,
      ),
    )
  const voided: ReferralEvent = {
    type: 'ReferralVoided',
    data: {
      referralId: s.referralId,
      reason: outcome === 'returned' ? 'sale-returned' : 'sale-cancelled',
      at,
      policyVersion: s.policy.policyVersion,
    },
  }
  return s.reward.status === 'released'
    ? right([
        voided,
        {
          type: 'RewardClawedBack',
          data: { referralId: s.referralId, referrerId: s.referrer.subjectId, reward: s.reward.reward, at },
        },
      ])
    : right([voided])
}
