import { CustomerId, command, commandUnion, Instant, streamName, Text } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { CardNumber, DocumentId, MemberId, RedemptionId } from './ids.js'
import { LoyaltyActor } from './roles.js'
import {
  AwardCategory,
  FenAmount,
  LevelName,
  Points,
  PointsSource,
  RedemptionReward,
  Reference,
  SpendCategory,
} from './values.js'

// Every command names its member card (`memberId`): its stream is `member-<memberId>`.

/** docs/domain.md §4 会员卡: a card is issued to a customer at a level of the policy. */
export const EnrolMember = command(
  'EnrolMember',
  t.type({
    memberId: MemberId,
    customerId: CustomerId,
    cardNumber: CardNumber,
    level: LevelName,
    at: Instant,
    by: LoyaltyActor,
  }),
)
export type EnrolMember = t.TypeOf<typeof EnrolMember>

/** docs/domain.md §4 member card status: a suspended card neither earns nor spends. */
export const SuspendMember = command(
  'SuspendMember',
  t.type({ memberId: MemberId, reason: Text, at: Instant, by: LoyaltyActor }),
)
export type SuspendMember = t.TypeOf<typeof SuspendMember>

export const ResumeMember = command(
  'ResumeMember',
  t.type({ memberId: MemberId, at: Instant, by: LoyaltyActor }),
)
export type ResumeMember = t.TypeOf<typeof ResumeMember>

/** Points for a repair order, parts invoice or vehicle purchase, by the amount spent. */
export const EarnPointsForSpend = command(
  'EarnPointsForSpend',
  t.type({
    memberId: MemberId,
    document: t.type({ category: SpendCategory, documentId: DocumentId }),
    amountFen: FenAmount,
    at: Instant,
    by: LoyaltyActor,
  }),
)
export type EarnPointsForSpend = t.TypeOf<typeof EarnPointsForSpend>

/** A fixed award: a brand event, a verified referral, a goodwill gesture after a complaint. */
export const AwardPoints = command(
  'AwardPoints',
  t.type({
    memberId: MemberId,
    document: t.type({ category: AwardCategory, documentId: DocumentId }),
    points: Points,
    at: Instant,
    by: LoyaltyActor,
  }),
)
export type AwardPoints = t.TypeOf<typeof AwardPoints>

/** The return window of the document closed: its pending points become spendable. */
export const ReleasePendingPoints = command(
  'ReleasePendingPoints',
  t.type({ memberId: MemberId, document: PointsSource, at: Instant, by: LoyaltyActor }),
)
export type ReleasePendingPoints = t.TypeOf<typeof ReleasePendingPoints>

/** docs/domain.md §4 会员积分用途: points for a maintenance voucher, a discount or a gift. */
export const RedeemPoints = command(
  'RedeemPoints',
  t.type({
    memberId: MemberId,
    redemptionId: RedemptionId,
    reward: RedemptionReward,
    points: Points,
    reference: Reference,
    at: Instant,
    by: LoyaltyActor,
  }),
)
export type RedeemPoints = t.TypeOf<typeof RedeemPoints>

/** The source document was refunded or cancelled: its points are reversed. */
export const RefundDocument = command(
  'RefundDocument',
  t.type({ memberId: MemberId, document: PointsSource, reason: Text, at: Instant, by: LoyaltyActor }),
)
export type RefundDocument = t.TypeOf<typeof RefundDocument>

const prepaidMovement = t.type({
  memberId: MemberId,
  amountFen: FenAmount,
  reference: Reference,
  at: Instant,
  by: LoyaltyActor,
})

/** docs/domain.md §4, §5: money paid onto the card (fen, never expiring, kept apart from points). */
export const TopUpPrepaid = command('TopUpPrepaid', prepaidMovement)
export type TopUpPrepaid = t.TypeOf<typeof TopUpPrepaid>

export const SpendPrepaid = command('SpendPrepaid', prepaidMovement)
export type SpendPrepaid = t.TypeOf<typeof SpendPrepaid>

export const RefundPrepaid = command('RefundPrepaid', prepaidMovement)
export type RefundPrepaid = t.TypeOf<typeof RefundPrepaid>

/** docs/domain.md §4 exit costs (退出成本): what the member would give up, stated before the exit. */
export const RequestExitStatement = command(
  'RequestExitStatement',
  t.type({ memberId: MemberId, at: Instant, by: LoyaltyActor }),
)
export type RequestExitStatement = t.TypeOf<typeof RequestExitStatement>

export const ConfirmExit = command(
  'ConfirmExit',
  t.type({ memberId: MemberId, prepaidRefundReference: Reference, at: Instant, by: LoyaltyActor }),
)
export type ConfirmExit = t.TypeOf<typeof ConfirmExit>

/** Sent by a scheduler: expiry, pending release and level evaluation of one member as of `at`. */
export const EvaluateMember = command(
  'EvaluateMember',
  t.type({ memberId: MemberId, at: Instant, by: LoyaltyActor }),
)
export type EvaluateMember = t.TypeOf<typeof EvaluateMember>

const loyaltyCommands = [
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
  EvaluateMember,
] as const

/** Every loyalty command, chosen by its `type`; a malformed one is refused naming its own fields (`data.points`). */
export const LoyaltyCommand = commandUnion('LoyaltyCommand', loyaltyCommands)
export type LoyaltyCommand = t.TypeOf<typeof LoyaltyCommand>

/** The type of every loyalty command, e.g. to route untrusted input to this domain. */
export const loyaltyCommandTypes: ReadonlyArray<LoyaltyCommand['type']> = loyaltyCommands.map(
  (codec) => codec.props.type.value,
)

/** The stream of one member card, `member-<memberId>`. */
export const memberStream = (memberId: string): string => streamName('member', memberId)

/** The stream a command acts on: its member card's. */
export const loyaltyStreamOf = (command: LoyaltyCommand): string => memberStream(command.data.memberId)
