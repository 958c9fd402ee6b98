import { project, type RecordedEvent } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  callBackQueueProjection,
  callsDueOn,
  consultantsByFraud,
  fraudReportProjection,
  liveReferralOf,
  type ReferralCommand,
  type ReferralEvent,
  refereeReferralsProjection,
  referralMetricsProjection,
  referralMetricsSummary,
  referrerLedgerProjection,
  referrerStanding,
} from '../src/index.js'
import {
  answers,
  checkAtDelivery,
  closeReview,
  command,
  consultant,
  historyOf,
  historyUnder,
  instant,
  liSi,
  policyWith,
  recorded,
  referralId,
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

const reopenB = command({
  type: 'ReopenReferral',
  data: {
    referralId: 'referral-b',
    by: { id: 'sales-manager-he', role: 'sales-manager' },
    reason: 'the referee misheard the question',
    refereeLiveReferralId: null,
    at: '2026-03-12T09:00:00+08:00',
  },
})

const referralBReopened = historyFor(
  'referral-b',
  ...upToTheCall('referral-b', wangWu, otherConsultant),
  answers(['wrong', 'wrong', 'right']),
  reopenB,
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

describe('call-back queue (docs/domain.md §2.5, §5 Referrals)', () => {
  it('shows whom to call, about whom, and the drawn questions', () => {
    const queue = project(
      callBackQueueProjection,
      store(historyFor('referral-a', ...upToTheCall('referral-a', liSi))),
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
      store(historyFor('referral-a', ...upToTheCall('referral-a', liSi), unreachable())),
    )
    expect(callsDueOn(queue, instant('2026-03-11T15:59:00Z'))).toEqual([])
    expect(callsDueOn(queue, instant('2026-03-11T16:00:00Z'))).toHaveLength(1)
    expect(callsDueOn(queue, instant('2026-03-12T09:00:00+08:00'))).toMatchObject([
      { unreachableAttempts: 1 },
    ])
  })

  it('answered calls leave the queue; inconclusive ones go to manual review', () => {
    const queue = project(callBackQueueProjection, all)
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
    expect(project(callBackQueueProjection, store(closed)).manualReview).toEqual({})
  })

  it('a forgotten person shows as erased', () => {
    const [registered, ...rest] = historyFor('referral-a', ...upToTheCall('referral-a', liSi))
    if (registered?.type !== 'ReferralRegistered') throw new Error('expected the registration first')
    const erased = { erased: true, subjectId: liSi.customerId } as const
    const forgotten: ReferralEvent = {
      ...registered,
      data: { ...registered.data, referee: { ...registered.data.referee, name: erased, phone: erased } },
    }
    const queue = project(callBackQueueProjection, store([forgotten, ...rest]))
    expect(queue.calls['referral-a']?.phone).toMatchObject({ name: erased, phone: erased })
  })
})

describe('referrer ledger (docs/domain.md §2.6, §5 Referrals)', () => {
  const ledger = project(referrerLedgerProjection, all)
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
      referrerLedgerProjection,
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

describe('referrer ledger after a fake is overturned (docs/domain.md §2, §2.7)', () => {
  const overturnedB = historyOf(
    ...[
      ...upToTheCall('referral-b', wangWu, otherConsultant),
      answers(['wrong', 'wrong', 'right']),
      reopenB,
      scheduleCallBack(),
      answers(['right', 'right', 'right']),
    ].map((c) => aimedAt('referral-b', c)),
  )
  const fakedE = historyFor(
    'referral-e',
    ...upToTheCall('referral-e', zhaoLiu),
    answers(['wrong', 'wrong', 'wrong']),
  )

  it('the referrer is unblocked and the overturned referral counts as successful and pending', () => {
    expect(project(referrerLedgerProjection, store(overturnedB)).accounts[zhangSan.customerId]).toMatchObject(
      {
        successful: ['referral-b'],
        pending: ['referral-b'],
        blocked: false,
        blockedBy: [],
      },
    )
  })

  it('another fake that still stands keeps the referrer blocked', () => {
    const ledger = project(referrerLedgerProjection, store(fakedE, overturnedB))
    expect(ledger.accounts[zhangSan.customerId]).toMatchObject({ blocked: true, blockedBy: ['referral-e'] })
    expect(referrerStanding(ledger, zhangSan.customerId, 'referral-b')).toEqual({
      successfulReferralsBefore: 0,
      blocked: true,
    })
  })
})

describe('referrer ledger with a reward hold (docs/domain.md §5 Referrals)', () => {
  const policy = policyWith({ rewardHoldDays: 7 })
  const verifiedUnderHold = historyUnder(policy)(
    register(),
    screen(),
    checkAtDelivery(),
    scheduleCallBack(),
    answers(['right', 'right', 'right']),
  )

  it('shows when each pending reward may be paid: delivery (10 March 15:00 CST) plus the hold', () => {
    expect(
      project(referrerLedgerProjection, store(verifiedUnderHold)).accounts[zhangSan.customerId],
    ).toMatchObject({
      pending: [referralId],
      payableFrom: { [referralId]: '2026-03-17T07:00:00.000Z' },
    })
  })

  it('a paid reward leaves the list', () => {
    const paid = historyUnder(policy)(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['right', 'right', 'right']),
      releaseReward('gift', undefined, '2026-03-17T15:00:00+08:00'),
    )
    expect(project(referrerLedgerProjection, store(paid)).accounts[zhangSan.customerId]).toMatchObject({
      pending: [],
      payableFrom: {},
    })
  })
})

describe('fraud report by consultant (docs/domain.md §2.7)', () => {
  it('records each faked referral and its fine against the consultant who reported it', () => {
    const report = project(fraudReportProjection, all)
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
      project(fraudReportProjection, store(referralBReopened)).consultants[otherConsultant.id],
    ).toMatchObject({
      faked: ['referral-b'],
      penaltiesFen: 50_000,
      reopened: ['referral-b'],
    })
  })

  it('a fake overturned by the new call-back lifts its fine', () => {
    const history = historyOf(
      ...[
        ...upToTheCall('referral-b', wangWu, otherConsultant),
        answers(['wrong', 'wrong', 'right']),
        reopenB,
        scheduleCallBack(),
        answers(['right', 'right', 'right']),
      ].map((c) => aimedAt('referral-b', c)),
    )
    expect(project(fraudReportProjection, store(history)).consultants[otherConsultant.id]).toEqual({
      consultantId: otherConsultant.id,
      reported: 1,
      faked: [],
      penaltiesFen: 0,
      reopened: [],
      overturned: ['referral-b'],
    })
  })

  it('a fake confirmed by the new call-back keeps one fine and leaves the reopened list', () => {
    const history = historyOf(
      ...[
        ...upToTheCall('referral-b', wangWu, otherConsultant),
        answers(['wrong', 'wrong', 'right']),
        reopenB,
        scheduleCallBack(),
        answers(['wrong', 'wrong', 'wrong']),
      ].map((c) => aimedAt('referral-b', c)),
    )
    expect(project(fraudReportProjection, store(history)).consultants[otherConsultant.id]).toMatchObject({
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
      store(referralA, referralB, referralC, referralD, late),
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
    const overturned = historyOf(
      ...[
        ...upToTheCall('referral-b', wangWu, otherConsultant),
        answers(['wrong', 'wrong', 'right']),
        reopenB,
        scheduleCallBack(),
        answers(['right', 'right', 'right']),
      ].map((c) => aimedAt('referral-b', c)),
    )
    const metrics = project(referralMetricsProjection, store(overturned))
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
    const lookup = project(refereeReferralsProjection, all)
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
    const lookup = project(refereeReferralsProjection, store(closed))
    expect(
      liveReferralOf(lookup, { customerId: zhaoLiu.customerId, phoneHash: zhaoLiu.phoneHash }),
    ).toBeNull()
  })
})
