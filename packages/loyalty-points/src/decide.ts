import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type {
  AwardPoints,
  ConfirmExit,
  EarnPointsForSpend,
  EnrolMember,
  EvaluateAt,
  LoyaltyCommand,
  RedeemPoints,
  RefundDocument,
  RefundPrepaid,
  ReleasePendingPoints,
  RequestExitStatement,
  ResumeMember,
  SpendPrepaid,
  SuspendMember,
  TopUpPrepaid,
} from './commands.js'
import { type LoyaltyError, loyaltyError } from './errors.js'
import {
  ExitStatementIssued,
  LevelDowngradeNoticeSent,
  LevelGraceStarted,
  LevelReviewed,
  LevelUpgraded,
  type LoyaltyEvent,
  MemberEnrolled,
  MemberExited,
  MemberResumed,
  MemberSuspended,
  PendingPointsReleased,
  PointsDebtSettled,
  PointsEarned,
  PointsExpired,
  PointsForfeited,
  PointsRedeemed,
  PointsReversed,
  PrepaidRefunded,
  PrepaidSpent,
  PrepaidToppedUp,
} from './events.js'
import {
  drawSoonestExpiring,
  expiredBy,
  releasableBy,
  spendableLots,
  spendablePoints,
  totalOf,
} from './ledger.js'
import { levelMeasure, nextReviewAfter, reviewedTier, tierAt, tierFor, tierIndex } from './levels.js'
import type { LoyaltyPolicy } from './policy.js'
import { availablePoints, evolve, lotOf, type Member, pendingPoints } from './state.js'
import { addDays, addMonths, type Instant, isAtOrAfter, isBefore } from './time.js'
import { type Actor, lotIdOf, type Source, type SourceCategory } from './values.js'

type Decision = Either<LoyaltyError, ReadonlyArray<LoyaltyEvent>>
type Step = (m: Member) => ReadonlyArray<LoyaltyEvent>

/** Run steps one after another, each seeing the state the previous ones produced. */
const inOrder = (m: Member, ...steps: ReadonlyArray<Step>): ReadonlyArray<LoyaltyEvent> => {
  const events: LoyaltyEvent[] = []
  let state = m
  for (const step of steps)
    for (const e of step(state)) {
      state = evolve(state, e)
      events.push(e)
    }
  return events
}

const nothing: Decision = right([])

// ── Guards ────────────────────────────────────────────────────────────────────────────────

/** docs/domain.md §4 member card status: enrolled and not exited (suspended allowed). */
const whenMember = (m: Member, decision: () => Decision): Decision =>
  m.status === 'not-enrolled'
    ? left(loyaltyError('NotEnrolled', 'this card is not enrolled'))
    : m.status === 'exited'
      ? left(loyaltyError('MemberHasExited', 'the member has exited the programme; the card is closed'))
      : decision()

/** docs/domain.md §4: a suspended card neither earns nor spends. */
const whenActive = (m: Member, decision: () => Decision): Decision =>
  whenMember(m, () =>
    m.status === 'suspended'
      ? left(loyaltyError('MemberIsSuspended', 'the card is suspended; resume it first'))
      : decision(),
  )

// ── Steps shared by several commands ──────────────────────────────────────────────────────

/** Points that became spendable pay a recorded debt first (docs/domain.md §5: never a silent negative). */
const settleDebt =
  (at: Instant): Step =>
  (m) => {
    if (m.debt === 0) return []
    const lots = drawSoonestExpiring(spendableLots(m, at), m.debt)
    return lots.length === 0 ? [] : [PointsDebtSettled.make({ lots: [...lots], at })]
  }

/** docs/domain.md §5: real-time evaluation upgrades as soon as the qualifying measure reaches a level. */
const upgradeInRealTime =
  (policy: LoyaltyPolicy, at: Instant): Step =>
  (m) => {
    if (policy.levels.evaluation !== 'real-time' || m.level === null) return []
    const current = tierIndex(policy, m.level)
    const measure = levelMeasure(policy, m, at)
    const measured = tierFor(policy, measure)
    return measured <= current
      ? []
      : [
          LevelUpgraded.make({
            basis: policy.levels.basis,
            measure,
            from: m.level,
            to: tierAt(policy, measured).name,
            nextReviewAt: addMonths(at, policy.levels.reviewEveryMonths),
            policyVersion: policy.policyVersion,
            at,
          }),
        ]
  }

