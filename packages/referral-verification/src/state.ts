import type { CustomerId, Fen, Instant, Personal, StaffId } from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from './events.js'
import type { ReferralId } from './ids.js'
import type { Phone } from './phone.js'
import type { ReferralPolicy } from './policy.js'
import type { CallBackQuestion, Callee } from './questions.js'
import type { ReferralReward } from './rewards.js'
import type { PersonName } from './text.js'
import type { DescribedVehicle } from './vehicle.js'

/** Where a registered referral stands (docs/domain.md §2 steps 1–6, §5 Referrals). */
export type ReferralStage =
  | 'registered'
  | 'screened'
  | 'delivered'
  | 'call-back-scheduled'
  | 'verified'
  | 'faked'
  | 'inconclusive'
  | 'rejected'
  | 'voided'

/** The referee or the referrer as registered. */
export interface ReferralParty {
  readonly subjectId: CustomerId
  readonly name: Personal<PersonName>
  readonly phone: Personal<Phone>
  /** The referee's new car, or the referrer's owned car. */
  readonly vehicle: Personal<DescribedVehicle>
}

export interface CallBack {
  readonly callee: Callee
  readonly calleeId: CustomerId
  readonly verifierId: StaffId
  readonly questions: ReadonlyArray<CallBackQuestion>
  readonly unreachableAttempts: number
}

/** The reward is tracked apart from the referral (docs/domain.md §5 Referrals). */
export type ReferralRewardState =
  | { readonly status: 'none' }
  | { readonly status: 'released'; readonly reward: ReferralReward; readonly at: Instant }
  | { readonly status: 'clawed-back'; readonly reward: ReferralReward }

export interface Referral {
  readonly stage: ReferralStage
  readonly referralId: ReferralId
  readonly registeredAt: Instant
  /** The consultant who reported the referral and sold the car: never its verifier, fined if it is faked. */
  readonly sellingConsultant: StaffId
  readonly referee: ReferralParty
  readonly referrer: ReferralParty
  readonly policy: ReferralPolicy
  readonly rejection: 'screened-out' | 'licence-mismatch' | 'review-closed' | null
  readonly deliveredAt: Instant | null
  readonly callBack: CallBack | null
  readonly reward: ReferralRewardState
  /**
   * The fine this referral's fake put on the reporting consultant, while it stands (docs/domain.md §2.7): recorded
   * once, kept through a reopen, lifted only when the new call-back verifies the referral.
   */
  readonly standingPenalty: { readonly consultantId: StaffId; readonly amountFen: Fen } | null
  /** Whether this referral's fake blocks its referrer from rewards (docs/domain.md §2.7), until overturned. */
  readonly blocksReferrer: boolean
}

/** A referral stream: nothing yet, a late claim recorded and refused, or a registered referral. */
export type ReferralState =
  | { readonly stage: 'unregistered' }
  | { readonly stage: 'late-claim'; readonly referralId: ReferralId }
  | Referral

/** Before the first event: the state `referralDecider().initialState`. */
export const initialState: ReferralState = { stage: 'unregistered' }

/** Referrals that still hold the referee: the referee may have no other (docs/domain.md §5, "sticky advocate"). */
export const isLiveReferral = (state: ReferralState): boolean =>
  state.stage !== 'unregistered' &&
  state.stage !== 'late-claim' &&
  state.stage !== 'rejected' &&
  state.stage !== 'faked' &&
  state.stage !== 'voided'

/** A referral on file: neither unregistered nor a refused late claim. */
export const isRegistered = (state: ReferralState): state is Referral =>
  state.stage !== 'unregistered' && state.stage !== 'late-claim'

/** Total: an event that does not fit the state leaves it as it is. */
export const evolve = (state: ReferralState, event: ReferralEvent): ReferralState => {
  if (event.type === 'ReferralRegistered') {
    const d = event.data
    return {
      stage: 'registered',
      referralId: d.referralId,
      registeredAt: d.registeredAt,
      sellingConsultant: d.reportedBy.id,
      referee: {
        subjectId: d.referee.subjectId,
        name: d.referee.name,
        phone: d.referee.phone,
        vehicle: d.referee.purchase,
      },
      referrer: {
        subjectId: d.referrer.subjectId,
        name: d.referrer.name,
        phone: d.referrer.phone,
        vehicle: d.referrer.vehicle,
      },
      policy: d.policy,
      rejection: null,
      deliveredAt: null,
      callBack: null,
      reward: { status: 'none' },
      standingPenalty: null,
      blocksReferrer: false,
    }
  }
  if (event.type === 'LateClaimRejected') return { stage: 'late-claim', referralId: event.data.referralId }
  if (!isRegistered(state)) return state
  switch (event.type) {
    case 'ReferralScreened':
      return event.data.outcome === 'passed'
        ? { ...state, stage: 'screened' }
        : { ...state, stage: 'rejected', rejection: 'screened-out' }
    case 'DeliveryChecked':
      return event.data.outcome === 'matches'
        ? { ...state, stage: 'delivered', deliveredAt: event.data.deliveredAt }
        : { ...state, stage: 'rejected', rejection: 'licence-mismatch', deliveredAt: event.data.deliveredAt }
    case 'CallBackScheduled':
      return {
        ...state,
        stage: 'call-back-scheduled',
        callBack: {
          callee: event.data.callee,
          calleeId: event.data.calleeId,
          verifierId: event.data.verifierId,
          questions: event.data.questions,
          unreachableAttempts: 0,
        },
      }
    case 'CallBackUnreachable':
      return state.callBack === null
        ? state
        : { ...state, callBack: { ...state.callBack, unreachableAttempts: event.data.attempt } }
    case 'CallBackAnswered':
      return state
    case 'ReferralVerified':
      return { ...state, stage: 'verified' }
    case 'ReferralFaked':
      return { ...state, stage: 'faked' }
    case 'VerificationInconclusive':
      return { ...state, stage: 'inconclusive' }
    case 'FraudPenaltyRecorded':
      return {
        ...state,
        standingPenalty: { consultantId: event.data.consultantId, amountFen: event.data.amountFen },
      }
    case 'ReferrerBlocked':
      return { ...state, blocksReferrer: true }
    case 'FraudPenaltyLifted':
      return { ...state, standingPenalty: null }
    case 'ReferrerUnblocked':
      return { ...state, blocksReferrer: false }
    case 'RewardReleased':
      return { ...state, reward: { status: 'released', reward: event.data.reward, at: event.data.at } }
    case 'ReferralVoided':
      return { ...state, stage: 'voided' }
    case 'RewardClawedBack':
      return { ...state, reward: { status: 'clawed-back', reward: event.data.reward } }
    case 'ReferralReopened':
      return { ...state, stage: 'delivered', callBack: null }
    case 'ManualReviewClosed':
      return { ...state, stage: 'rejected', rejection: 'review-closed' }
  }
}
