import { project, type RecordedEvent } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  callBackQueue,
  callsDueOn,
  consultantsByFraud,
  fraudReport,
  liveReferralOf,
  type ReferralCommand,
  type ReferralEvent,
  refereeReferrals,
  referralMetrics,
  referralMetricsSummary,
  referrerLedger,
  referrerStanding,
} from '../src/index.js'
import {
  answers,
  checkAtDelivery,
  command,
  consultant,
  historyOf,
  liSi,
  recorded,
  register,
  releaseReward,
  saleReturned,
  scheduleCallBack,
  screen,
  unreachable,
  zhangSan,
} from './fixtures.js'

const wangWu = {
  customerId: 'customer-wang-wu',
  name: '王五',
  phone: '13700137000',
  phoneHash: 'c'.repeat(64),
  purchase: { model: 'Passat', colour: 'black', gearbox: null },
}
const zhaoLiu = {
  ...wangWu,
  customerId: 'customer-zhao-liu',
  name: '赵六',
  phone: '13600136000',
  phoneHash: 'd'.repeat(64),
}
const otherConsultant = { id: 'consultant-sun', role: 'sales-consultant' }

/** The fixture's commands, aimed at another referral. */
const aimedAt = (referralId: string, c: ReferralCommand) => command({ ...c, data: { ...c.data, referralId } })

const upToTheCall = (referralId: string, referee: object, reportedBy: object = consultant) => [
  register({ referralId, referee, reportedBy }),
  screen(),
  checkAtDelivery(),
  scheduleCallBack(),
]

const historyFor = (referralId: string, ...commands: ReadonlyArray<ReferralCommand>) =>
  historyOf(...commands.map((c) => aimedAt(referralId, c)))

// Four referrals by Zhang San: A paid, B faked, C unreachable three times, D paid then the sale came back.
const referralA = historyFor(
  'referral-a',
  ...upToTheCall('referral-a', liSi),
  answers(['right', 'right', 'right']),
  releaseReward('cash-back'),
)
const referralB = historyFor(
  'referral-b',
  ...upToTheCall('referral-b', wangWu, otherConsultant),
  answers(['wrong', 'wrong', 'right']),
)
const referralC = historyFor(
  'referral-c',
  ...upToTheCall('referral-c', zhaoLiu),
  unreachable(),
  unreachable(),
  unreachable(),
)
const referralD = historyFor(
  'referral-d',
  ...upToTheCall('referral-d', { ...liSi, customerId: 'customer-li-si-2', phoneHash: 'e'.repeat(64) }),
  answers(['right', 'wrong', 'right']),
  releaseReward('loyalty-points'),
  saleReturned(),
)

const store = (
  ...streams: ReadonlyArray<ReadonlyArray<ReferralEvent>>
): ReadonlyArray<RecordedEvent<ReferralEvent>> => {
  let position = 1
  return streams.flatMap((events) => {
    const first = events[0]
    const id = first === undefined ? 'empty' : first.data.referralId
    const stored = recorded(events, `referral-${id}`, undefined, position)
    position += events.length
    return stored
  })
}

const all = store(referralA, referralB, referralC, referralD)

describe('call-back queue (DOMAIN.md §2.5, §5 Referrals)', () => {
  it('shows whom to call, about whom, and the drawn questions', () => {
    const queue = project(callBackQueue, store(historyFor('referral-a', ...upToTheCall('referral-a', liSi))))
    const [call] = callsDueOn(queue, '2026-03-11T10:00:00+08:00')
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
      callBackQueue,
      store(historyFor('referral-a', ...upToTheCall('referral-a', liSi), unreachable())),
    )
    expect(callsDueOn(queue, '2026-03-11T15:59:00Z')).toEqual([])
    expect(callsDueOn(queue, '2026-03-11T16:00:00Z')).toHaveLength(1)
    expect(callsDueOn(queue, '2026-03-12T09:00:00+08:00')).toMatchObject([{ unreachableAttempts: 1 }])
  })

  it('answered calls leave the queue; inconclusive ones go to manual review', () => {
    const queue = project(callBackQueue, all)
    expect(Object.keys(queue.calls)).toEqual([])
    expect(queue.manualReview).toEqual({
      'referral-c': { referralId: 'referral-c', attempts: 3, since: '2026-03-11T09:10:00+08:00' },
    })
  })

  it('a forgotten person shows as erased', () => {
    const [registered, ...rest] = historyFor('referral-a', ...upToTheCall('referral-a', liSi))
    if (registered?.type !== 'ReferralRegistered') throw new Error('expected the registration first')
    const erased = { erased: true, subjectId: liSi.customerId } as const
    const forgotten: ReferralEvent = {
      ...registered,
      data: { ...registered.data, referee: { ...registered.data.referee, name: erased, phone: erased } },
    }
    const queue = project(callBackQueue, store([forgotten, ...rest]))
    expect(queue.calls['referral-a']?.phone).toMatchObject({ name: erased, phone: erased })
  })
})

