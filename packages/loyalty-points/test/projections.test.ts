import { project } from '@dealer-crm/eventsourcing'
import { runCommands } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LoyaltyCommand } from '../src/commands.js'
import type { LoyaltyEvent } from '../src/events.js'
import {
  levelDistributionProjection,
  loyaltyDecider,
  loyaltyMetrics,
  loyaltyTotalsProjection,
  memberLedgersProjection,
  memberStatement,
} from '../src/index.js'
import { loyaltyHistoryArb } from '../src/testing.js'
import { clerk, command, doc, earn, enrol, evaluate, instant, recorded, redeem, topUp } from './fixtures.js'

const decider = loyaltyDecider()

const historyOf = (commands: ReadonlyArray<LoyaltyCommand>): ReadonlyArray<LoyaltyEvent> => {
  const steps = runCommands(decider, commands)
  return steps[steps.length - 1]?.history ?? []
}

const alice = historyOf([
  enrol(),
  earn('repair-order', 'RO-1', 6_000_00, '2026-01-10T09:00:00.000Z'),
  earn('repair-order', 'RO-2', 1_000_00, '2026-06-01T00:00:00.000Z'),
  earn('vehicle-purchase', 'INV-1', 100_000_00, '2026-06-02T00:00:00.000Z'),
  redeem('R-1', 1_000, '2026-07-01T00:00:00.000Z'),
  topUp(300_000, '2026-07-01T00:00:00.000Z'),
])
const bob = historyOf([
  enrol('standard', '2026-01-01T00:00:00.000Z'),
  earn('repair-order', 'RO-9', 2_000_00, '2026-01-02T00:00:00.000Z'),
  evaluate('2028-01-02T00:00:00.000Z'),
  command('RequestExitStatement', { at: '2028-02-01T00:00:00.000Z', by: clerk }),
  command('ConfirmExit', { prepaidRefundReference: 'x', at: '2028-02-01T00:00:00.000Z', by: clerk }),
])
const recordedEvents = [...alice.map((e) => recorded('alice', e)), ...bob.map((e) => recorded('bob', e))]

describe('member balance and ledger statement', () => {
  it('lists lots, pending points and what expires soon', () => {
    const ledgers = project(memberLedgersProjection, recordedEvents)
    const statement = memberStatement(ledgers, 'alice', instant('2027-12-20T00:00:00.000Z'))
    expect(statement).toMatchObject({
      cardNumber: 'VIP-0001',
      status: 'active',
      level: 'silver',
      availablePoints: 6_000 + 1_200 - 1_000,
      pendingPoints: 12_000,
      prepaidFen: 300_000,
    })
    expect(statement?.lots.map((lot) => [lot.lotId, lot.remaining, lot.pending])).toEqual([
      ['repair-order:RO-1', 5_000, false],
      ['repair-order:RO-2', 1_200, false],
      ['vehicle-purchase:INV-1', 12_000, true],
    ])
    expect(statement?.expiringSoon.map((lot) => lot.lotId)).toEqual(['repair-order:RO-1'])
    expect(memberStatement(ledgers, 'nobody', instant('2027-12-20T00:00:00.000Z'))).toBeUndefined()
  })
})

describe('level distribution and flows', () => {
  it('counts current members per level and every move', () => {
    const distribution = project(levelDistributionProjection, recordedEvents)
    expect(distribution.members).toEqual({ standard: 0, silver: 1 })
    expect(distribution.flows).toEqual({
      'new → standard': 2,
      'standard → silver': 1,
      'standard → exited': 1,
    })
  })
})

describe('programme metrics (docs/domain.md §5)', () => {
  it('reports liability, breakage, redemption rate, active-member rate and prepaid liability', () => {
    const metrics = loyaltyMetrics(
      project(loyaltyTotalsProjection, recordedEvents),
      instant('2026-12-31T00:00:00.000Z'),
    )
    expect(metrics.pointsLiability).toBe(6_000 + 1_200 + 12_000 - 1_000)
    expect(metrics.breakage).toEqual({ numerator: 2_000, denominator: 21_200, value: 2_000 / 21_200 })
    expect(metrics.redemptionRate).toEqual({ numerator: 1_000, denominator: 21_200, value: 1_000 / 21_200 })
    expect(metrics.activeMemberRate).toEqual({ numerator: 1, denominator: 1, value: 1 })
    expect(metrics.prepaidLiabilityFen).toBe(300_000)
    expect(
      loyaltyMetrics(loyaltyTotalsProjection.init(), instant('2026-12-31T00:00:00.000Z')).breakage.value,
    ).toBeNull()
  })

  it('agrees with the members ledgers on any history the decider accepts', () => {
    fc.assert(
      fc.property(fc.array(loyaltyHistoryArb(), { minLength: 1, maxLength: 4 }), (histories) => {
        const events = histories.flatMap((history, i) => history.map((e) => recorded(`m${i}`, e)))
        const ledgers = project(memberLedgersProjection, events)
        const metrics = loyaltyMetrics(
          project(loyaltyTotalsProjection, events),
          instant('2030-01-01T00:00:00.000Z'),
        )
        const members = [...ledgers.values()]
        expect(metrics.pointsLiability).toBe(
          members.reduce((sum, m) => sum + m.lots.reduce((s, lot) => s + lot.remaining, 0), 0),
        )
        expect(metrics.prepaidLiabilityFen).toBe(members.reduce((sum, m) => sum + m.prepaidFen, 0))
        const distribution = project(levelDistributionProjection, events)
        const current = members.filter((m) => m.level !== null)
        expect(Object.values(distribution.members).reduce((a, b) => a + b, 0)).toBe(current.length)
        for (const m of current) expect(distribution.members[m.level ?? '']).toBeGreaterThan(0)
      }),
      { numRuns: 100 },
    )
  })

  it('every points movement states its reason and its source (docs/domain.md §5: no movement without a reason)', () => {
    for (const e of [...alice, ...bob])
      switch (e.type) {
        case 'PointsEarned':
          expect(e.data.source.documentId.length).toBeGreaterThan(0)
          break
        case 'PointsRedeemed':
          expect([e.data.reward, e.data.reference].every((v) => v.length > 0)).toBe(true)
          break
        case 'PointsExpired':
        case 'PointsForfeited':
        case 'PointsDebtSettled':
          expect(e.data.lots.every((lot) => lot.lotId.length > 0)).toBe(true)
          break
        default:
          break
      }
    expect(alice.find((e) => e.type === 'PointsEarned')?.data).toMatchObject({
      source: doc('repair-order', 'RO-1'),
    })
  })
})
