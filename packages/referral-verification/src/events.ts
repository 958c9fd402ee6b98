import {
  Count,
  CustomerId,
  type EventOf,
  type EventsIn,
  eventRegistry,
  eventType,
  Fen,
  Instant,
  PhoneHash,
  personal,
  StaffId,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { ReferralId } from './ids.js'
import { StoredPhone } from './phone.js'
import { ReferralPolicy } from './policy.js'
import { CallBackAnswer, CallBackQuestion, Callee } from './questions.js'
import { ReferralReward } from './rewards.js'
import { ReferralActor } from './roles.js'
import { PersonName, ReviewReason } from './text.js'
import { DescribedVehicle } from './vehicle.js'

/** The referee (新客户) as registered: personal fields are encrypted under the referee's key. */
export const RegisteredReferee = t.type(
  {
    subjectId: CustomerId,
    phoneHash: PhoneHash,
    name: personal(PersonName),
    phone: personal(StoredPhone),
    purchase: personal(DescribedVehicle),
  },
  'RegisteredReferee',
)

/** The referrer (老客户) as the referee named them: 姓名、电话、拥有车型、车型颜色. */
export const RegisteredReferrer = t.type(
  {
    subjectId: CustomerId,
    phoneHash: PhoneHash,
    name: personal(PersonName),
    phone: personal(StoredPhone),
    vehicle: personal(DescribedVehicle),
  },
  'RegisteredReferrer',
)

/** docs/domain.md §2.1: the duty manager registered the referee's own, advance claim. */
export const ReferralRegistered = eventType(
  'ReferralRegistered',
  t.type({
    referralId: ReferralId,
    registeredAt: Instant,
    reportedBy: ReferralActor,
    registeredBy: ReferralActor,
    referee: RegisteredReferee,
    referrer: RegisteredReferrer,
    policy: ReferralPolicy,
  }),
)

/** docs/domain.md §2.2: the claim was first raised at or after delivery (提车), so it is not a referral. */
export const LateClaimRejected = eventType(
  'LateClaimRejected',
  t.type({
    referralId: ReferralId,
    refereeId: CustomerId,
    referrerId: CustomerId,
    reportedBy: ReferralActor,
    registeredBy: ReferralActor,
    claimedAt: Instant,
    deliveredAt: Instant,
    reason: t.literal('late-claim'),
  }),
)

/** docs/domain.md §2.3: the sales consultant's preliminary screening (初步筛选). */
export const ReferralScreened = eventType(
  'ReferralScreened',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    ownersReferral: t.boolean,
    referrerHelped: t.boolean,
    outcome: t.keyof({ passed: null, 'screened-out': null }),
    at: Instant,
  }),
)

/** docs/domain.md §2.4, §5 Consent: the licence check at delivery; only its outcome is kept, never the document. */
export const DeliveryChecked = eventType(
  'DeliveryChecked',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    licenceMatches: t.boolean,
    outcome: t.keyof({ matches: null, 'licence-mismatch': null }),
    deliveredAt: Instant,
  }),
)

