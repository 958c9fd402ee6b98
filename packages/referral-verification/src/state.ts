import type { Personal } from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from './events.js'
import type { CustomerId, ReferralId, StaffId } from './ids.js'
import type { ReferralPolicy } from './policy.js'
import type { Callee, Question } from './questions.js'
import type { Reward } from './rewards.js'
import type { At, PersonName, Phone, Vehicle } from './values.js'

/** Where a registered referral stands (docs/domain.md §2 steps 1–6, §5 Referrals). */
export type Stage =
  | 'registered'
  | 'screened'
  | 'delivered'
  | 'call-back-scheduled'
  | 'verified'
  | 'faked'
  | 'inconclusive'
  | 'rejected'
  | 'voided'

export interface Party {
  readonly subjectId: CustomerId
  readonly name: Personal<PersonName>
  readonly phone: Personal<Phone>
  /** The referee's new car, or the referrer's owned car. */
  readonly vehicle: Personal<Vehicle>
}

export interface CallBack {
  readonly callee: Callee
  readonly calleeId: CustomerId
  readonly verifierId: StaffId
  readonly questions: ReadonlyArray<Question>
  readonly unreachableAttempts: number
}

/** The reward is tracked apart from the referral (docs/domain.md §5 Referrals). */
export type RewardState =
  | { readonly status: 'none' }
  | { readonly status: 'released'; readonly reward: Reward; readonly at: At }
  | { readonly status: 'clawed-back'; readonly reward: Reward }

export interface Referral {
  readonly stage: Stage
  readonly referralId: ReferralId
  readonly registeredAt: At
  /** The consultant who reported the referral and sold the car: never its verifier, fined if it is faked. */
  readonly sellingConsultant: StaffId
  readonly referee: Party
  readonly referrer: Party
  readonly policy: ReferralPolicy
  readonly rejection: 'screened-out' | 'licence-mismatch' | 'review-closed' | null
  readonly deliveredAt: At | null
  readonly callBack: CallBack | null
  readonly reward: RewardState
  /**
   * The fine this referral's fake put on the reporting consultant, while it stands (docs/domain.md §2.7): recorded
   * once, kept through a reopen, lifted only when the new call-back verifies the referral.
   */
  readonly standingPenalty: { readonly consultantId: StaffId; readonly amountFen: number } | null
  /** Whether this referral's fake blocks its referrer from rewards (docs/domain.md §2.7), until overturned. */
  readonly blocksReferrer: boolean
}

/** A referral stream: nothing yet, a late claim recorded and refused, or a registered referral. */
export type ReferralState =
  | { readonly stage: 'unregistered' }
  | { readonly stage: 'late-claim'; readonly referralId: ReferralId }
  | Referral

export const initialState: ReferralState = { stage: 'unregistered' }

/** Referrals that still hold the referee: the referee may have no other (docs/domain.md §5, "sticky advocate"). */
export const isLive = (state: ReferralState): boolean =>
  state.stage !== 'unregistered' &&
  state.stage !== 'late-claim' &&
  state.stage !== 'rejected' &&
  state.stage !== 'faked' &&
  state.stage !== 'voided'

const isRegistered = (state: ReferralState): state is Referral =>
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
