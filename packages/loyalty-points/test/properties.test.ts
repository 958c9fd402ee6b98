import { addCalendarMonths, type Instant } from '@dealer-crm/eventsourcing'
import { loyaltyCommandArb, loyaltyCommandsArb, loyaltyPolicyArb } from '@dealer-crm/loyalty-points/testing'
import { checkCommandSequences, runCommands, type Step } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LoyaltyCommand } from '../src/commands.js'
import type { LoyaltyError } from '../src/errors.js'
import type { LoyaltyEvent } from '../src/events.js'
import { defaultLoyaltyPolicy, type LoyaltyPolicy, type LoyaltyState, loyaltyDecider } from '../src/index.js'
import { enrolled } from './fixtures.js'

type LoyaltyStep = Step<LoyaltyCommand, LoyaltyEvent, LoyaltyState, LoyaltyError>

const sum = (values: ReadonlyArray<number>) => values.reduce((a, b) => a + b, 0)
const drawn = (lots: ReadonlyArray<{ points: number }>) => sum(lots.map((l) => l.points))

/** The ledger identity, computed from the history alone. */
const ledgerTotals = (history: ReadonlyArray<LoyaltyEvent>) => {
  let earned = 0
  let redeemed = 0
  let expired = 0
  let reversed = 0
  let debtRecorded = 0
  let debtSettled = 0
  let forfeited = 0
  let debtWrittenOff = 0
  for (const e of history)
    switch (e.type) {
      case 'PointsEarned':
        earned += e.data.points
        break
      case 'PointsRedeemed':
        redeemed += drawn(e.data.drawnFrom)
        break
      case 'PointsExpired':
        expired += drawn(e.data.lots)
        break
      case 'PointsReversed':
        reversed += e.data.taken + drawn(e.data.settledFrom)
        debtRecorded += e.data.debtRecorded
        break
      case 'PointsDebtSettled':
        debtSettled += drawn(e.data.lots)
        break
      case 'PointsForfeited':
        forfeited += drawn(e.data.lots)
        debtWrittenOff += e.data.debtWrittenOff
        break
      default:
        break
    }
  return {
    balance: earned - redeemed - expired - reversed - debtSettled - forfeited,
    debt: debtRecorded - debtSettled - debtWrittenOff,
  }
}

const eventsOf = (step: LoyaltyStep): ReadonlyArray<LoyaltyEvent> =>
  step.outcome.ok ? step.outcome.events : []

const ledgerInvariant = (step: LoyaltyStep): boolean => {
  const m = step.after
  const remaining = sum(m.lots.map((lot) => lot.remaining))
  const totals = ledgerTotals(step.history)
  // the balance is never negative
  expect(m.lots.every((lot) => lot.remaining >= 0 && lot.remaining <= lot.points)).toBe(true)
  expect(m.debt).toBeGreaterThanOrEqual(0)
  expect(m.prepaidFen).toBeGreaterThanOrEqual(0)
  // balance = earned − redeemed − expired − reversed (± recorded debt)
  expect(remaining).toBe(totals.balance)
  expect(m.debt).toBe(totals.debt)
  // a source document never earns twice
  const lotIds = step.history.flatMap((e) => (e.type === 'PointsEarned' ? [e.data.lotId] : []))
  expect(new Set(lotIds).size).toBe(lotIds.length)
  for (const e of eventsOf(step)) {
    // a reversal accounts for exactly what the document earned
    if (e.type === 'PointsReversed')
      expect(
        e.data.taken +
          e.data.alreadyExpired +
          drawn(e.data.settledFrom) +
          e.data.debtRecorded +
          e.data.writtenOff,
      ).toBe(e.data.points)
    // expiry never takes points from an unexpired lot, nor more than is left
    if (e.type === 'PointsExpired')
      for (const d of e.data.lots) {
        const lot = step.before.lots.find((l) => l.lotId === d.lotId)
        expect(lot).toBeDefined()
        expect(Date.parse(lot?.expiresAt ?? '')).toBeLessThanOrEqual(Date.parse(e.data.at))
        expect(d.points).toBe(lot?.remaining)
      }
    // redemptions draw soonest-expiring first
    if (e.type === 'PointsRedeemed') {
      const drawnIds = new Set(e.data.drawnFrom.map((d) => d.lotId))
      const latestDrawn = Math.max(
        ...step.before.lots.filter((l) => drawnIds.has(l.lotId)).map((l) => Date.parse(l.expiresAt)),
      )
      const skipped = step.before.lots.filter(
        (l) =>
          !drawnIds.has(l.lotId) &&
          l.pending === null &&
          l.remaining > 0 &&
          Date.parse(l.expiresAt) > Date.parse(e.data.at),
      )
      expect(skipped.every((l) => Date.parse(l.expiresAt) >= latestDrawn)).toBe(true)
    }
  }
  // refunding a document a second time changes nothing
  if (step.command.type === 'RefundDocument') {
    const { category, documentId } = step.command.data.document
    const lot = step.before.lots.find((l) => l.lotId === `${category}:${documentId}`)
    if (lot?.refunded === true && step.before.status !== 'exited') {
      expect(step.outcome).toEqual({ ok: true, events: [] })
      expect(step.after).toBe(step.before)
    }
  }
  // an exited member keeps no points, no discounts, no prepaid money
  if (m.status === 'exited') {
    expect(remaining).toBe(0)
    expect(m.debt).toBe(0)
    expect(m.prepaidFen).toBe(0)
    expect(m.level).toBeNull()
  }
  return true
}

