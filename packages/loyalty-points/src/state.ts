import { type Instant, later } from '@dealer-crm/eventsourcing'
import type { LoyaltyEvent } from './events.js'
import { type LotDraw, lotIdOf, type PointsSource } from './values.js'

/** One earning and what is left of it (docs/domain.md §5: the history is the balance). */
export interface Lot {
  readonly lotId: string
  readonly source: PointsSource
  readonly earnedAt: Instant
  readonly expiresAt: Instant
  readonly points: number
  readonly remaining: number
  /** What expiry took from this lot: a refund does not charge it again. */
  readonly expired: number
  /** Counts towards the level; 0 once the document is refunded. */
  readonly qualifyingPoints: number
  /** null: spendable; otherwise locked until `availableFrom`, or until released when that is null. */
  readonly pending: { readonly availableFrom: Instant | null } | null
  readonly refunded: boolean
}

export interface ExitStatement {
  readonly at: Instant
  readonly pointsForfeited: number
  readonly prepaidToRefundFen: number
}

/** One member card as its events left it (`initialLoyaltyState` before any). */
export interface LoyaltyState {
  readonly status: 'not-enrolled' | 'active' | 'suspended' | 'exited'
  readonly customerId: string | null
  readonly cardNumber: string | null
  /** null before enrolment and after exit. */
  readonly level: string | null
  readonly reviewAt: Instant | null
  /** The review for which the advance notice was sent, and the grace started. */
  readonly noticeSentFor: Instant | null
  readonly grace: { readonly reviewAt: Instant; readonly until: Instant } | null
  readonly lots: ReadonlyArray<Lot>
  readonly redemptions: ReadonlyArray<string>
  /** Points owed after a refund of points already spent (policy `debt`); never a negative balance. */
  readonly debt: number
  readonly prepaidFen: number
  /** Prepaid fen deposited (top-ups less refunds to the member): the measure of prepaid levels. */
  readonly prepaidDeposited: number
  readonly lastEvaluatedAt: Instant | null
  /** The statement the exit confirms; any later movement makes it outdated. */
  readonly exitStatement: ExitStatement | null
}

export const initialLoyaltyState: LoyaltyState = {
  status: 'not-enrolled',
  customerId: null,
  cardNumber: null,
  level: null,
  reviewAt: null,
  noticeSentFor: null,
  grace: null,
  lots: [],
  redemptions: [],
  debt: 0,
  prepaidFen: 0,
  prepaidDeposited: 0,
  lastEvaluatedAt: null,
  exitStatement: null,
}

/** Points the member may redeem now. */
export const availablePoints = (m: LoyaltyState): number =>
  m.lots.reduce((sum, lot) => (lot.pending === null ? sum + lot.remaining : sum), 0)

/** Points earned but locked (pending). */
export const pendingPoints = (m: LoyaltyState): number =>
  m.lots.reduce((sum, lot) => (lot.pending === null ? sum : sum + lot.remaining), 0)

export const lotOf = (m: LoyaltyState, source: PointsSource): Lot | undefined => {
  const lotId = lotIdOf(source)
  return m.lots.find((lot) => lot.lotId === lotId)
}

const withLots = (m: LoyaltyState, change: (lot: Lot) => Lot): LoyaltyState => ({
  ...m,
  lots: m.lots.map(change),
})

/** Take drawn points from their lots; never below zero, so evolve stays total even on a history decide would not produce. */
const draw = (m: LoyaltyState, draws: ReadonlyArray<LotDraw>): LoyaltyState =>
  withLots(m, (lot) => {
    const taken = draws.reduce((sum, d) => (d.lotId === lot.lotId ? sum + d.points : sum), 0)
    return taken === 0 ? lot : { ...lot, remaining: Math.max(0, lot.remaining - taken) }
  })

const evaluatedAt = (m: LoyaltyState, at: Instant): LoyaltyState => ({
  ...m,
  lastEvaluatedAt: m.lastEvaluatedAt === null ? at : later(m.lastEvaluatedAt, at),
})

