// The projection as a pure fold: given recorded events, the state it reaches.
import { type DealershipEvent, dealershipRegistry } from '@dealer-crm/dealership'
import { keyedHash, normalizePhone, project, type RecordedEvent } from '@dealer-crm/eventsourcing'
import { defaultReferralPolicy, ReferralPolicy } from '@dealer-crm/referral-verification'
import { recorded } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import {
  costRows,
  evolve,
  init,
  monthOf,
  rewardCostProjection,
  unknownConsultant,
} from '../src/reward-cost.js'
import { renderCostTable } from '../src/table.js'

/** An event as a store reads it back: its stored JSON decoded by the dealership's own codec. */
const decoded = (type: string, data: unknown): DealershipEvent => {
  const codec = dealershipRegistry.get(type)?.codec
  const result = codec?.decode(data)
  if (result?._tag !== 'Right') throw new Error(`fixture ${type} does not match its codec`)
  return { type, data: result.right } as DealershipEvent
}

const manager = { id: 'duty-manager-liu', role: 'duty-manager' }
const person = (customerId: string, phone: string) => ({
  subjectId: customerId,
  phoneHash: keyedHash('fixture', normalizePhone(phone)),
  name: { $pii: customerId },
  phone: { $pii: phone },
})
const car = { $pii: { model: 'Sagitar', colour: 'white', gearbox: 'automatic' } }

const registered = (referralId: string, consultantId: string, at: string) =>
  decoded('ReferralRegistered', {
    referralId,
    registeredAt: at,
    reportedBy: { id: consultantId, role: 'sales-consultant' },
    registeredBy: manager,
    referee: { ...person(`referee-${referralId}`, '13900139000'), purchase: car },
    referrer: { ...person(`referrer-${referralId}`, '13800138000'), vehicle: car },
    policy: ReferralPolicy.encode(defaultReferralPolicy),
  })

type Reward =
  | { kind: 'gift' | 'cash-back' | 'purchase-voucher'; valueFen: number }
  | { kind: 'loyalty-points'; points: number }

const released = (referralId: string, reward: Reward, at: string) =>
  decoded('RewardReleased', {
    referralId,
    referrerId: `referrer-${referralId}`,
    by: { id: 'showroom-manager-chen', role: 'showroom-manager' },
    tier: 'first',
    nthSuccessfulReferral: 1,
    reward,
    at,
    policyVersion: defaultReferralPolicy.policyVersion,
  })

const clawedBack = (referralId: string, reward: Reward, at: string) =>
  decoded('RewardClawedBack', { referralId, referrerId: `referrer-${referralId}`, reward, at })

const voided = (referralId: string, at: string) =>
  decoded('ReferralVoided', {
    referralId,
    reason: 'sale-returned',
    at,
    policyVersion: defaultReferralPolicy.policyVersion,
  })

const cash = (yuanAmount: number): Reward => ({ kind: 'cash-back', valueFen: yuanAmount * 100 })
const voucher = (yuanAmount: number): Reward => ({ kind: 'purchase-voucher', valueFen: yuanAmount * 100 })
const points = (n: number): Reward => ({ kind: 'loyalty-points', points: n })

const fold = (events: ReadonlyArray<DealershipEvent>) => project(rewardCostProjection, recorded(events))