const policies: ReadonlyArray<[string, LoyaltyPolicy]> = [
  ['the default policy', defaultLoyaltyPolicy],
  [
    'write-off, recompute, anniversary reviews, short lots',
    {
      ...defaultLoyaltyPolicy,
      policyVersion: 'test-write-off',
      refundShortfall: 'write-off',
      lotLifetimeMonths: 6,
      levels: {
        ...defaultLoyaltyPolicy.levels,
        evaluation: 'anniversary',
        downgrade: 'recompute',
        graceDays: 0,
      },
    },
  ],
  [
    'levels by prepaid amount',
    {
      ...defaultLoyaltyPolicy,
      policyVersion: 'test-prepaid',
      levels: {
        ...defaultLoyaltyPolicy.levels,
        basis: 'prepaid',
        tiers: defaultLoyaltyPolicy.levels.tiers.map((tier) => ({ ...tier, minimum: tier.minimum * 100 })),
      },
    },
  ],
]

describe('ledger properties over random command sequences (docs/domain.md §4 invariants)', () => {
  for (const [name, policy] of policies)
    it(`holds under ${name}; replay reproduces the state`, () => {
      checkCommandSequences({
        decider: loyaltyDecider(policy),
        commands: loyaltyCommandArb(),
        invariant: ledgerInvariant,
        history: [enrolled()],
        maxLength: 50,
        numRuns: 150,
      })
    })

  it('holds under random policies, from an enrolled member', () => {
    fc.assert(
      fc.property(loyaltyPolicyArb, loyaltyCommandsArb({ maxLength: 40 }), (policy, commands) => {
        const steps = runCommands(loyaltyDecider(policy), commands)
        for (const step of steps) ledgerInvariant(step)
      }),
      { numRuns: 150 },
    )
  })
})

describe('levels (docs/domain.md §4: the level follows its rule deterministically from the history)', () => {
  it('is a function of the history and the policy: redemptions never move it', () => {
    const isExit = (c: LoyaltyCommand) => c.type === 'RequestExitStatement' || c.type === 'ConfirmExit'
    fc.assert(
      fc.property(loyaltyPolicyArb, loyaltyCommandsArb({ maxLength: 40 }), (policy, commands) => {
        const decider = loyaltyDecider(policy)
        const sequence = commands.filter((c) => !isExit(c))
        const withRedemptions = runCommands(decider, sequence)
        const withoutRedemptions = runCommands(
          decider,
          sequence.filter((c) => c.type !== 'RedeemPoints'),
        )
        const levels = withRedemptions
          .filter((s) => s.command.type !== 'RedeemPoints')
          .map((s) => s.after.level)
        expect(levels).toEqual(withoutRedemptions.map((s) => s.after.level))
        for (const step of withRedemptions)
          expect(
            step.after.level === null || policy.levels.tiers.some((tier) => tier.name === step.after.level),
          ).toBe(true)
      }),
      { numRuns: 150 },
    )
  })

  it('replaying the same history under the same policy gives the same level and review date', () => {
    fc.assert(
      fc.property(loyaltyPolicyArb, loyaltyCommandsArb({ maxLength: 40 }), (policy, commands) => {
        const decider = loyaltyDecider(policy)
        const first = runCommands(decider, commands)
        const second = runCommands(decider, commands)
        expect(second.map((s) => [s.after.level, s.after.reviewAt])).toEqual(
          first.map((s) => [s.after.level, s.after.reviewAt]),
        )
      }),
      { numRuns: 100 },
    )
  })
})

// ── Levels against the points that back them (issue #18 and #20; docs/domain.md §4 会员级别, §5 tiers) ──

const DAY_MS = 86_400_000

/** Qualifying points within the window ending at `at`, read from the events alone: refunded documents count 0. */
const qualifyingAt = (policy: LoyaltyPolicy, history: ReadonlyArray<LoyaltyEvent>, at: Instant): number => {
  const from = Date.parse(addCalendarMonths(at, -policy.levels.qualifyingWindowMonths, policy.businessZone))
  const refunded = new Set(
    history.flatMap((e) =>
      e.type === 'PointsReversed' ? [`${e.data.source.category}:${e.data.source.documentId}`] : [],
    ),
  )
  return sum(
    history.flatMap((e) =>
      e.type === 'PointsEarned' &&
      !refunded.has(e.data.lotId) &&
      policy.qualifyingCategories.includes(e.data.source.category) &&
      Date.parse(e.data.at) > from &&
      Date.parse(e.data.at) <= Date.parse(at)
        ? [e.data.points]
        : [],
    ),
  )
}

