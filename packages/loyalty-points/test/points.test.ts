import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import {
  LevelUpgraded,
  PendingPointsReleased,
  PointsDebtSettled,
  PointsEarned,
  PointsExpired,
  PointsRedeemed,
  PointsReversed,
} from '../src/events.js'
import { availablePoints, defaultLoyaltyPolicy, loyaltyDecider, pendingPoints } from '../src/index.js'
import {
  award,
  clerk,
  doc,
  earn,
  earned,
  enrolled,
  evaluate,
  made,
  redeem,
  refund,
  release,
  T0,
} from './fixtures.js'

const decider = loyaltyDecider()

const spec = deciderSpec(decider)

describe('earning per source document (docs/domain.md §4 会员积分计算)', () => {
  it('earns at the rate of the category: one point per yuan of a repair order', () => {
    spec
      .given([enrolled()])
      .when(earn('repair-order', 'RO-1', 500_00))
      .then([earned('RO-1', 500)])
  })

  it('applies the level multiplier', () => {
    const [event] = spec
      .given([enrolled('gold')])
      .when(earn('repair-order', 'RO-1', 100_00))
      .events()
    expect(event).toMatchObject({
      type: 'PointsEarned',
      data: { points: 150, multiplierPercent: 150, level: 'gold' },
    })
  })

  it('a vehicle purchase earns one point per ten yuan and stays pending until the return window closes', () => {
    const [event] = spec
      .given([enrolled()])
      .when(earn('vehicle-purchase', 'INV-9', 150_000_00))
      .events()
    expect(event).toMatchObject({ data: { points: 15_000, pending: { availableFrom: null } } })
  })

  it('a parts invoice is pending for seven days', () => {
    const [event] = spec
      .given([enrolled()])
      .when(earn('parts-invoice', 'P-1', 200_00))
      .events()
    expect(event).toMatchObject({ data: { pending: { availableFrom: '2026-01-17T09:00:00.000Z' } } })
  })

  it('refuses a spend below the minimum', () => {
    spec
      .given([enrolled()])
      .when(earn('repair-order', 'RO-1', 9_99))
      .thenError('BelowMinimumSpend')
  })

  it('refuses a spend that earns no points at the rate', () => {
    const lowMinimum = deciderSpec(loyaltyDecider({ ...defaultLoyaltyPolicy, minimumSpendFen: 1 }))
    lowMinimum
      .given([enrolled()])
      .when(earn('vehicle-purchase', 'INV-1', 9_00))
      .thenError('NothingToEarn')
  })

  it('is idempotent per source document: the same repair order earns once', () => {
    spec
      .given([enrolled(), earned('RO-1', 500)])
      .when(earn('repair-order', 'RO-1', 500_00))
      .then([])
  })

  it('awards fixed points for a verified referral, which do not count towards the level', () => {
    const [event] = spec
      .given([enrolled()])
      .when(award('referral-reward', 'REF-1', 1_000))
      .events()
    expect(event).toMatchObject({ data: { points: 1_000, qualifyingPoints: 0, amountFen: null } })
  })

  it('every lot expires 24 months after it was earned', () => {
    const [event] = spec
      .given([enrolled()])
      .when(earn('repair-order', 'RO-1', 500_00))
      .events()
    expect(event).toMatchObject({ data: { expiresAt: '2028-01-10T09:00:00.000Z' } })
  })

  it('upgrades in real time when the qualifying points reach the next level', () => {
    const events = spec
      .given([enrolled()])
      .when(earn('repair-order', 'RO-1', 5_000_00))
      .events()
    expect(events[1]).toEqual(
      made(LevelUpgraded, {
        basis: 'qualifying-points',
        measure: 5_000,
        from: 'standard',
        to: 'silver',
        nextReviewAt: '2027-01-10T09:00:00.000Z',
        policyVersion: defaultLoyaltyPolicy.policyVersion,
        at: T0,
      }),
    )
  })
})

describe('pending points (docs/domain.md §5)', () => {
  const purchase = doc('vehicle-purchase', 'INV-9')
  const pendingLot = made(PointsEarned, {
    ...earned('x', 1_000).data,
    lotId: 'vehicle-purchase:INV-9',
    source: purchase,
    qualifyingPoints: 1_000,
    pending: { availableFrom: null },
  })

  it('cannot be redeemed', () => {
    spec.given([enrolled(), pendingLot]).when(redeem('R-1', 1)).thenError('InsufficientPoints')
  })

  it('become spendable when the return window closes', () => {
    spec
      .given([enrolled(), pendingLot])
      .when(release(purchase))
      .then([
        made(PendingPointsReleased, {
          lots: [{ lotId: 'vehicle-purchase:INV-9', points: 1_000 }],
          reason: 'return-window-closed',
          at: T0,
        }),
      ])
  })

  it('are released by the evaluation once the locking period has passed', () => {
    const partsLot = made(PointsEarned, {
      ...earned('x', 200).data,
      lotId: 'parts-invoice:P-1',
      source: doc('parts-invoice', 'P-1'),
      pending: { availableFrom: '2026-01-17T09:00:00.000Z' },
    })
    spec.given([enrolled(), partsLot]).when(evaluate('2026-01-16T09:00:00.000Z')).then([])
    const state = spec.stateAfter([
      enrolled(),
      partsLot,
      ...spec.given([enrolled(), partsLot]).when(evaluate('2026-01-17T09:00:00.000Z')).events(),
    ])
    expect(availablePoints(state)).toBe(200)
    expect(pendingPoints(state)).toBe(0)
  })
})

