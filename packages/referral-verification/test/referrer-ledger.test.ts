import { project } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { referrerLedgerProjection, referrerStanding } from '../src/index.js'
import {
  answers,
  checkAtDelivery,
  fourReferrals,
  historyFor,
  historyUnder,
  liSi,
  policyWith,
  referralBCalledAgain,
  referralId,
  register,
  releaseReward,
  scheduleCallBack,
  screen,
  storedStreams,
  upToTheCall,
  zhangSan,
  zhaoLiu,
} from './fixtures.js'

describe('referrer ledger (docs/domain.md §2.6, §5 Referrals)', () => {
  const ledger = project(referrerLedgerProjection, fourReferrals)
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
      storedStreams(
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
  const overturnedB = referralBCalledAgain(['right', 'right', 'right'])
  const fakedE = historyFor(
    'referral-e',
    ...upToTheCall('referral-e', zhaoLiu),
    answers(['wrong', 'wrong', 'wrong']),
  )

  it('the referrer is unblocked and the overturned referral counts as successful and pending', () => {
    expect(
      project(referrerLedgerProjection, storedStreams(overturnedB)).accounts[zhangSan.customerId],
    ).toMatchObject({
      successful: ['referral-b'],
      pending: ['referral-b'],
      blocked: false,
      blockedBy: [],
    })
  })

  it('another fake that still stands keeps the referrer blocked', () => {
    const ledger = project(referrerLedgerProjection, storedStreams(fakedE, overturnedB))
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
      project(referrerLedgerProjection, storedStreams(verifiedUnderHold)).accounts[zhangSan.customerId],
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
    expect(
      project(referrerLedgerProjection, storedStreams(paid)).accounts[zhangSan.customerId],
    ).toMatchObject({
      pending: [],
      payableFrom: {},
    })
  })
})