/** The highest level whose minimum the measure reaches, from the policy's tiers in plain words. */
const levelFor = (policy: LoyaltyPolicy, measure: number): number =>
  policy.levels.tiers.reduce((best, tier, i) => (measure >= tier.minimum ? i : best), 0)
const indexOf = (policy: LoyaltyPolicy, level: string | null) =>
  Math.max(
    0,
    policy.levels.tiers.findIndex((t) => t.name === level),
  )

const pointPolicies: ReadonlyArray<[string, LoyaltyPolicy]> = policies.filter(
  ([, p]) => p.levels.basis === 'qualifying-points',
)
const pointPolicyArb = loyaltyPolicyArb.filter((p) => p.levels.basis === 'qualifying-points')

/** Every level reached or kept is backed by qualifying points still in the window, counted independently. */
const levelsBacked = (policy: LoyaltyPolicy) => (step: LoyaltyStep) => {
  const events = eventsOf(step)
  const start = step.history.length - events.length
  events.forEach((e, i) => {
    if (e.type !== 'LevelUpgraded' && e.type !== 'LevelReviewed' && e.type !== 'LevelGraceStarted') return
    const measure = qualifyingAt(policy, step.history.slice(0, start + i), e.data.at)
    expect(e.data.measure).toBe(measure)
    if (e.type === 'LevelGraceStarted')
      expect(measure).toBeLessThan(policy.levels.tiers[indexOf(policy, e.data.level)]?.minimum ?? 0)
    else if (
      e.type === 'LevelUpgraded' ||
      (policy.levels.downgrade !== 'none' && indexOf(policy, e.data.to) >= indexOf(policy, e.data.from))
    )
      expect(levelFor(policy, measure)).toBeGreaterThanOrEqual(indexOf(policy, e.data.to))
  })
  return true
}

/**
 * An evaluation within the notice period that finds the member short on the review date (counting what will
 * still be in the window then) has sent the notice for that review.
 */
const noticeBeforeReview = (policy: LoyaltyPolicy) => (step: LoyaltyStep) => {
  const { before, after, command } = step
  if (command.type !== 'EvaluateMember' || !step.outcome.ok || policy.levels.downgrade === 'none') return true
  const review = before.reviewAt
  if (before.level === null || review === null || after.reviewAt !== review || after.level !== before.level)
    return true
  const at = Date.parse(command.data.at)
  if (at < Date.parse(review) - policy.levels.noticeDays * DAY_MS || at >= Date.parse(review)) return true
  const short = levelFor(policy, qualifyingAt(policy, step.history, review)) < indexOf(policy, before.level)
  if (short) expect(after.noticeSentFor).toBe(review)
  return true
}

describe('levels are backed by qualifying points in the window, and a downgrade is announced (docs/domain.md §4, §5)', () => {
  for (const [name, policy] of pointPolicies)
    it(`under ${name}: every level reached or kept is backed; every short member in the notice period is told`, () => {
      checkCommandSequences({
        decider: loyaltyDecider(policy),
        commands: loyaltyCommandArb({ policy }),
        invariant: (step) => levelsBacked(policy)(step) && noticeBeforeReview(policy)(step),
        history: [enrolled()],
        maxLength: 50,
        numRuns: 200,
      })
    })

  it('the same under random policies', () => {
    fc.assert(
      fc.property(
        pointPolicyArb.chain((policy) =>
          fc.tuple(fc.constant(policy), loyaltyCommandsArb({ policy, maxLength: 40 })),
        ),
        ([policy, commands]) => {
          for (const step of runCommands(loyaltyDecider(policy), commands)) {
            levelsBacked(policy)(step)
            noticeBeforeReview(policy)(step)
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('the sequences reach the case of issue #20: in the notice period, fine today but short on the review date', () => {
    let reached = 0
    for (const commands of fc.sample(loyaltyCommandsArb({ maxLength: 40 }), { numRuns: 300, seed: 20 }))
      for (const step of runCommands(loyaltyDecider(defaultLoyaltyPolicy), commands)) {
        const { before, command } = step
        if (command.type !== 'EvaluateMember' || before.reviewAt === null || before.level === null) continue
        const at = Date.parse(command.data.at)
        const review = Date.parse(before.reviewAt)
        if (at < review - defaultLoyaltyPolicy.levels.noticeDays * DAY_MS || at >= review) continue
        const current = indexOf(defaultLoyaltyPolicy, before.level)
        const today = levelFor(
          defaultLoyaltyPolicy,
          qualifyingAt(defaultLoyaltyPolicy, step.history, command.data.at),
        )
        const onReview = levelFor(
          defaultLoyaltyPolicy,
          qualifyingAt(defaultLoyaltyPolicy, step.history, before.reviewAt),
        )
        if (today >= current && onReview < current) reached++
      }
    expect(reached).toBeGreaterThan(0)
  })
})
