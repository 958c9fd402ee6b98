import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { LevelGraceStarted } from '../src/events.js'
import { defaultLoyaltyPolicy, type LoyaltyPolicy, loyaltyDecider } from '../src/index.js'
import { earn, earned, enrolled, evaluate, made, topUp } from './fixtures.js'

const decider = loyaltyDecider()

const REVIEW = '2027-01-10T09:00:00.000Z'
const GRACE_END = '2027-02-09T09:00:00.000Z'
const withLevels = (levels: Partial<LoyaltyPolicy['levels']>): LoyaltyPolicy => ({
  ...defaultLoyaltyPolicy,
  policyVersion: 'test',
  levels: { ...defaultLoyaltyPolicy.levels, ...levels },
})
const gold = enrolled('gold')
const graceStarted = made(LevelGraceStarted, {
  basis: 'qualifying-points',
  measure: 0,
  level: 'gold',
  reviewAt: REVIEW,
  until: GRACE_END,
  required: 20_000,
  shortfall: 20_000,
  policyVersion: defaultLoyaltyPolicy.policyVersion,
  at: REVIEW,
})

describe('levels (docs/domain.md §4 会员级别, §5 tiers)', () => {
  const spec = deciderSpec(decider)

  it('sends the advance notice stating what keeps the level, once, within the notice period', () => {
    spec.given([gold]).when(evaluate('2026-12-01T00:00:00.000Z')).then([])
    const events = spec.given([gold]).when(evaluate('2026-12-15T00:00:00.000Z')).events()
    expect(events).toEqual([
      {
        type: 'LevelDowngradeNoticeSent',
        data: {
          basis: 'qualifying-points',
          measure: 0,
          level: 'gold',
          reviewAt: REVIEW,
          required: 20_000,
          shortfall: 20_000,
          wouldBecome: 'silver',
          policyVersion: defaultLoyaltyPolicy.policyVersion,
          at: '2026-12-15T00:00:00.000Z',
        },
      },
    ])
    spec
      .given([gold, ...events])
      .when(evaluate('2026-12-20T00:00:00.000Z'))
      .then([])
  })

  it('keeps the level through the grace period after the review', () => {
    spec.given([gold]).when(evaluate(REVIEW)).then([graceStarted])
    spec.given([gold, graceStarted]).when(evaluate('2027-01-20T00:00:00.000Z')).then([])
  })

  it('downgrades one level when the grace period ends below the level', () => {
    const [event] = spec.given([gold, graceStarted]).when(evaluate(GRACE_END)).events()
    expect(event).toMatchObject({
      type: 'LevelReviewed',
      data: {
        from: 'gold',
        to: 'silver',
        reviewAt: REVIEW,
        nextReviewAt: '2028-01-10T09:00:00.000Z',
      },
    })
  })

  it('keeps the level when the member qualified again during the grace period', () => {
    const regained = earned('RO-9', 20_000, '2027-01-20T00:00:00.000Z')
    const [event] = spec.given([gold, graceStarted, regained]).when(evaluate(GRACE_END)).events()
    expect(event).toMatchObject({
      type: 'LevelReviewed',
      data: { from: 'gold', to: 'gold', measure: 20_000 },
    })
  })

  it('recomputes the level from the measure under the recompute policy', () => {
    const recompute = deciderSpec(loyaltyDecider(withLevels({ downgrade: 'recompute', graceDays: 0 })))
    const [event] = recompute.given([gold]).when(evaluate(REVIEW)).events()
    expect(event).toMatchObject({ type: 'LevelReviewed', data: { from: 'gold', to: 'standard' } })
  })

  it('never downgrades under the none policy', () => {
    const none = deciderSpec(loyaltyDecider(withLevels({ downgrade: 'none' })))
    const [event] = none.given([gold]).when(evaluate(REVIEW)).events()
    expect(event).toMatchObject({ type: 'LevelReviewed', data: { from: 'gold', to: 'gold' } })
  })

  it('counts only qualifying points earned within the window', () => {
    const old = earned('RO-1', 20_000, '2026-01-10T09:00:00.000Z')
    const recompute = deciderSpec(loyaltyDecider(withLevels({ downgrade: 'recompute', graceDays: 0 })))
    const [event] = recompute.given([gold, old]).when(evaluate('2027-01-10T09:00:00.000Z')).events()
    expect(event).toMatchObject({ data: { measure: 0, to: 'standard' } })
  })

  it('upgrades only at the anniversary under anniversary evaluation', () => {
    const anniversary = deciderSpec(loyaltyDecider(withLevels({ evaluation: 'anniversary' })))
    const events = anniversary
      .given([enrolled()])
      .when(earn('repair-order', 'RO-1', 5_000_00, '2026-06-01T00:00:00.000Z'))
      .events()
    expect(events.map((e) => e.type)).toEqual(['PointsEarned'])
    const lot = events[0]
    if (lot === undefined) throw new Error('no lot')
    const [review] = anniversary.given([enrolled(), lot]).when(evaluate(REVIEW)).events()
    expect(review).toMatchObject({
      type: 'LevelReviewed',
      data: { from: 'standard', to: 'silver', measure: 5_000 },
    })
  })

  it('sets the level by prepaid amount under the prepaid basis (以预付款的金额确定会员级别)', () => {
    const prepaid = deciderSpec(
      loyaltyDecider(
        withLevels({
          basis: 'prepaid',
          tiers: defaultLoyaltyPolicy.levels.tiers.map((tier) => ({ ...tier, minimum: tier.minimum * 100 })),
        }),
      ),
    )
    const events = prepaid.given([enrolled()]).when(topUp(500_000)).events()
    expect(events[1]).toMatchObject({
      type: 'LevelUpgraded',
      data: { basis: 'prepaid', measure: 500_000, from: 'standard', to: 'silver' },
    })
  })
})
