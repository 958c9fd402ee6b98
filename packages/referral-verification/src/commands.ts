import { CommandValidationError, fieldErrors } from '@dealer-crm/eventsourcing'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { CustomerId, ReferralId, StaffId } from './ids.js'
import { Answer, Callee, Question } from './questions.js'
import { RewardKind } from './rewards.js'
import { At, Count, PersonName, Phone, PhoneHash, Reason, Staff, Vehicle } from './values.js'

const command = <T extends string, P extends t.Props>(type: T, data: P) =>
  t.type({ type: t.literal(type), data: t.type(data) }, type)

/**
 * docs/domain.md §2.1: the referee names the referrer; the consultant reports it, the duty manager registers it.
 * The application passes in what one referral cannot see: the referee's delivery time if the car was already
 * handed over, and the referee's live referral from the `refereeReferrals` read model (or null).
 */
export const RegisterReferral = command('RegisterReferral', {
  referralId: ReferralId,
  referee: t.type({
    customerId: CustomerId,
    name: PersonName,
    phone: Phone,
    phoneHash: PhoneHash,
    purchase: Vehicle,
  }),
  referrer: t.type({
    customerId: CustomerId,
    name: PersonName,
    phone: Phone,
    phoneHash: PhoneHash,
    vehicle: Vehicle,
  }),
  reportedBy: Staff,
  registeredBy: Staff,
  refereeDeliveredAt: t.union([At, t.null]),
  refereeLiveReferralId: t.union([ReferralId, t.null]),
  at: At,
})
export type RegisterReferral = t.TypeOf<typeof RegisterReferral>

/** docs/domain.md §2.3: is this an owner's referral, and did the referrer help with the sale? */
export const ScreenReferral = command('ScreenReferral', {
  referralId: ReferralId,
  by: Staff,
  ownersReferral: t.boolean,
  referrerHelped: t.boolean,
  at: At,
})
export type ScreenReferral = t.TypeOf<typeof ScreenReferral>

/** docs/domain.md §2.4: at delivery the showroom manager compares the registration with the referrer's licence. */
export const CheckAtDelivery = command('CheckAtDelivery', {
  referralId: ReferralId,
  by: Staff,
  licenceMatches: t.boolean,
  at: At,
})
export type CheckAtDelivery = t.TypeOf<typeof CheckAtDelivery>

/** docs/domain.md §2.5: the callee and the questions, drawn by the application's injected Random. */
export const ScheduleCallBack = command('ScheduleCallBack', {
  referralId: ReferralId,
  by: Staff,
  verifierId: StaffId,
  draw: t.type({ callee: Callee, questions: t.array(Question) }),
  at: At,
})
export type ScheduleCallBack = t.TypeOf<typeof ScheduleCallBack>

/** docs/domain.md §2.5: the verifier's judgement of each answer, in the order the questions were drawn. */
export const RecordCallBackAnswers = command('RecordCallBackAnswers', {
  referralId: ReferralId,
  verifier: Staff,
  answers: t.array(Answer),
  at: At,
})
export type RecordCallBackAnswers = t.TypeOf<typeof RecordCallBackAnswers>

/** docs/domain.md §5 Referrals: the callee did not answer. */
export const RecordCallBackUnreachable = command('RecordCallBackUnreachable', {
  referralId: ReferralId,
  verifier: Staff,
  at: At,
})
export type RecordCallBackUnreachable = t.TypeOf<typeof RecordCallBackUnreachable>

/**
 * docs/domain.md §2.6: pay the referrer. The application passes the referrer's standing from the
 * `referrerLedger` read model: successful referrals before this one and whether the referrer is blocked.
 */
export const ReleaseReward = command('ReleaseReward', {
  referralId: ReferralId,
  by: Staff,
  kind: RewardKind,
  referrerStanding: t.type({ successfulReferralsBefore: Count, blocked: t.boolean }),
  at: At,
})
export type ReleaseReward = t.TypeOf<typeof ReleaseReward>

/** docs/domain.md §5 Referrals: the referee's sale was returned or cancelled. */
export const RecordSaleReturned = command('RecordSaleReturned', {
  referralId: ReferralId,
  by: Staff,
  outcome: t.keyof({ returned: null, cancelled: null }),
  at: At,
})
export type RecordSaleReturned = t.TypeOf<typeof RecordSaleReturned>

/**
 * docs/domain.md §2: a final outcome is reopened only by an explicit, recorded command of a manager. A faked
 * referral that is reopened holds its referee again, so the application passes the referee's live referral
 * (from `refereeReferrals`) as on registration.
 */
export const ReopenReferral = command('ReopenReferral', {
  referralId: ReferralId,
  by: Staff,
  reason: Reason,
  refereeLiveReferralId: t.union([ReferralId, t.null]),
  at: At,
})
export type ReopenReferral = t.TypeOf<typeof ReopenReferral>

/**
 * docs/domain.md §5 Referrals (inconclusive → manual review): a manager who reviewed an inconclusive referral and
 * will not have it called again closes it as not verified. To call again, reopen it instead.
 */
export const CloseManualReview = command('CloseManualReview', {
  referralId: ReferralId,
  by: Staff,
  reason: Reason,
  at: At,
})
export type CloseManualReview = t.TypeOf<typeof CloseManualReview>

export const ReferralCommand = t.union(
  [
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
  ],
  'ReferralCommand',
)
export type ReferralCommand = t.TypeOf<typeof ReferralCommand>

/** The codec of each command by its type, so input can be decoded with a field-path message. */
export const commandCodecs = {
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
} as const

const decoders: Record<ReferralCommand['type'], t.Decoder<unknown, ReferralCommand>> = commandCodecs

const isCommandType = (type: unknown): type is ReferralCommand['type'] =>
  typeof type === 'string' && Object.hasOwn(commandCodecs, type)

/**
 * Decode untrusted input as a referral command. The input's `type` picks the codec, so a malformed command
 * is refused with the paths of its own fields (`data.referrer.phone`), not with every union branch.
 */
export const decodeReferralCommand = (input: unknown): Either<CommandValidationError, ReferralCommand> => {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined
  const decoder = isCommandType(type) ? decoders[type] : ReferralCommand
  const result = decoder.decode(input)
  return result._tag === 'Right'
    ? right(result.right)
    : left(
        new CommandValidationError(isCommandType(type) ? type : 'ReferralCommand', fieldErrors(result.left)),
      )
}