describe('redemption (docs/domain.md §4 会员积分用途, §5 ledger)', () => {
  const older = earned('RO-1', 100, '2026-01-10T09:00:00.000Z', '2028-01-10T09:00:00.000Z')
  const sooner = earned('RO-2', 100, '2026-02-10T09:00:00.000Z', '2027-06-01T00:00:00.000Z')

  it('draws from the soonest-expiring lot first, not the oldest-created', () => {
    spec
      .given([enrolled(), older, sooner])
      .when(redeem('R-1', 150, '2026-03-01T00:00:00.000Z'))
      .then([
        made(PointsRedeemed, {
          redemptionId: 'R-1' as never,
          reward: 'maintenance-voucher',
          reference: 'voucher-R-1',
          points: 150,
          drawnFrom: [
            { lotId: 'repair-order:RO-2', points: 100 },
            { lotId: 'repair-order:RO-1', points: 50 },
          ],
          at: '2026-03-01T00:00:00.000Z',
          by: clerk,
        }),
      ])
  })

  it('cannot exceed the spendable balance', () => {
    spec.given([enrolled(), older]).when(redeem('R-1', 101)).thenError('InsufficientPoints')
  })

  it('cannot spend a lot whose expiry has come, even before the evaluation ran', () => {
    spec
      .given([enrolled(), older])
      .when(redeem('R-1', 1, '2028-01-10T09:00:00.000Z'))
      .thenError('InsufficientPoints')
  })

  it('records a redemption once', () => {
    const first = spec.given([enrolled(), older]).when(redeem('R-1', 10)).events()
    spec
      .given([enrolled(), older, ...first])
      .when(redeem('R-1', 10))
      .then([])
  })
})

describe('expiry (docs/domain.md §4: lots expire 24 months after earning)', () => {
  const lot = earned('RO-1', 100)

  it('removes exactly what is left of the lot', () => {
    const spent = spec.given([enrolled(), lot]).when(redeem('R-1', 30)).events()
    const events = spec
      .given([enrolled(), lot, ...spent])
      .when(evaluate('2028-01-10T09:00:00.000Z'))
      .events()
    expect(events.filter((e) => e.type === 'PointsExpired')).toEqual([
      made(PointsExpired, {
        lots: [{ lotId: 'repair-order:RO-1', points: 70 }],
        at: '2028-01-10T09:00:00.000Z',
      }),
    ])
  })

  it('takes nothing from a lot not yet expired', () => {
    const events = spec.given([enrolled(), lot]).when(evaluate('2028-01-10T08:59:59.000Z')).events()
    expect(events.filter((e) => e.type === 'PointsExpired')).toEqual([])
  })

  it('refuses an evaluation earlier than the last one', () => {
    const expired = made(PointsExpired, {
      lots: [{ lotId: 'repair-order:RO-1', points: 100 }],
      at: '2028-02-01T00:00:00.000Z',
    })
    spec
      .given([enrolled(), lot, expired])
      .when(evaluate('2028-01-20T00:00:00.000Z'))
      .thenError('EvaluationInThePast')
  })
})

describe('refund of a source document (docs/domain.md §4: reverses exactly what it earned)', () => {
  const lot = earned('RO-1', 100)
  const other = earned('RO-2', 500)

  it('takes back the whole lot when nothing was spent', () => {
    const [event] = spec
      .given([enrolled(), lot])
      .when(refund(doc('repair-order', 'RO-1')))
      .events()
    expect(event).toMatchObject({ data: { points: 100, taken: 100, debtRecorded: 0, writtenOff: 0 } })
  })

  it('takes what remains, then settles the spent part from other lots, then records a debt', () => {
    const spent = spec.given([enrolled(), lot]).when(redeem('R-1', 80)).events()
    spec
      .given([enrolled(), lot, ...spent])
      .when(refund(doc('repair-order', 'RO-1')))
      .then([
        made(PointsReversed, {
          source: doc('repair-order', 'RO-1'),
          reason: 'returned by customer',
          points: 100,
          taken: 20,
          alreadyExpired: 0,
          settledFrom: [],
          debtRecorded: 80,
          writtenOff: 0,
          policyVersion: defaultLoyaltyPolicy.policyVersion,
          at: T0,
          by: clerk,
        }),
      ])
    const [reversal] = spec
      .given([enrolled(), lot, other, ...spent])
      .when(refund(doc('repair-order', 'RO-1')))
      .events()
    expect(reversal).toMatchObject({
      data: { taken: 20, settledFrom: [{ lotId: 'repair-order:RO-2', points: 80 }], debtRecorded: 0 },
    })
  })

  it('writes the spent part off under the write-off policy', () => {
    const writeOff = deciderSpec(loyaltyDecider({ ...defaultLoyaltyPolicy, refundShortfall: 'write-off' }))
    const spent = writeOff.given([enrolled(), lot]).when(redeem('R-1', 80)).events()
    const [event] = writeOff
      .given([enrolled(), lot, other, ...spent])
      .when(refund(doc('repair-order', 'RO-1')))
      .events()
    expect(event).toMatchObject({ data: { taken: 20, settledFrom: [], debtRecorded: 0, writtenOff: 80 } })
  })

  it('new points pay the recorded debt first', () => {
    const spent = spec.given([enrolled(), lot]).when(redeem('R-1', 80)).events()
    const reversal = spec
      .given([enrolled(), lot, ...spent])
      .when(refund(doc('repair-order', 'RO-1')))
      .events()
    const events = spec
      .given([enrolled(), lot, ...spent, ...reversal])
      .when(earn('repair-order', 'RO-3', 300_00))
      .events()
    expect(events[1]).toEqual(
      made(PointsDebtSettled, { lots: [{ lotId: 'repair-order:RO-3', points: 80 }], at: T0 }),
    )
  })

  it('refuses a document that earned nothing', () => {
    spec
      .given([enrolled()])
      .when(refund(doc('repair-order', 'RO-404')))
      .thenError('DocumentNotEarned')
  })
})