/** docs/domain.md §2.5: the drawn callee and the drawn questions, recorded so a replay reproduces them. */
export const CallBackScheduled = eventType(
  'CallBackScheduled',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    verifierId: StaffId,
    callee: Callee,
    calleeId: CustomerId,
    questions: t.array(CallBackQuestion),
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §2.5: the answers, right or wrong per question. */
export const CallBackAnswered = eventType(
  'CallBackAnswered',
  t.type({
    referralId: ReferralId,
    verifier: ReferralActor,
    answers: t.array(CallBackAnswer),
    wrongAnswers: Count,
    at: Instant,
  }),
)

/** docs/domain.md §5 Referrals: the callee could not be reached on this attempt. */
export const CallBackUnreachable = eventType(
  'CallBackUnreachable',
  t.type({ referralId: ReferralId, verifier: ReferralActor, attempt: Count, at: Instant }),
)

/** docs/domain.md §2.5–2.6: the call-back passed; the referral is genuine. */
export const ReferralVerified = eventType(
  'ReferralVerified',
  t.type({
    referralId: ReferralId,
    referrerId: CustomerId,
    wrongAnswers: Count,
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §2.5: too many wrong answers (若2项答错则视为该推荐购买作假). */
export const ReferralFaked = eventType(
  'ReferralFaked',
  t.type({
    referralId: ReferralId,
    referrerId: CustomerId,
    reportedBy: StaffId,
    wrongAnswers: Count,
    threshold: Count,
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §5 Referrals: the retry budget is spent; the referral waits for manual review. */
export const VerificationInconclusive = eventType(
  'VerificationInconclusive',
  t.type({
    referralId: ReferralId,
    attempts: Count,
    queue: t.literal('manual-review'),
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §2.7, §5 Referrals: the fine on the consultant who reported a faked referral. */
export const FraudPenaltyRecorded = eventType(
  'FraudPenaltyRecorded',
  t.type({
    referralId: ReferralId,
    consultantId: StaffId,
    amountFen: Fen,
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §2.7: by policy, the referrer of a faked referral gets no further rewards. */
export const ReferrerBlocked = eventType(
  'ReferrerBlocked',
  t.type({ referralId: ReferralId, referrerId: CustomerId, at: Instant, policyVersion: t.string }),
)

/**
 * docs/domain.md §2 (a final outcome changes only after an audited reopen), §2.7: a faked referral that a manager
 * reopened passed its new call-back, so the fine recorded against the reporting consultant is lifted.
 */
export const FraudPenaltyLifted = eventType(
  'FraudPenaltyLifted',
  t.type({
    referralId: ReferralId,
    consultantId: StaffId,
    amountFen: Fen,
    reason: t.literal('fake-overturned'),
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §2, §2.7: the fake that blocked the referrer was overturned by a new call-back; this block is lifted. */
export const ReferrerUnblocked = eventType(
  'ReferrerUnblocked',
  t.type({ referralId: ReferralId, referrerId: CustomerId, at: Instant, policyVersion: t.string }),
)

/**
 * docs/domain.md §2.6: the reward is paid to the referrer. A `loyalty-points` reward is not booked here: the
 * loyalty package acts on this event.
 */
export const RewardReleased = eventType(
  'RewardReleased',
  t.type({
    referralId: ReferralId,
    referrerId: CustomerId,
    by: ReferralActor,
    tier: t.string,
    nthSuccessfulReferral: Count,
    reward: ReferralReward,
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §5 Referrals: the referee's sale was returned or cancelled within the window. */
export const ReferralVoided = eventType(
  'ReferralVoided',
  t.type({
    referralId: ReferralId,
    reason: t.keyof({ 'sale-returned': null, 'sale-cancelled': null }),
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §5 Referrals: a reward already paid on a voided referral is claimed back. */
export const RewardClawedBack = eventType(
  'RewardClawedBack',
  t.type({ referralId: ReferralId, referrerId: CustomerId, reward: ReferralReward, at: Instant }),
)

/** docs/domain.md §2 ("a new attempt needs an explicit, audited reopen"): a manager reopened a final outcome. */
export const ReferralReopened = eventType(
  'ReferralReopened',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    previousOutcome: t.keyof({ verified: null, faked: null, inconclusive: null }),
    reason: ReviewReason,
    at: Instant,
  }),
)

/**
 * docs/domain.md §5 Referrals: a manager reviewed an inconclusive referral and closed it as not verified. It pays
 * nothing, fines nobody (nothing was proven) and frees the referee.
 */
export const ManualReviewClosed = eventType(
  'ManualReviewClosed',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    reason: ReviewReason,
    at: Instant,
    policyVersion: t.string,
  }),
)

/** The event types of a referral stream. */
export const referralEvents = eventRegistry([
  ReferralRegistered,
  LateClaimRejected,
  ReferralScreened,
  DeliveryChecked,
  CallBackScheduled,
  CallBackAnswered,
  CallBackUnreachable,
  ReferralVerified,
  ReferralFaked,
  VerificationInconclusive,
  FraudPenaltyRecorded,
  ReferrerBlocked,
  RewardReleased,
  ReferralVoided,
  RewardClawedBack,
  ReferralReopened,
  FraudPenaltyLifted,
  ReferrerUnblocked,
  ManualReviewClosed,
])

export type ReferralRegistered = EventOf<typeof ReferralRegistered>
export type LateClaimRejected = EventOf<typeof LateClaimRejected>
export type ReferralScreened = EventOf<typeof ReferralScreened>
export type DeliveryChecked = EventOf<typeof DeliveryChecked>
export type CallBackScheduled = EventOf<typeof CallBackScheduled>
export type CallBackAnswered = EventOf<typeof CallBackAnswered>
export type CallBackUnreachable = EventOf<typeof CallBackUnreachable>
export type ReferralVerified = EventOf<typeof ReferralVerified>
export type ReferralFaked = EventOf<typeof ReferralFaked>
export type VerificationInconclusive = EventOf<typeof VerificationInconclusive>
export type FraudPenaltyRecorded = EventOf<typeof FraudPenaltyRecorded>
export type ReferrerBlocked = EventOf<typeof ReferrerBlocked>
export type RewardReleased = EventOf<typeof RewardReleased>
export type ReferralVoided = EventOf<typeof ReferralVoided>
export type RewardClawedBack = EventOf<typeof RewardClawedBack>
export type ReferralReopened = EventOf<typeof ReferralReopened>
export type FraudPenaltyLifted = EventOf<typeof FraudPenaltyLifted>
export type ReferrerUnblocked = EventOf<typeof ReferrerUnblocked>
export type ManualReviewClosed = EventOf<typeof ManualReviewClosed>

/** Every event of a referral stream. */
export type ReferralEvent = EventsIn<typeof referralEvents>
