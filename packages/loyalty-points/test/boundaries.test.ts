import { readFileSync } from 'node:fs'
import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import type { LoyaltyCommand } from '../src/commands.js'
import type { LoyaltyEvent } from '../src/events.js'
import { defaultLoyaltyPolicy, type LoyaltyPolicy, loyaltyDecider } from '../src/index.js'
import { doc, earn, earned, enrolled, evaluate, redeem, release, T0 } from './fixtures.js'

const decider = loyaltyDecider()

// Every threshold of the default loyalty policy at −1 / 0 / +1 of its bound (fen, points, milliseconds),
// and the defaults pinned to docs/domain.md (issue #18).

const spec = deciderSpec(decider)
const DAY = 86_400_000
const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString()
const typesOf = (events: ReadonlyArray<LoyaltyEvent>) => events.map((e) => e.type)
const eventsAfter = (
  given: ReadonlyArray<LoyaltyEvent>,
  command: LoyaltyCommand,
  policy = defaultLoyaltyPolicy,
) => deciderSpec(loyaltyDecider(policy)).given(given).when(command).events()

describe('the default loyalty policy is the rules of docs/domain.md', () => {
  const domain = readFileSync(new URL('../../../docs/domain.md', import.meta.url), 'utf8')

  it('§4: lots expire 24 months after earning', () => {
    expect(domain).toContain('lots expire 24 months after earning')
    expect(defaultLoyaltyPolicy.lotLifetimeMonths).toBe(24)
  })

  it('§4, §5: the level follows qualifying points (积分形式), never the spendable balance', () => {
    expect(domain).toContain('by **accumulated points** (采取积分形式确定会员级别)')
    expect(domain).toContain('level\n  computed from the spendable balance instead of qualifying points')
    expect(defaultLoyaltyPolicy.levels.basis).toBe('qualifying-points')
    expect(defaultLoyaltyPolicy.qualifyingCategories).toEqual([
      'repair-order',
      'parts-invoice',
      'vehicle-purchase',
    ])
  })

  it('§5 tiers: downgrade one level, with a grace period and an advance notice', () => {
    expect(domain).toContain(
      'downgrade policies: none, one level down, or recompute; with a\n  grace period and an advance notice',
    )
    expect(defaultLoyaltyPolicy.levels).toMatchObject({
      downgrade: 'one-level',
      graceDays: 30,
      noticeDays: 30,
    })
    expect(defaultLoyaltyPolicy.levels.qualifyingWindowMonths).toBe(
      defaultLoyaltyPolicy.levels.reviewEveryMonths,
    )
  })

  it('§5 pending points: locked for N days, or until the end of the return window', () => {
    expect(domain).toContain(
      'Pending points (locked for N days, or until an event such as the end of the return\n  window)',
    )
    expect(defaultLoyaltyPolicy.pending['parts-invoice']).toEqual({ kind: 'days', days: 7 })
    expect(defaultLoyaltyPolicy.pending['vehicle-purchase']).toEqual({ kind: 'until-released' })
  })

  it('§4 points plan: earned on spend (service, parts, purchases); awards do not qualify for the level', () => {
    expect(domain).toContain('earned on spend (service, parts, purchases)')
    expect(defaultLoyaltyPolicy.rates).toEqual({
      'repair-order': { points: 1, perYuan: 1 },
      'parts-invoice': { points: 1, perYuan: 1 },
      'vehicle-purchase': { points: 1, perYuan: 10 },
    })
    expect(defaultLoyaltyPolicy.levels.tiers.map((t) => [t.name, t.minimum, t.multiplierPercent])).toEqual([
      ['standard', 0, 100],
      ['silver', 5_000, 120],
      ['gold', 20_000, 150],
      ['platinum', 50_000, 200],
    ])
  })

  it('§4: a refund reverses exactly the points it earned (a shortfall is a recorded debt)', () => {
    expect(domain).toContain('a refund reverses exactly the points it earned')
    expect(defaultLoyaltyPolicy.refundShortfall).toBe('debt')
  })
})

describe('the minimum spend: ¥10 (1,000 fen)', () => {
  it.each([
    [999, null],
    [1_000, 10],
    [1_001, 10],
  ])('a repair order of %i fen earns %s points', (amountFen, points) => {
    const when = spec.given([enrolled()]).when(earn('repair-order', 'RO-1', amountFen))
    if (points === null) when.thenError('BelowMinimumSpend')
    else expect(when.events()[0]).toMatchObject({ type: 'PointsEarned', data: { points } })
  })

  it.each([
    [1_999, 1],
    [2_000, 2],
    [2_001, 2],
  ])('a vehicle purchase of %i fen earns %i points (1 per 10 yuan)', (amountFen, points) => {
    expect(
      spec
        .given([enrolled()])
        .when(earn('vehicle-purchase', 'CAR-1', amountFen))
        .events()[0],
    ).toMatchObject({
      data: { points },
    })
  })
})

describe('each level at exactly its minimum of qualifying points (real-time upgrade)', () => {
  it.each([
    [4_999, null],
    [5_000, 'silver'],
    [5_001, 'silver'],
    [19_999, 'silver'],
    [20_000, 'gold'],
    [20_001, 'gold'],
    [49_999, 'gold'],
    [50_000, 'platinum'],
    [50_001, 'platinum'],
  ])('%i points: %s', (points, level) => {
    const events = spec
      .given([enrolled()])
      .when(earn('repair-order', 'RO-1', points * 100))
      .events()
    const upgrade = events.find((e) => e.type === 'LevelUpgraded')
    if (level === null) expect(upgrade).toBeUndefined()
    else expect(upgrade).toMatchObject({ data: { from: 'standard', to: level, measure: points } })
  })

  it('silver multiplies by 1.2: ¥1,000 earns 1,200 points', () => {
    expect(
      spec
        .given([enrolled('silver')])
        .when(earn('repair-order', 'RO-1', 100_000))
        .events()[0],
    ).toMatchObject({
      data: { points: 1_200, multiplierPercent: 120 },
    })
  })
})