describe('referral-reward cost per consultant and month', () => {
  it('books each reward in the month of its release, for the consultant who reported the referral', () => {
    const state = fold([
      registered('r1', 'consultant-wang', '2026-01-05T10:00:00+08:00'),
      registered('r2', 'consultant-wang', '2026-01-06T10:00:00+08:00'),
      registered('r3', 'consultant-zhao', '2026-01-07T10:00:00+08:00'),
      released('r1', cash(500), '2026-02-10T10:00:00+08:00'),
      released('r2', voucher(800), '2026-02-11T10:00:00+08:00'),
      released('r3', points(5_000), '2026-03-01T10:00:00+08:00'),
    ])
    expect(costRows(state)).toEqual([
      {
        month: '2026-02',
        consultantId: 'consultant-wang',
        released: 2,
        clawedBack: 0,
        fen: { gift: 0, 'cash-back': 50_000, 'purchase-voucher': 80_000 },
        points: 0,
      },
      {
        month: '2026-03',
        consultantId: 'consultant-zhao',
        released: 1,
        clawedBack: 0,
        fen: { gift: 0, 'cash-back': 0, 'purchase-voucher': 0 },
        points: 5_000,
      },
    ])
  })

  it('takes a claw-back off the month the reward was released in, in money or in points', () => {
    const state = fold([
      registered('r1', 'consultant-wang', '2026-01-05T10:00:00+08:00'),
      registered('r2', 'consultant-wang', '2026-01-06T10:00:00+08:00'),
      released('r1', cash(500), '2026-02-10T10:00:00+08:00'),
      released('r2', points(3_000), '2026-02-12T10:00:00+08:00'),
      voided('r1', '2026-03-02T10:00:00+08:00'),
      clawedBack('r1', cash(500), '2026-03-02T10:00:00+08:00'),
      voided('r2', '2026-04-02T10:00:00+08:00'),
      clawedBack('r2', points(3_000), '2026-04-02T10:00:00+08:00'),
    ])
    expect(costRows(state)).toEqual([
      {
        month: '2026-02',
        consultantId: 'consultant-wang',
        released: 2,
        clawedBack: 2,
        fen: { gift: 0, 'cash-back': 0, 'purchase-voucher': 0 },
        points: 0,
      },
    ])
  })

  it('uses China time for the month: 31 January 20:00 UTC is already February', () => {
    expect(monthOf('2026-01-31T20:00:00Z')).toBe('2026-02')
    expect(monthOf('2026-01-31T15:59:59Z')).toBe('2026-01')
    const state = fold([
      registered('r1', 'consultant-wang', '2026-01-05T10:00:00+08:00'),
      released('r1', cash(100), '2026-01-31T20:00:00Z'),
    ])
    expect(costRows(state).map((r) => r.month)).toEqual(['2026-02'])
  })

  it('still books a reward whose registration it never saw, under an unknown consultant', () => {
    const state = fold([released('r9', cash(200), '2026-05-01T10:00:00+08:00')])
    expect(costRows(state)).toMatchObject([{ consultantId: unknownConsultant, fen: { 'cash-back': 20_000 } }])
  })

  it('is pure: evolve never changes the state it is given, and the state is plain JSON', () => {
    const events = recorded([
      registered('r1', 'consultant-wang', '2026-01-05T10:00:00+08:00'),
      released('r1', cash(500), '2026-02-10T10:00:00+08:00'),
    ]) as ReadonlyArray<RecordedEvent<Parameters<typeof evolve>[1]>>
    const [first, second] = events
    if (first === undefined || second === undefined) throw new Error('two events expected')
    const before = evolve(init(), first)
    const frozen = JSON.stringify(before)
    const after = evolve(before, second)
    expect(JSON.stringify(before)).toBe(frozen)
    expect(JSON.parse(JSON.stringify(after))).toEqual(after)
  })

  it('ignores the events it does not handle', () => {
    const state = fold([
      registered('r1', 'consultant-wang', '2026-01-05T10:00:00+08:00'),
      voided('r1', '2026-01-08T10:00:00+08:00'),
    ])
    expect(costRows(state)).toEqual([])
    expect(rewardCostProjection.apply(state, recorded([voided('r1', '2026-01-08T10:00:00+08:00')])[0]!)).toBe(
      state,
    )
  })

  it('prints ¥ from fen and a total row', () => {
    const lines = renderCostTable(
      costRows(
        fold([
          registered('r1', 'consultant-wang', '2026-01-05T10:00:00+08:00'),
          registered('r2', 'consultant-zhao', '2026-01-05T11:00:00+08:00'),
          released('r1', cash(500), '2026-02-10T10:00:00+08:00'),
          released('r2', voucher(1_000), '2026-02-10T11:00:00+08:00'),
        ]),
      ),
    )
    const cellsOf = (line: string | undefined) =>
      (line ?? '')
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim())
    expect(cellsOf(lines[1])).toEqual([
      'Month',
      'Consultant',
      'Released',
      'Clawed back',
      'Cash back',
      'Vouchers',
      'Gifts',
      'Total',
      'Points',
    ])
    expect(cellsOf(lines.at(-2))).toEqual([
      'Total',
      '',
      '2',
      '0',
      '¥500.00',
      '¥1,000.00',
      '¥0.00',
      '¥1,500.00',
      '0',
    ])
    expect(renderCostTable([])).toEqual(['(no referral rewards released)'])
  })
})
