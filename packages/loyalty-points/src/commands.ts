import * as t from 'io-ts'
import { CardNumber, CustomerId, DocumentId, RedemptionId } from './ids.js'
import { Instant } from './time.js'
import {
  Actor,
  AwardCategory,
  Fen,
  LevelName,
  Points,
  Reference,
  Reward,
  Source,
  SpendCategory,
  Text,
} from './values.js'

const command = <T extends string, P extends t.Props>(type: T, data: P) =>
  t.type({ type: t.literal(type), data: t.type(data) }, type)

export const EnrolMember = command('EnrolMember', {
  customerId: CustomerId,
  cardNumber: CardNumber,
  level: LevelName,
  at: Instant,
  by: Actor,
})

export const SuspendMember = command('SuspendMember', { reason: Text, at: Instant, by: Actor })

export const ResumeMember = command('ResumeMember', { at: Instant, by: Actor })

/** Points for a repair order, parts invoice or vehicle purchase, by the amount spent. */
export const EarnPointsForSpend = command('EarnPointsForSpend', {
  document: t.type({ category: SpendCategory, documentId: DocumentId }),
  amountFen: Fen,
  at: Instant,
  by: Actor,
})

/** A fixed award: a brand event, a verified referral, a goodwill gesture after a complaint. */
export const AwardPoints = command('AwardPoints', {
  document: t.type({ category: AwardCategory, documentId: DocumentId }),
  points: Points,
  at: Instant,
  by: Actor,
})

/** The return window of the document closed: its pending points become spendable. */
export const ReleasePendingPoints = command('ReleasePendingPoints', {
  document: Source,
  at: Instant,
  by: Actor,
})

export const RedeemPoints = command('RedeemPoints', {
  redemptionId: RedemptionId,
  reward: Reward,
  points: Points,
  reference: Reference,
  at: Instant,
  by: Actor,
})

/** The source document was refunded or cancelled: its points are reversed. */
export const RefundDocument = command('RefundDocument', {
  document: Source,
  reason: Text,
  at: Instant,
  by: Actor,
})

export const TopUpPrepaid = command('TopUpPrepaid', {
  amountFen: Fen,
  reference: Reference,
  at: Instant,
  by: Actor,
})

export const SpendPrepaid = command('SpendPrepaid', {
  amountFen: Fen,
  reference: Reference,
  at: Instant,
  by: Actor,
})

export const RefundPrepaid = command('RefundPrepaid', {
  amountFen: Fen,
  reference: Reference,
  at: Instant,
  by: Actor,
})

export const RequestExitStatement = command('RequestExitStatement', { at: Instant, by: Actor })

export const ConfirmExit = command('ConfirmExit', {
  prepaidRefundReference: Reference,
  at: Instant,
  by: Actor,
})

/** Sent by a scheduler: expiry, pending release and level evaluation as of `at`. */
export const EvaluateAt = command('EvaluateAt', { at: Instant })

export const LoyaltyCommand = t.union(
  [
    EnrolMember,
    SuspendMember,
    ResumeMember,
    EarnPointsForSpend,
    AwardPoints,
    ReleasePendingPoints,
    RedeemPoints,
    RefundDocument,
    TopUpPrepaid,
    SpendPrepaid,
    RefundPrepaid,
    RequestExitStatement,
    ConfirmExit,
    EvaluateAt,
  ],
  'LoyaltyCommand',
)

export type EnrolMember = t.TypeOf<typeof EnrolMember>
export type SuspendMember = t.TypeOf<typeof SuspendMember>
export type ResumeMember = t.TypeOf<typeof ResumeMember>
export type EarnPointsForSpend = t.TypeOf<typeof EarnPointsForSpend>
export type AwardPoints = t.TypeOf<typeof AwardPoints>
export type ReleasePendingPoints = t.TypeOf<typeof ReleasePendingPoints>
export type RedeemPoints = t.TypeOf<typeof RedeemPoints>
export type RefundDocument = t.TypeOf<typeof RefundDocument>
export type TopUpPrepaid = t.TypeOf<typeof TopUpPrepaid>
export type SpendPrepaid = t.TypeOf<typeof SpendPrepaid>
export type RefundPrepaid = t.TypeOf<typeof RefundPrepaid>
export type RequestExitStatement = t.TypeOf<typeof RequestExitStatement>
export type ConfirmExit = t.TypeOf<typeof ConfirmExit>
export type EvaluateAt = t.TypeOf<typeof EvaluateAt>
export type LoyaltyCommand = t.TypeOf<typeof LoyaltyCommand>
