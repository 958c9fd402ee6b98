import { commandArb, memberCommandsArb, policyArb } from '@dealer-crm/loyalty-points/testing'
import { checkCommandSequences, runCommands, type Step } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LoyaltyCommand } from '../src/commands.js'
import type { LoyaltyError } from '../src/errors.js'
import type { LoyaltyEvent } from '../src/events.js'
import { defaultPolicy, type LoyaltyPolicy, loyaltyDecider, type Member } from '../src/index.js'
import { enrolled } from './fixtures.js'

type LoyaltyStep = Step<LoyaltyCommand, LoyaltyEvent, Member, LoyaltyError>

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
  ['the default policy', defaultPolicy],
  [
    'write-off, recompute, anniversary reviews, short lots',
    {
      ...defaultPolicy,
      policyVersion: 'test-write-off',
      refundShortfall: 'write-off',
      lotLifetimeMonths: 6,
      levels: { ...defaultPolicy.levels, evaluation: 'anniversary', downgrade: 'recompute', graceDays: 0 },
    },
  ],
  [
    'levels by prepaid amount',
    {
      ...defaultPolicy,
      policyVersion: 'test-prepaid',
      levels: {
        ...defaultPolicy.levels,
        basis: 'prepaid',
        tiers: defaultPolicy.levels.tiers.map((tier) => ({ ...tier, minimum: tier.minimum * 100 })),
      },
    },
  ],
]

describe('ledger properties over random command sequences (docs/domain.md §4 invariants)', () => {
  for (const [name, policy] of policies)
    it(`holds under ${name}; replay reproduces the state`, () => {
      checkCommandSequences({
        decider: loyaltyDecider(policy),
        commands: commandArb(),
        invariant: ledgerInvariant,
        history: [enrolled()],
        maxLength: 50,
        numRuns: 150,
      })
    })

  it('holds under random policies, from an enrolled member', () => {
    fc.assert(
      fc.property(policyArb, memberCommandsArb({ maxLength: 40 }), (policy, commands) => {
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
      fc.property(policyArb, memberCommandsArb({ maxLength: 40 }), (policy, commands) => {
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
      fc.property(policyArb, memberCommandsArb({ maxLength: 40 }), (policy, commands) => {
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
