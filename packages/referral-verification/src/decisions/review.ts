import { left, right } from 'fp-ts/lib/Either.js'
import type { CloseManualReview, ReopenReferral } from '../commands.js'
import { referralError } from '../errors.js'
import type { Referral } from '../state.js'
import { type Decision, roleNotAllowed, wrongStage } from './refusals.js'

// docs/domain.md §2: outcomes are final; a manager's explicit, recorded reopen allows a new call-back.
export const reopenReferral = (c: ReopenReferral, s: Referral): Decision => {
  const { by, reason, at, refereeLiveReferralId } = c.data
  if (!s.policy.reopeningRoles.includes(by.role))
    return roleNotAllowed(by, 'reopen a referral', s.policy.reopeningRoles)
  if (s.stage !== 'verified' && s.stage !== 'faked' && s.stage !== 'inconclusive')
    return wrongStage(
      'OutcomeNotFinal',
      s,
      'only a verified, faked or inconclusive call-back can be reopened',
    )
  if (s.reward.status !== 'none')
    return left(
      referralError('RewardAlreadyPaid', 'the reward was paid; void the referral instead of reopening it'),
    )
  if (s.stage === 'faked' && refereeLiveReferralId !== null && refereeLiveReferralId !== s.referralId)
    return left(
      referralError(
        'RefereeAlreadyReferred',
        `since this referral was faked the referee was registered under referral ${refereeLiveReferralId}`,
      ),
    )
  return right([
    {
      type: 'ReferralReopened',
      data: { referralId: s.referralId, by, previousOutcome: s.stage, reason, at },
    },
  ])
}

// docs/domain.md §5 Referrals: an inconclusive referral waits in manual review; a manager closes it as not verified.
export const closeManualReview = (c: CloseManualReview, s: Referral): Decision => {
  const { by, reason, at } = c.data
  if (!s.policy.reopeningRoles.includes(by.role))
    return roleNotAllowed(by, 'close a manual review', s.policy.reopeningRoles)
  if (s.stage !== 'inconclusive')
    return wrongStage('NotInManualReview', s, 'only an inconclusive referral waits in manual review')
  return right([
    {
      type: 'ManualReviewClosed',
      data: { referralId: s.referralId, by, reason, at, policyVersion: s.policy.policyVersion },
    },
  ])
}
