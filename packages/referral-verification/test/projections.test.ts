import { project } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  callBackQueueProjection,
  callsDueOn,
  consultantsByFraud,
  fraudReportProjection,
  liveReferralOf,
  type ReferralEvent,
  refereeReferralsProjection,
  referralMetricsProjection,
  referralMetricsSummary,
} from '../src/index.js'
import {
  closeReview,
  consultant,
  fourReferrals,
  historyFor,
  historyOf,
  instant,
  liSi,
  otherConsultant,
  referralA,
  referralB,
  referralBCalledAgain,
  referralBReopened,
  referralC,
  referralD,
  register,
  storedStreams,
  unreachable,
  upToTheCall,
  wangWu,
  zhangSan,
  zhaoLiu,
} from './fixtures.js'

describe('call-back queue (docs/domain.md §2.5, §5 Referrals)', () => {
  it('shows whom to call, about whom, and the drawn questions', () => {
    const queue = project(
      callBackQueueProjection,
      storedStreams(historyFor('referral-a', ...upToTheCall('referral-a', liSi))),
    )
    const [call] = callsDueOn(queue, instant('2026-03-11T10:00:00+08:00'))
    expect(call).toMatchObject({
      referralId: 'referral-a',
      callee: 'referee',
      phone: { customerId: liSi.customerId, name: '李四', phone: liSi.phone },
      about: { customerId: zhangSan.customerId, name: '张三', vehicle: zhangSan.vehicle },
      questions: [
        { kind: 'ask', topic: 'workplace' },
        { kind: 'ask', topic: 'how-they-know-each-other' },
        { kind: 'false-statement', asserted: { model: 'Jetta', colour: 'black', gearbox: null } },
      ],
    })
  })

  it('a callee not reached today is called again tomorrow', () => {
    const queue = project(
      callBackQueueProjection,
      storedStreams(historyFor('referral-a', ...upToTheCall('referral-a', liSi), unreachable())),
    )
    expect(callsDueOn(queue, instant('2026-03-11T15:59:00Z'))).toEqual([])
    expect(callsDueOn(queue, instant('2026-03-11T16:00:00Z'))).toHaveLength(1)
    expect(callsDueOn(queue, instant('2026-03-12T09:00:00+08:00'))).toMatchObject([
      { unreachableAttempts: 1 },
    ])
  })

  it('answered calls leave the queue; inconclusive ones go to manual review', () => {
    const queue = project(callBackQueueProjection, fourReferrals)
    expect(Object.keys(queue.calls)).toEqual([])
    expect(queue.manualReview).toEqual({
      'referral-c': { referralId: 'referral-c', attempts: 3, since: instant('2026-03-11T09:10:00+08:00') },
    })
  })

  it('a manual review a manager closed leaves the queue', () => {
    const closed = historyFor(
      'referral-c',
      ...upToTheCall('referral-c', zhaoLiu),
      unreachable(),
      unreachable(),
      unreachable(),
      closeReview(),
    )
    expect(project(callBackQueueProjection, storedStreams(closed)).manualReview).toEqual({})
  })

  it('a forgotten person shows as erased', () => {
    const [registered, ...rest] = historyFor('referral-a', ...upToTheCall('referral-a', liSi))
    if (registered?.type !== 'ReferralRegistered') throw new Error('expected the registration first')
    const erased = { erased: true, subjectId: liSi.customerId } as const
    const forgotten: ReferralEvent = {
      ...registered,
      data: { ...registered.data, referee: { ...registered.data.referee, name: erased, phone: erased } },
    }
    const queue = project(callBackQueueProjection, storedStreams([forgotten, ...rest]))
    expect(queue.calls['referral-a']?.phone).toMatchObject({ name: erased, phone: erased })
  })
})