/**
 * docs/domain.md §4 levels and §5 tiers: at the review the downgrade policy applies, after a grace
 * period; before it, an advance notice states what keeps the level. The notice measures what will
 * still count on the review date, since that is what the review will measure.
 */
const reviewLevel =
  (policy: LoyaltyPolicy, at: Instant): Step =>
  (m) => {
    if (m.level === null || m.reviewAt === null) return []
    const reviewAt = m.reviewAt
    const current = tierIndex(policy, m.level)
    const required = tierAt(policy, current).minimum
    const assessAt = (when: Instant) => {
      const measure = levelMeasure(policy, m, when)
      return {
        measure,
        target: reviewedTier(policy, current, tierFor(policy, measure)),
        shortfall: Math.max(1, required - measure),
      }
    }
    const facts = { basis: policy.levels.basis, policyVersion: policy.policyVersion, at }
    if (isAtOrAfter(at, reviewAt)) {
      const { measure, target, shortfall } = assessAt(at)
      const graceUntil = addDays(reviewAt, policy.levels.graceDays)
      if (target < current && isBefore(at, graceUntil))
        return m.grace?.reviewAt === reviewAt
          ? []
          : [
              LevelGraceStarted.make({
                ...facts,
                measure,
                level: m.level,
                reviewAt,
                until: graceUntil,
                required,
                shortfall,
              }),
            ]
      return [
        LevelReviewed.make({
          ...facts,
          measure,
          from: m.level,
          to: tierAt(policy, target).name,
          reviewAt,
          nextReviewAt: nextReviewAfter(policy, reviewAt, at),
        }),
      ]
    }
    // Points earned now may have left the window by the review date (a level reached with one purchase
    // is measured at 0 a year later): measured at `at`, the member would be downgraded unwarned.
    if (isBefore(at, addDays(reviewAt, -policy.levels.noticeDays)) || m.noticeSentFor === reviewAt) return []
    const { measure, target, shortfall } = assessAt(reviewAt)
    return target < current
      ? [
          LevelDowngradeNoticeSent.make({
            ...facts,
            measure,
            level: m.level,
            reviewAt,
            required,
            shortfall,
            wouldBecome: tierAt(policy, target).name,
          }),
        ]
      : []
  }

// ── Membership ────────────────────────────────────────────────────────────────────────────

/** docs/domain.md §4 会员卡: enrol with a card number at a level of the policy. */
const enrolMember = (policy: LoyaltyPolicy, c: EnrolMember, m: Member): Decision => {
  const { customerId, cardNumber, level, at, by } = c.data
  if (m.status === 'exited')
    return left(loyaltyError('MemberHasExited', 'the member has exited; a new card needs a new membership'))
  if (m.status !== 'not-enrolled')
    return left(loyaltyError('AlreadyEnrolled', `card ${m.cardNumber ?? ''} is already enrolled`))
  if (!policy.levels.tiers.some((tier) => tier.name === level))
    return left(
      loyaltyError(
        'UnknownLevel',
        `level ${level} is not in the policy (${policy.levels.tiers.map((tier) => tier.name).join(', ')})`,
      ),
    )
  const reviewAt = addMonths(at, policy.levels.reviewEveryMonths)
  return right([
    MemberEnrolled.make({
      customerId,
      cardNumber,
      level,
      reviewAt,
      policyVersion: policy.policyVersion,
      at,
      by,
    }),
  ])
}

const suspendMember = (c: SuspendMember, m: Member): Decision =>
  whenActive(m, () => right([MemberSuspended.make(c.data)]))

const resumeMember = (c: ResumeMember, m: Member): Decision =>
  whenMember(m, () =>
    m.status !== 'suspended'
      ? left(loyaltyError('MemberNotSuspended', 'the card is not suspended'))
      : right([MemberResumed.make(c.data)]),
  )