describe('referrer ledger (DOMAIN.md §2.6, §5 Referrals)', () => {
  const ledger = project(referrerLedger, all)
  const account = ledger.accounts[zhangSan.customerId]

  it('counts successful referrals, the tier, and rewards paid, pending and clawed back', () => {
    expect(account).toMatchObject({
      successful: ['referral-a'],
      tier: 'standard',
      pending: [],
      paidFen: 50_000,
      paidPoints: 0,
      clawedBack: [{ referralId: 'referral-d', reward: { kind: 'loyalty-points', points: 5_000 } }],
      blocked: true,
    })
    expect(account?.paid).toHaveLength(2)
  })

  it('a verified referral waits in pending until its reward is paid', () => {
    const pending = project(
      referrerLedger,
      store(
        historyFor('referral-a', ...upToTheCall('referral-a', liSi), answers(['right', 'right', 'right'])),
      ),
    )
    expect(pending.accounts[zhangSan.customerId]?.pending).toEqual(['referral-a'])
  })

  it('gives the standing the application passes to ReleaseReward', () => {
    expect(referrerStanding(ledger, zhangSan.customerId, 'referral-new')).toEqual({
      successfulReferralsBefore: 1,
      blocked: true,
    })
    expect(referrerStanding(ledger, 'customer-unknown', 'referral-new')).toEqual({
      successfulReferralsBefore: 0,
      blocked: false,
    })
  })
})

describe('fraud report by consultant (DOMAIN.md §2.7)', () => {
  it('records each faked referral and its fine against the consultant who reported it', () => {
    const report = project(fraudReport, all)
    expect(consultantsByFraud(report)).toEqual([
      {
        consultantId: otherConsultant.id,
        reported: 1,
        faked: ['referral-b'],
        penaltiesFen: 50_000,
        reopened: [],
      },
      { consultantId: consultant.id, reported: 3, faked: [], penaltiesFen: 0, reopened: [] },
    ])
  })

  it('marks a faked referral reopened by a manager', () => {
    const reopened = historyFor(
      'referral-b',
      ...upToTheCall('referral-b', wangWu, otherConsultant),
      answers(['wrong', 'wrong', 'right']),
      command({
        type: 'ReopenReferral',
        data: {
          referralId: 'referral-b',
          by: { id: 'sales-manager-he', role: 'sales-manager' },
          reason: 'the referee misheard the question',
          refereeLiveReferralId: null,
          at: '2026-03-12T09:00:00+08:00',
        },
      }),
    )
    expect(project(fraudReport, store(reopened)).consultants[otherConsultant.id]?.reopened).toEqual([
      'referral-b',
    ])
  })
})

describe('referral metrics', () => {
  it('conversion, verification pass rate, fraud rate and time from delivery to reward', () => {
    const late = historyOf(
      register({ referralId: 'referral-late', refereeDeliveredAt: '2026-02-20T10:00:00+08:00' }),
    )
    const metrics = project(referralMetrics, store(referralA, referralB, referralC, referralD, late))
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

  it('has no rates before any referral', () => {
    expect(referralMetricsSummary(referralMetrics.init())).toEqual({
      conversion: null,
      verificationPassRate: null,
      fraudRate: null,
      meanDaysFromDeliveryToReward: null,
    })
  })
})

describe('referee lookup for "one referrer per referee" (DOMAIN.md §2, §5 Referrals)', () => {
  it('names the earliest live referral of a referee, by customer or by phone, and frees it when it fails', () => {
    const lookup = project(refereeReferrals, all)
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
})