describe('fraud report by consultant (docs/domain.md §2.7)', () => {
  it('records each faked referral and its fine against the consultant who reported it', () => {
    const report = project(fraudReportProjection, fourReferrals)
    expect(consultantsByFraud(report)).toEqual([
      {
        consultantId: otherConsultant.id,
        reported: 1,
        faked: ['referral-b'],
        penaltiesFen: 50_000,
        reopened: [],
        overturned: [],
      },
      { consultantId: consultant.id, reported: 3, faked: [], penaltiesFen: 0, reopened: [], overturned: [] },
    ])
  })

  it('marks a faked referral reopened by a manager; its fine stands meanwhile', () => {
    expect(
      project(fraudReportProjection, storedStreams(referralBReopened)).consultants[otherConsultant.id],
    ).toMatchObject({
      faked: ['referral-b'],
      penaltiesFen: 50_000,
      reopened: ['referral-b'],
    })
  })

  it('a fake overturned by the new call-back lifts its fine', () => {
    const history = referralBCalledAgain(['right', 'right', 'right'])
    expect(project(fraudReportProjection, storedStreams(history)).consultants[otherConsultant.id]).toEqual({
      consultantId: otherConsultant.id,
      reported: 1,
      faked: [],
      penaltiesFen: 0,
      reopened: [],
      overturned: ['referral-b'],
    })
  })

  it('a fake confirmed by the new call-back keeps one fine and leaves the reopened list', () => {
    const history = referralBCalledAgain(['wrong', 'wrong', 'wrong'])
    expect(
      project(fraudReportProjection, storedStreams(history)).consultants[otherConsultant.id],
    ).toMatchObject({
      faked: ['referral-b'],
      penaltiesFen: 50_000,
      reopened: [],
      overturned: [],
    })
  })
})

describe('referral metrics', () => {
  it('conversion, verification pass rate, fraud rate and time from delivery to reward', () => {
    const late = historyOf(
      register({ referralId: 'referral-late', refereeDeliveredAt: '2026-02-20T10:00:00+08:00' }),
    )
    const metrics = project(
      referralMetricsProjection,
      storedStreams(referralA, referralB, referralC, referralD, late),
    )
    expect(metrics).toMatchObject({
      claims: 5,
      lateClaims: 1,
      verified: 2,
      faked: 1,
      inconclusive: 1,
      rewarded: 2,
      clawedBack: 1,
    })
    const summary = referralMetricsSummary(metrics)
    expect(summary.conversion).toBeCloseTo(1 / 5)
    expect(summary.verificationPassRate).toBeCloseTo(2 / 4)
    expect(summary.fraudRate).toBeCloseTo(1 / 4)
    // Delivered 10 March 15:00, rewarded 12 March 10:00: 1.79 days.
    expect(summary.meanDaysFromDeliveryToReward).toBeCloseTo(43 / 24)
  })

  it('counts a referral by its current outcome: an overturned fake is one verified referral', () => {
    const overturned = referralBCalledAgain(['right', 'right', 'right'])
    const metrics = project(referralMetricsProjection, storedStreams(overturned))
    expect(metrics).toMatchObject({ claims: 1, verified: 1, faked: 0, inconclusive: 0, reopened: 1 })
    expect(referralMetricsSummary(metrics)).toMatchObject({ verificationPassRate: 1, fraudRate: 0 })
  })

  it('has no rates before any referral', () => {
    expect(referralMetricsSummary(referralMetricsProjection.init())).toEqual({
      conversion: null,
      verificationPassRate: null,
      fraudRate: null,
      meanDaysFromDeliveryToReward: null,
    })
  })
})

describe('referee lookup for "one referrer per referee" (docs/domain.md §2, §5 Referrals)', () => {
  it('names the earliest live referral of a referee, by customer or by phone, and frees it when it fails', () => {
    const lookup = project(refereeReferralsProjection, fourReferrals)
    expect(liveReferralOf(lookup, { customerId: liSi.customerId, phoneHash: liSi.phoneHash })).toBe(
      'referral-a',
    )
    expect(liveReferralOf(lookup, { customerId: 'customer-new', phoneHash: liSi.phoneHash })).toBe(
      'referral-a',
    )
    expect(liveReferralOf(lookup, { customerId: wangWu.customerId, phoneHash: wangWu.phoneHash })).toBeNull()
    expect(liveReferralOf(lookup, { customerId: zhaoLiu.customerId, phoneHash: zhaoLiu.phoneHash })).toBe(
      'referral-c',
    )
    expect(liveReferralOf(lookup, { customerId: 'customer-li-si-2', phoneHash: 'e'.repeat(64) })).toBeNull()
  })

  it('a closed manual review frees the referee for another referrer', () => {
    const closed = historyFor(
      'referral-c',
      ...upToTheCall('referral-c', zhaoLiu),
      unreachable(),
      unreachable(),
      unreachable(),
      closeReview(),
    )
    const lookup = project(refereeReferralsProjection, storedStreams(closed))
    expect(
      liveReferralOf(lookup, { customerId: zhaoLiu.customerId, phoneHash: zhaoLiu.phoneHash }),
    ).toBeNull()
  })
})