describe('a lot expires exactly 24 months after it was earned (docs/domain.md §4)', () => {
  const lot = earned('RO-1', 1_000, T0)
  const expiresAt = '2028-01-10T09:00:00.000Z' // T0 + 24 months
  it('records the expiry 24 months on', () => {
    expect(
      spec
        .given([enrolled()])
        .when(earn('repair-order', 'RO-1', 100_000))
        .events()[0],
    ).toMatchObject({
      data: { expiresAt },
    })
  })
  it.each([
    [-1, []],
    [0, ['PointsExpired']],
    [1, ['PointsExpired']],
  ])('at expiry plus %i ms the evaluation records %j', (ms, expected) => {
    const events = spec
      .given([enrolled(), lot])
      .when(evaluate(plus(expiresAt, ms)))
      .events()
    expect(typesOf(events).filter((type) => type === 'PointsExpired')).toEqual(expected)
  })
  it.each([
    [-1, true],
    [0, false],
  ])('at expiry plus %i ms the points can be spent: %s', (ms, spendable) => {
    const when = spec.given([enrolled(), lot]).when(redeem('R-1', 1_000, plus(expiresAt, ms)))
    if (spendable) expect(typesOf(when.events())).toEqual(['PointsRedeemed'])
    else when.thenError('InsufficientPoints')
  })
})

describe('parts-invoice points are pending for 7 days (docs/domain.md §5 pending points)', () => {
  const at = '2026-02-01T09:00:00.000Z'
  const history = () => [
    enrolled(),
    ...spec
      .given([enrolled()])
      .when(earn('parts-invoice', 'P-1', 100_000, at))
      .events(),
  ]
  it.each([
    [-1, []],
    [0, ['PendingPointsReleased']],
    [1, ['PendingPointsReleased']],
  ])('7 days plus %i ms after the invoice the evaluation records %j', (ms, expected) => {
    expect(
      typesOf(
        spec
          .given(history())
          .when(evaluate(plus(at, 7 * DAY + ms)))
          .events(),
      ),
    ).toEqual(expected)
  })
  it('a vehicle purchase stays pending until released (the return window is the application’s to close)', () => {
    const events = spec
      .given([enrolled()])
      .when(earn('vehicle-purchase', 'CAR-1', 20_000_000, at))
      .events()
    expect(events[0]).toMatchObject({ data: { pending: { availableFrom: null } } })
    const later = spec
      .given([enrolled(), ...events])
      .when(evaluate(plus(at, 400 * DAY)))
      .events()
    expect(typesOf(later)).not.toContain('PendingPointsReleased')
    expect(
      typesOf(
        spec
          .given([enrolled(), ...events])
          .when(release(doc('vehicle-purchase', 'CAR-1'), plus(at, DAY)))
          .events(),
      ),
    ).toEqual(['PendingPointsReleased'])
  })
})

describe('the review, its notice and its grace period (docs/domain.md §5 tiers)', () => {
  // A gold member from T0 with nothing qualifying: the review is 12 months on.
  const review = '2027-01-10T09:00:00.000Z'
  const gold = enrolled('gold')

  it.each([
    [-1, []],
    [0, ['LevelDowngradeNoticeSent']],
    [1, ['LevelDowngradeNoticeSent']],
  ])('30 days before the review, plus %i ms: %j', (ms, expected) => {
    expect(
      typesOf(
        spec
          .given([gold])
          .when(evaluate(plus(review, -30 * DAY + ms)))
          .events(),
      ),
    ).toEqual(expected)
  })

  it.each([
    [-1, ['LevelDowngradeNoticeSent']],
    [0, ['LevelGraceStarted']],
  ])('at the review, plus %i ms: %j', (ms, expected) => {
    expect(
      typesOf(
        spec
          .given([gold])
          .when(evaluate(plus(review, ms)))
          .events(),
      ),
    ).toEqual(expected)
  })

  const inGrace = () => [gold, ...spec.given([gold]).when(evaluate(review)).events()]
  it.each([
    [-1, []],
    [0, ['LevelReviewed']],
    [1, ['LevelReviewed']],
  ])('30 days after the review, plus %i ms: %j', (ms, expected) => {
    const events = spec
      .given(inGrace())
      .when(evaluate(plus(review, 30 * DAY + ms)))
      .events()
    expect(typesOf(events)).toEqual(expected)
    if (expected.length > 0) expect(events[0]).toMatchObject({ data: { from: 'gold', to: 'silver' } })
  })
})

describe('the qualifying window: points earned in the 12 months before the review, the first moment excluded', () => {
  const review = '2027-01-10T09:00:00.000Z'
  const recompute: LoyaltyPolicy = {
    ...defaultLoyaltyPolicy,
    policyVersion: 'recompute',
    levels: { ...defaultLoyaltyPolicy.levels, downgrade: 'recompute', graceDays: 0 },
  }
  it.each([
    [-1, 'standard'],
    [0, 'standard'],
    [1, 'silver'],
  ])('a purchase of 5,000 points 12 months before the review, plus %i ms: %s', (ms, level) => {
    const lot = earned('RO-1', 5_000, plus('2026-01-10T09:00:00.000Z', ms))
    expect(eventsAfter([enrolled('silver'), lot], evaluate(review), recompute)[0]).toMatchObject({
      type: 'LevelReviewed',
      data: { to: level, measure: ms > 0 ? 5_000 : 0 },
    })
  })
})