// ── Earning ───────────────────────────────────────────────────────────────────────────────

const pendingFor = (policy: LoyaltyPolicy, category: SourceCategory, at: Instant) => {
  const rule = policy.pending[category]
  switch (rule.kind) {
    case 'available':
      return null
    case 'days':
      return rule.days <= 0 ? null : { availableFrom: addDays(at, rule.days) }
    case 'until-released':
      return { availableFrom: null }
  }
}

/** One earning, one lot with its own expiry (docs/domain.md §4, default 24 months). */
const earnLot = (
  policy: LoyaltyPolicy,
  m: Member,
  earning: {
    source: Source
    amountFen: number | null
    points: number
    multiplierPercent: number
    at: Instant
    by: Actor
  },
): ReadonlyArray<LoyaltyEvent> =>
  inOrder(
    m,
    () => [
      PointsEarned.make({
        ...earning,
        lotId: lotIdOf(earning.source),
        qualifyingPoints: policy.qualifyingCategories.includes(earning.source.category) ? earning.points : 0,
        level: m.level ?? tierAt(policy, 0).name,
        pending: pendingFor(policy, earning.source.category, earning.at),
        expiresAt: addMonths(earning.at, policy.lotLifetimeMonths),
        policyVersion: policy.policyVersion,
      }),
    ],
    settleDebt(earning.at),
    upgradeInRealTime(policy, earning.at),
  )

/**
 * docs/domain.md §4 会员积分计算: points for spend at the policy's rate per yuan of the category,
 * times the level multiplier, above a minimum spend. Idempotent per source document: a
 * document that already earned (even if since refunded) earns nothing more.
 */
const earnPointsForSpend = (policy: LoyaltyPolicy, c: EarnPointsForSpend, m: Member): Decision =>
  whenActive(m, () => {
    const { document, amountFen, at, by } = c.data
    if (lotOf(m, document) !== undefined) return nothing
    if (amountFen < policy.minimumSpendFen)
      return left(
        loyaltyError(
          'BelowMinimumSpend',
          `a spend of ${amountFen} fen is below the minimum of ${policy.minimumSpendFen} fen that earns points`,
        ),
      )
    const rate = policy.rates[document.category]
    const base = Math.floor((amountFen * rate.points) / (rate.perYuan * 100))
    const multiplierPercent = tierAt(policy, tierIndex(policy, m.level)).multiplierPercent
    const points = Math.floor((base * multiplierPercent) / 100)
    if (points === 0)
      return left(loyaltyError('NothingToEarn', `a spend of ${amountFen} fen earns no points at this rate`))
    return right(earnLot(policy, m, { source: document, amountFen, points, multiplierPercent, at, by }))
  })

/** docs/domain.md §4: fixed awards for events and referral rewards (§2), goodwill after a complaint (§3). */
const awardPoints = (policy: LoyaltyPolicy, c: AwardPoints, m: Member): Decision =>
  whenActive(m, () => {
    const { document, points, at, by } = c.data
    if (lotOf(m, document) !== undefined) return nothing
    return right(
      earnLot(policy, m, { source: document, amountFen: null, points, multiplierPercent: 100, at, by }),
    )
  })

/** docs/domain.md §5 pending points: the return window closed, the lot becomes spendable. */
const releasePendingPoints = (c: ReleasePendingPoints, m: Member): Decision =>
  whenMember(m, () => {
    const { document, at } = c.data
    const lot = lotOf(m, document)
    if (lot === undefined)
      return left(
        loyaltyError('DocumentNotEarned', `${document.category} ${document.documentId} earned no points`),
      )
    if (lot.pending === null || lot.remaining === 0) return nothing
    return right(
      inOrder(
        m,
        () => [
          PendingPointsReleased.make({
            lots: [{ lotId: lot.lotId, points: lot.remaining }],
            reason: 'return-window-closed',
            at,
          }),
        ],
        settleDebt(at),
      ),
    )
  })

// ── Spending and reversing ────────────────────────────────────────────────────────────────