/** Total: every event, in any order, yields a state; nothing throws. */
export const evolveLoyalty = (state: LoyaltyState, event: LoyaltyEvent): LoyaltyState => {
  const m = event.type === 'ExitStatementIssued' ? state : { ...state, exitStatement: null }
  switch (event.type) {
    case 'MemberEnrolled':
      return {
        ...m,
        status: 'active',
        customerId: event.data.customerId,
        cardNumber: event.data.cardNumber,
        level: event.data.level,
        reviewAt: event.data.reviewAt,
      }
    case 'MemberSuspended':
      return m.status === 'active' ? { ...m, status: 'suspended' } : m
    case 'MemberResumed':
      return m.status === 'suspended' ? { ...m, status: 'active' } : m
    case 'PointsEarned': {
      const d = event.data
      if (m.lots.some((lot) => lot.lotId === d.lotId)) return m
      const lot: Lot = {
        lotId: d.lotId,
        source: d.source,
        earnedAt: d.at,
        expiresAt: d.expiresAt,
        points: d.points,
        remaining: d.points,
        expired: 0,
        qualifyingPoints: d.qualifyingPoints,
        pending: d.pending,
        refunded: false,
      }
      return { ...m, lots: [...m.lots, lot] }
    }
    case 'PendingPointsReleased': {
      const released = new Set(event.data.lots.map((d) => d.lotId))
      const next = withLots(m, (lot) => (released.has(lot.lotId) ? { ...lot, pending: null } : lot))
      return event.data.reason === 'pending-period-ended' ? evaluatedAt(next, event.data.at) : next
    }
    case 'PointsRedeemed':
      return { ...draw(m, event.data.drawnFrom), redemptions: [...m.redemptions, event.data.redemptionId] }
    case 'PointsExpired': {
      const expired = new Map(event.data.lots.map((d) => [d.lotId, d.points]))
      const next = withLots(m, (lot) => {
        const points = Math.min(expired.get(lot.lotId) ?? 0, lot.remaining)
        return points === 0
          ? lot
          : { ...lot, remaining: lot.remaining - points, expired: lot.expired + points }
      })
      return evaluatedAt(next, event.data.at)
    }
    case 'PointsReversed': {
      const d = event.data
      const lotId = lotIdOf(d.source)
      const own = withLots(m, (lot) =>
        lot.lotId === lotId
          ? { ...lot, remaining: Math.max(0, lot.remaining - d.taken), qualifyingPoints: 0, refunded: true }
          : lot,
      )
      return { ...draw(own, d.settledFrom), debt: m.debt + d.debtRecorded }
    }
    case 'PointsDebtSettled': {
      const settled = event.data.lots.reduce((sum, d) => sum + d.points, 0)
      return { ...draw(m, event.data.lots), debt: Math.max(0, m.debt - settled) }
    }
    case 'LevelUpgraded':
      return {
        ...m,
        level: event.data.to,
        reviewAt: event.data.nextReviewAt,
        noticeSentFor: null,
        grace: null,
      }
    case 'LevelDowngradeNoticeSent':
      return evaluatedAt({ ...m, noticeSentFor: event.data.reviewAt }, event.data.at)
    case 'LevelGraceStarted':
      return evaluatedAt(
        { ...m, grace: { reviewAt: event.data.reviewAt, until: event.data.until } },
        event.data.at,
      )
    case 'LevelReviewed':
      return evaluatedAt(
        { ...m, level: event.data.to, reviewAt: event.data.nextReviewAt, noticeSentFor: null, grace: null },
        event.data.at,
      )
    case 'PrepaidToppedUp':
      return {
        ...m,
        prepaidFen: m.prepaidFen + event.data.amountFen,
        prepaidDeposited: m.prepaidDeposited + event.data.amountFen,
      }
    case 'PrepaidSpent':
      return { ...m, prepaidFen: Math.max(0, m.prepaidFen - event.data.amountFen) }
    case 'PrepaidRefunded':
      return {
        ...m,
        prepaidFen: Math.max(0, m.prepaidFen - event.data.amountFen),
        prepaidDeposited: Math.max(0, m.prepaidDeposited - event.data.amountFen),
      }
    case 'ExitStatementIssued':
      return {
        ...m,
        exitStatement: {
          at: event.data.at,
          pointsForfeited: event.data.pointsForfeited + event.data.pendingPointsForfeited,
          prepaidToRefundFen: event.data.prepaidToRefundFen,
        },
      }
    case 'PointsForfeited':
      return { ...draw(m, event.data.lots), debt: Math.max(0, m.debt - event.data.debtWrittenOff) }
    case 'MemberExited':
      return { ...m, status: 'exited', level: null, reviewAt: null, noticeSentFor: null, grace: null }
  }
}
