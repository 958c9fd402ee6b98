import {
  Count,
  CustomerId,
  command,
  commandUnion,
  Instant,
  PhoneHash,
  StaffId,
  streamName,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { ReferralId } from './ids.js'
import { Phone } from './phone.js'
import { CallBackAnswer, CallBackDraw } from './questions.js'
import { ReferralRewardKind } from './rewards.js'
import { ReferralActor } from './roles.js'
import { PersonName, ReviewReason } from './text.js'
import { DescribedVehicle } from './vehicle.js'

/**
 * docs/domain.md §2.1: the referee names the referrer; the consultant reports it, the duty manager registers it.
 * The application passes in what one referral cannot see: the referee's delivery time if the car was already
 * handed over, and the referee's live referral from the `refereeReferralsProjection` read model (or null).
 */
export const RegisterReferral = command(
  'RegisterReferral',
  t.type({
    referralId: ReferralId,
    referee: t.type({
      customerId: CustomerId,
      name: PersonName,
      phone: Phone,
      phoneHash: PhoneHash,
      purchase: DescribedVehicle,
    }),
    referrer: t.type({
      customerId: CustomerId,
      name: PersonName,
      phone: Phone,
      phoneHash: PhoneHash,
      vehicle: DescribedVehicle,
    }),
    reportedBy: ReferralActor,
    registeredBy: ReferralActor,
    refereeDeliveredAt: t.union([Instant, t.null]),
    refereeLiveReferralId: t.union([ReferralId, t.null]),
    at: Instant,
  }),
)
export type RegisterReferral = t.TypeOf<typeof RegisterReferral>

/** docs/domain.md §2.3: is this an owner's referral, and did the referrer help with the sale? */
export const ScreenReferral = command(
  'ScreenReferral',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    ownersReferral: t.boolean,
    referrerHelped: t.boolean,
    at: Instant,
  }),
)
export type ScreenReferral = t.TypeOf<typeof ScreenReferral>

/** docs/domain.md §2.4: at delivery the showroom manager compares the registration with the referrer's licence. */
export const CheckAtDelivery = command(
  'CheckAtDelivery',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    licenceMatches: t.boolean,
    at: Instant,
  }),
)
export type CheckAtDelivery = t.TypeOf<typeof CheckAtDelivery>

/** docs/domain.md §2.5: the callee and the questions, drawn by the application's injected Random. */
export const ScheduleCallBack = command(
  'ScheduleCallBack',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    verifierId: StaffId,
    draw: CallBackDraw,
    at: Instant,
  }),
)
export type ScheduleCallBack = t.TypeOf<typeof ScheduleCallBack>

/** docs/domain.md §2.5: the verifier's judgement of each answer, in the order the questions were drawn. */
export const RecordCallBackAnswers = command(
  'RecordCallBackAnswers',
  t.type({
    referralId: ReferralId,
    verifier: ReferralActor,
    answers: t.array(CallBackAnswer),
    at: Instant,
  }),
)
export type RecordCallBackAnswers = t.TypeOf<typeof RecordCallBackAnswers>

/** docs/domain.md §5 Referrals: the callee did not answer. */
export const RecordCallBackUnreachable = command(
  'RecordCallBackUnreachable',
  t.type({
    referralId: ReferralId,
    verifier: ReferralActor,
    at: Instant,
  }),
)
export type RecordCallBackUnreachable = t.TypeOf<typeof RecordCallBackUnreachable>

/**
 * docs/domain.md §2.6: pay the referrer. The application passes the referrer's standing from the
 * `referrerLedgerProjection` read model: successful referrals before this one and whether the referrer is blocked.
 */
export const ReleaseReward = command(
  'ReleaseReward',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    kind: ReferralRewardKind,
    referrerStanding: t.type({ successfulReferralsBefore: Count, blocked: t.boolean }),
    at: Instant,
  }),
)
export type ReleaseReward = t.TypeOf<typeof ReleaseReward>

/** docs/domain.md §5 Referrals: the referee's sale was returned or cancelled. */
export const RecordSaleReturned = command(
  'RecordSaleReturned',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    outcome: t.keyof({ returned: null, cancelled: null }),
    at: Instant,
  }),
)
export type RecordSaleReturned = t.TypeOf<typeof RecordSaleReturned>

/**
 * docs/domain.md §2: a final outcome is reopened only by an explicit, recorded command of a manager. A faked
 * referral that is reopened holds its referee again, so the application passes the referee's live referral
 * (from `refereeReferralsProjection`) as on registration.
 */
export const ReopenReferral = command(
  'ReopenReferral',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    reason: ReviewReason,
    refereeLiveReferralId: t.union([ReferralId, t.null]),
    at: Instant,
  }),
)
export type ReopenReferral = t.TypeOf<typeof ReopenReferral>

/**
 * docs/domain.md §5 Referrals (inconclusive → manual review): a manager who reviewed an inconclusive referral and
 * will not have it called again closes it as not verified. To call again, reopen it instead.
 */
export const CloseManualReview = command(
  'CloseManualReview',
  t.type({
    referralId: ReferralId,
    by: ReferralActor,
    reason: ReviewReason,
    at: Instant,
  }),
)
export type CloseManualReview = t.TypeOf<typeof CloseManualReview>

const referralCommands = [
  RegisterReferral,
  ScreenReferral,
  CheckAtDelivery,
  ScheduleCallBack,
  RecordCallBackAnswers,
  RecordCallBackUnreachable,
  ReleaseReward,
  RecordSaleReturned,
  ReopenReferral,
  CloseManualReview,
] as const

/** Every referral command, chosen by its `type`; a malformed one is refused naming its own fields (`data.referrer.phone`). */
export const ReferralCommand = commandUnion('ReferralCommand', referralCommands)
export type ReferralCommand = t.TypeOf<typeof ReferralCommand>

/** The type of every referral command, e.g. to route untrusted input to this domain. */
export const referralCommandTypes: ReadonlyArray<ReferralCommand['type']> = referralCommands.map(
  (codec) => codec.props.type.value,
)

/** The stream of one referral, `referral-<referralId>`. */
export const referralStream = (referralId: string): string => streamName('referral', referralId)

/** The stream a command acts on: its referral's. */
export const referralStreamOf = (command: ReferralCommand): string => referralStream(command.data.referralId)
