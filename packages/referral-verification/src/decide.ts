import { type Decider, isBefore } from '@dealer-crm/eventsourcing'
import { left } from 'fp-ts/lib/Either.js'
import type { ReferralCommand } from './commands.js'
import { recordCallBackAnswers, recordCallBackUnreachable, scheduleCallBack } from './decisions/call-back.js'
import type { Decision } from './decisions/refusals.js'
import { checkAtDelivery, registerReferral, screenReferral } from './decisions/registration.js'
import { closeManualReview, reopenReferral } from './decisions/review.js'
import { recordSaleReturned, releaseReward } from './decisions/reward.js'
import { type ReferralError, referralError } from './errors.js'
import type { ReferralEvent } from './events.js'
import { defaultReferralPolicy, type ReferralPolicy } from './policy.js'
import { evolve, initialState, type ReferralState } from './state.js'

/** The referral decider: `decide`, `evolve` and `initialState` of one referral stream. */
export type ReferralDecider = Decider<ReferralCommand, ReferralEvent, ReferralState, ReferralError>

/** The rules of referral verification, one function per command (docs/domain.md §2, §5 Referrals). */
const decide =
  (policy: ReferralPolicy) =>
  (command: ReferralCommand, state: ReferralState): Decision => {
    if (command.type === 'RegisterReferral') return registerReferral(command, state, policy)
    if (state.stage === 'unregistered' || state.stage === 'late-claim')
      return left(
        referralError(
          'NotRegistered',
          state.stage === 'late-claim'
            ? `referral ${state.referralId} was refused as a late claim; nothing more can be done on it`
            : `referral ${command.data.referralId} has not been registered`,
        ),
      )
    if (command.data.referralId !== state.referralId)
      return left(
        referralError(
          'WrongReferral',
          `the command is for referral ${command.data.referralId} but this is referral ${state.referralId}`,
        ),
      )
    if (isBefore(command.data.at, state.registeredAt))
      return left(
        referralError(
          'BeforeRegistration',
          `${command.data.at} is before the referral was registered (${state.registeredAt})`,
        ),
      )
    switch (command.type) {
      case 'ScreenReferral':
        return screenReferral(command, state)
      case 'CheckAtDelivery':
        return checkAtDelivery(command, state)
      case 'ScheduleCallBack':
        return scheduleCallBack(command, state)
      case 'RecordCallBackAnswers':
        return recordCallBackAnswers(command, state)
      case 'RecordCallBackUnreachable':
        return recordCallBackUnreachable(command, state)
      case 'ReleaseReward':
        return releaseReward(command, state)
      case 'RecordSaleReturned':
        return recordSaleReturned(command, state)
      case 'ReopenReferral':
        return reopenReferral(command, state)
      case 'CloseManualReview':
        return closeManualReview(command, state)
    }
  }

/**
 * The referral decider under a policy (the defaults of docs/domain.md unless given). The policy is recorded
 * on each registration: every later decision about that referral uses the policy it was registered under.
 */
export const referralDecider = (policy: ReferralPolicy = defaultReferralPolicy): ReferralDecider => ({
  decide: decide(policy),
  evolve,
  initialState,
})
