import {
  CustomerId,
  type EventOf,
  type EventsIn,
  eventRegistry,
  eventType,
  Instant,
  Text,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { CardNumber, RedemptionId } from './ids.js'
import { RecordedLoyaltyActor } from './roles.js'
import {
  FenAmount,
  FenBalance,
  LevelName,
  LotDraw,
  PointCount,
  Points,
  PointsSource,
  RedemptionReward,
  Reference,
} from './values.js'

// No personal data: the member's name and phone live with the customer (customer-lifecycle);
// these events carry only identifiers, points and fen.

/** docs/domain.md §4 会员卡: a card is issued at a level. */
export const MemberEnrolled = eventType(
  'MemberEnrolled',
  t.type({
    customerId: CustomerId,
    cardNumber: CardNumber,
    level: LevelName,
    reviewAt: Instant,
    policyVersion: t.string,
    at: Instant,
    by: RecordedLoyaltyActor,
  }),
)

export const MemberSuspended = eventType(
  'MemberSuspended',
  t.type({ reason: Text, at: Instant, by: RecordedLoyaltyActor }),
)

export const MemberResumed = eventType('MemberResumed', t.type({ at: Instant, by: RecordedLoyaltyActor }))

/** One earning is one lot with its own expiry (docs/domain.md §4, §5 ledger). */
export const PointsEarned = eventType(
  'PointsEarned',
  t.type({
    lotId: t.string,
    source: PointsSource,
    /** The spend that earned the points (fen), or null for a fixed award. */
    amountFen: t.union([FenAmount, t.null]),
    points: Points,
    /** What counts towards the level; kept apart from the spendable balance (docs/domain.md §5). */
    qualifyingPoints: PointCount,
    level: LevelName,
    multiplierPercent: PointCount,
    /** null: spendable now; otherwise locked until `availableFrom`, or until released when that is null. */
    pending: t.union([t.null, t.type({ availableFrom: t.union([Instant, t.null]) })]),
    expiresAt: Instant,
    policyVersion: t.string,
    at: Instant,
    by: RecordedLoyaltyActor,
  }),
)

export const PendingPointsReleased = eventType(
  'PendingPointsReleased',
  t.type({
    lots: t.array(LotDraw),
    reason: t.keyof({ 'pending-period-ended': null, 'return-window-closed': null }),
    at: Instant,
  }),
)

/** Records which lots the redemption draws from, soonest-expiring first (docs/domain.md §5). */
export const PointsRedeemed = eventType(
  'PointsRedeemed',
  t.type({
    redemptionId: RedemptionId,
    reward: RedemptionReward,
    reference: Reference,
    points: Points,
    drawnFrom: t.array(LotDraw),
    at: Instant,
    by: RecordedLoyaltyActor,
  }),
)

/** Exactly what was left of each expired lot (docs/domain.md §4). */
export const PointsExpired = eventType('PointsExpired', t.type({ lots: t.array(LotDraw), at: Instant }))

/** A refund reverses exactly what the document earned (docs/domain.md §4, §5). */
export const PointsReversed = eventType(
  'PointsReversed',
  t.type({
    source: PointsSource,
    reason: Text,
    /** What the document earned; = taken + alreadyExpired + settled + debtRecorded + writtenOff. */
    points: Points,
    /** Taken from what remained of the document's own lot. */
    taken: PointCount,
    /** Already gone by expiry: not charged a second time. */
    alreadyExpired: PointCount,
    /** Taken from other spendable lots, soonest-expiring first, when the debt policy applies. */
    settledFrom: t.array(LotDraw),
    debtRecorded: PointCount,
    writtenOff: PointCount,
    policyVersion: t.string,
    at: Instant,
    by: RecordedLoyaltyActor,
  }),
)

/** Points that became spendable pay a recorded debt first. */
export const PointsDebtSettled = eventType(
  'PointsDebtSettled',
  t.type({ lots: t.array(LotDraw), at: Instant }),
)

const LevelMeasure = t.type({
  basis: t.keyof({ 'qualifying-points': null, prepaid: null }),
  /** Qualifying points in the window, or prepaid fen deposited. */
  measure: PointCount,
})

export const LevelUpgraded = eventType(
  'LevelUpgraded',
  t.intersection([
    LevelMeasure,
    t.type({
      from: LevelName,
      to: LevelName,
      nextReviewAt: Instant,
      policyVersion: t.string,
      at: Instant,
    }),
  ]),
)

/** The advance notice: what keeps the level, before the review (docs/domain.md §5). */
export const LevelDowngradeNoticeSent = eventType(
  'LevelDowngradeNoticeSent',
  t.intersection([
    LevelMeasure,
    t.type({
      level: LevelName,
      reviewAt: Instant,
      required: PointCount,
      shortfall: Points,
      wouldBecome: LevelName,
      policyVersion: t.string,
      at: Instant,
    }),
  ]),
)

export const LevelGraceStarted = eventType(
  'LevelGraceStarted',
  t.intersection([
    LevelMeasure,
    t.type({
      level: LevelName,
      reviewAt: Instant,
      until: Instant,
      required: PointCount,
      shortfall: Points,
      policyVersion: t.string,
      at: Instant,
    }),
  ]),
)

/** The periodic level review: kept, upgraded or downgraded by the downgrade policy. */
export const LevelReviewed = eventType(
  'LevelReviewed',
  t.intersection([
    LevelMeasure,
    t.type({
      from: LevelName,
      to: LevelName,
      reviewAt: Instant,
      nextReviewAt: Instant,
      policyVersion: t.string,
      at: Instant,
    }),
  ]),
)

/** Prepaid balance is money (fen), kept apart from points, never expiring (docs/domain.md §4, §5). */
export const PrepaidToppedUp = eventType(
  'PrepaidToppedUp',
  t.type({ amountFen: FenAmount, reference: Reference, at: Instant, by: RecordedLoyaltyActor }),
)

export const PrepaidSpent = eventType(
  'PrepaidSpent',
  t.type({ amountFen: FenAmount, reference: Reference, at: Instant, by: RecordedLoyaltyActor }),
)

export const PrepaidRefunded = eventType(
  'PrepaidRefunded',
  t.type({
    amountFen: FenAmount,
    reference: Reference,
    reason: t.keyof({ 'member-request': null, exit: null }),
    at: Instant,
    by: RecordedLoyaltyActor,
  }),
)

/** docs/domain.md §4 exit costs (退出成本): what the member gives up, stated before the exit. */
export const ExitStatementIssued = eventType(
  'ExitStatementIssued',
  t.type({
    pointsForfeited: PointCount,
    pendingPointsForfeited: PointCount,
    debtWrittenOff: PointCount,
    level: LevelName,
    privilegesCancelled: t.array(t.string),
    prepaidToRefundFen: FenBalance,
    at: Instant,
    by: RecordedLoyaltyActor,
  }),
)

export const PointsForfeited = eventType(
  'PointsForfeited',
  t.type({ lots: t.array(LotDraw), debtWrittenOff: PointCount, at: Instant }),
)

export const MemberExited = eventType(
  'MemberExited',
  t.type({
    level: LevelName,
    privilegesCancelled: t.array(t.string),
    pointsForfeited: PointCount,
    prepaidRefundedFen: FenBalance,
    at: Instant,
    by: RecordedLoyaltyActor,
  }),
)

const definitions = [
  MemberEnrolled,
  MemberSuspended,
  MemberResumed,
  PointsEarned,
  PendingPointsReleased,
  PointsRedeemed,
  PointsExpired,
  PointsReversed,
  PointsDebtSettled,
  LevelUpgraded,
  LevelDowngradeNoticeSent,
  LevelGraceStarted,
  LevelReviewed,
  PrepaidToppedUp,
  PrepaidSpent,
  PrepaidRefunded,
  ExitStatementIssued,
  PointsForfeited,
  MemberExited,
] as const

/** Every loyalty event type: the registry a store is built with. */
export const loyaltyEvents = eventRegistry(definitions)

/** Every loyalty event type, for projections that handle them all. */
export const loyaltyEventTypes = definitions.map((d) => d.type)

export type MemberEnrolled = EventOf<typeof MemberEnrolled>
export type MemberSuspended = EventOf<typeof MemberSuspended>
export type MemberResumed = EventOf<typeof MemberResumed>
export type PointsEarned = EventOf<typeof PointsEarned>
export type PendingPointsReleased = EventOf<typeof PendingPointsReleased>
export type PointsRedeemed = EventOf<typeof PointsRedeemed>
export type PointsExpired = EventOf<typeof PointsExpired>
export type PointsReversed = EventOf<typeof PointsReversed>
export type PointsDebtSettled = EventOf<typeof PointsDebtSettled>
export type LevelUpgraded = EventOf<typeof LevelUpgraded>
export type LevelDowngradeNoticeSent = EventOf<typeof LevelDowngradeNoticeSent>
export type LevelGraceStarted = EventOf<typeof LevelGraceStarted>
export type LevelReviewed = EventOf<typeof LevelReviewed>
export type PrepaidToppedUp = EventOf<typeof PrepaidToppedUp>
export type PrepaidSpent = EventOf<typeof PrepaidSpent>
export type PrepaidRefunded = EventOf<typeof PrepaidRefunded>
export type ExitStatementIssued = EventOf<typeof ExitStatementIssued>
export type PointsForfeited = EventOf<typeof PointsForfeited>
export type MemberExited = EventOf<typeof MemberExited>

/** Any loyalty event, derived from the registry. */
export type LoyaltyEvent = EventsIn<typeof loyaltyEvents>