/**
 * docs/domain.md §4 会员积分用途 and §5: redeem for a voucher, discount or gift; never more than the
 * spendable balance; the event records the lots drawn, soonest-expiring first.
 */
const redeemPoints = (c: RedeemPoints, m: Member): Decision =>
  whenActive(m, () => {
    const { redemptionId, reward, points, reference, at, by } = c.data
    if (m.redemptions.includes(redemptionId)) return nothing
    const spendable = spendablePoints(m, at)
    if (points > spendable)
      return left(
        loyaltyError(
          'InsufficientPoints',
          `${points} points asked, ${spendable} spendable${pendingPoints(m) > 0 ? ` (${pendingPoints(m)} still pending)` : ''}`,
        ),
      )
    const drawnFrom = drawSoonestExpiring(spendableLots(m, at), points)
    return right([
      PointsRedeemed.make({ redemptionId, reward, reference, points, drawnFrom: [...drawnFrom], at, by }),
    ])
  })

/**
 * docs/domain.md §4 and §5: a refund reverses exactly what the document earned — from what is left of
 * its lot first; what was already spent becomes a recorded debt (paid from other spendable lots
 * first) or a write-off, by policy. What expired is not charged again. A second refund changes nothing.
 */
const refundDocument = (policy: LoyaltyPolicy, c: RefundDocument, m: Member): Decision =>
  whenMember(m, () => {
    const { document, reason, at, by } = c.data
    const lot = lotOf(m, document)
    if (lot === undefined)
      return left(
        loyaltyError('DocumentNotEarned', `${document.category} ${document.documentId} earned no points`),
      )
    if (lot.refunded) return nothing
    const taken = lot.remaining
    const spent = lot.points - taken - lot.expired
    const settledFrom =
      policy.refundShortfall === 'debt' ? drawSoonestExpiring(spendableLots(m, at, lot.lotId), spent) : []
    const settled = totalOf(settledFrom)
    return right([
      PointsReversed.make({
        source: document,
        reason,
        points: lot.points,
        taken,
        alreadyExpired: lot.expired,
        settledFrom: [...settledFrom],
        debtRecorded: policy.refundShortfall === 'debt' ? spent - settled : 0,
        writtenOff: policy.refundShortfall === 'write-off' ? spent : 0,
        policyVersion: policy.policyVersion,
        at,
        by,
      }),
    ])
  })

// ── Prepaid balance (money, docs/domain.md §4 and §5: never expires, kept apart from points) ───

const topUpPrepaid = (policy: LoyaltyPolicy, c: TopUpPrepaid, m: Member): Decision =>
  whenActive(m, () =>
    right(inOrder(m, () => [PrepaidToppedUp.make(c.data)], upgradeInRealTime(policy, c.data.at))),
  )

const insufficientPrepaid = (m: Member, amountFen: number) =>
  left(
    loyaltyError('InsufficientPrepaid', `${amountFen} fen asked, the prepaid balance is ${m.prepaidFen} fen`),
  )

const spendPrepaid = (c: SpendPrepaid, m: Member): Decision =>
  whenActive(m, () =>
    c.data.amountFen > m.prepaidFen
      ? insufficientPrepaid(m, c.data.amountFen)
      : right([PrepaidSpent.make(c.data)]),
  )

const refundPrepaid = (c: RefundPrepaid, m: Member): Decision =>
  whenMember(m, () =>
    c.data.amountFen > m.prepaidFen
      ? insufficientPrepaid(m, c.data.amountFen)
      : right([PrepaidRefunded.make({ ...c.data, reason: 'member-request' })]),
  )

// ── Exit (docs/domain.md §4 exit costs 退出成本) ────────────────────────────────────────────────

/** The statement of what the member forfeits, shown before the exit is confirmed. */
const requestExitStatement = (policy: LoyaltyPolicy, c: RequestExitStatement, m: Member): Decision =>
  whenMember(m, () => {
    const level = m.level ?? tierAt(policy, 0).name
    return right([
      ExitStatementIssued.make({
        pointsForfeited: availablePoints(m),
        pendingPointsForfeited: pendingPoints(m),
        debtWrittenOff: m.debt,
        level,
        privilegesCancelled: [...tierAt(policy, tierIndex(policy, level)).privileges],
        prepaidToRefundFen: m.prepaidFen,
        ...c.data,
      }),
    ])
  })

/**
 * Confirms the exit the statement described: every point is forfeited, every privilege
 * cancelled, the prepaid balance refunded — never forfeited. Any movement after the statement
 * makes it outdated.
 */
const confirmExit = (policy: LoyaltyPolicy, c: ConfirmExit, m: Member): Decision =>
  whenMember(m, () => {
    if (m.exitStatement === null)
      return left(
        loyaltyError(
          'NoExitStatement',
          'issue an exit statement first (a statement is outdated by any later movement)',
        ),
      )
    const { prepaidRefundReference, at, by } = c.data
    const lots = m.lots
      .filter((lot) => lot.remaining > 0)
      .map((lot) => ({ lotId: lot.lotId, points: lot.remaining }))
    const level = m.level ?? tierAt(policy, 0).name
    return right([
      ...(lots.length > 0 || m.debt > 0 ? [PointsForfeited.make({ lots, debtWrittenOff: m.debt, at })] : []),
      ...(m.prepaidFen > 0
        ? [
            PrepaidRefunded.make({
              amountFen: m.prepaidFen,
              reference: prepaidRefundReference,
              reason: 'exit',
              at,
              by,
            }),
          ]
        : []),
      MemberExited.make({
        level,
        privilegesCancelled: [...tierAt(policy, tierIndex(policy, level)).privileges],
        pointsForfeited: totalOf(lots),
        prepaidRefundedFen: m.prepaidFen,
        at,
        by,
      }),
    ])
  })

// ── Time (ARCHITECTURE.md: time-driven rules run on EvaluateAt) ──────────────────────────

/** Expiry of exactly what remains, end of pending periods, debt settlement, level evaluation. */
const evaluateAt = (policy: LoyaltyPolicy, c: EvaluateAt, m: Member): Decision =>
  whenMember(m, () => {
    const { at } = c.data
    if (m.lastEvaluatedAt !== null && isBefore(at, m.lastEvaluatedAt))
      return left(
        loyaltyError('EvaluationInThePast', `${at} is before the last evaluation at ${m.lastEvaluatedAt}`),
      )
    return right(
      inOrder(
        m,
        (s) => {
          const lots = expiredBy(s, at)
          return lots.length === 0 ? [] : [PointsExpired.make({ lots: [...lots], at })]
        },
        (s) => {
          const lots = releasableBy(s, at)
          return lots.length === 0
            ? []
            : [PendingPointsReleased.make({ lots: [...lots], reason: 'pending-period-ended', at })]
        },
        settleDebt(at),
        upgradeInRealTime(policy, at),
        reviewLevel(policy, at),
      ),
    )
  })

/** The rules of the loyalty programme under one policy: one function per command. */
export const decideWith =
  (policy: LoyaltyPolicy) =>
  (command: LoyaltyCommand, m: Member): Decision => {
    switch (command.type) {
      case 'EnrolMember':
        return enrolMember(policy, command, m)
      case 'SuspendMember':
        return suspendMember(command, m)
      case 'ResumeMember':
        return resumeMember(command, m)
      case 'EarnPointsForSpend':
        return earnPointsForSpend(policy, command, m)
      case 'AwardPoints':
        return awardPoints(policy, command, m)
      case 'ReleasePendingPoints':
        return releasePendingPoints(command, m)
      case 'RedeemPoints':
        return redeemPoints(command, m)
      case 'RefundDocument':
        return refundDocument(policy, command, m)
      case 'TopUpPrepaid':
        return topUpPrepaid(policy, command, m)
      case 'SpendPrepaid':
        return spendPrepaid(command, m)
      case 'RefundPrepaid':
        return refundPrepaid(command, m)
      case 'RequestExitStatement':
        return requestExitStatement(policy, command, m)
      case 'ConfirmExit':
        return confirmExit(policy, command, m)
      case 'EvaluateAt':
        return evaluateAt(policy, command, m)
    }
  }
