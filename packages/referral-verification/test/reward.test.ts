import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { defaultReferralPolicy, referralDecider } from '../src/index.js'
import {
  answers,
  checkAtDelivery,
  faked,
  historyOf,
  historyUnder,
  policyWith,
  register,
  releaseReward,
  reopen,
  saleReturned,
  scheduleCallBack,
  screen,
  spec,
  verified,
} from './fixtures.js'

describe('reward (docs/domain.md §2.6, §5 Referrals)', () => {
  it('is released after a passed verification, at the value of the referrer’s tier', () => {
    expect(spec.given(verified()).when(releaseReward('cash-back')).events()).toMatchObject([
      {
        type: 'RewardReleased',
        data: { tier: 'standard', nthSuccessfulReferral: 1, reward: { kind: 'cash-back', valueFen: 50_000 } },
      },
    ])
  })

  it('a referrer’s sixth successful referral earns the gold tier', () => {
    expect(
      spec
        .given(verified())
        .when(releaseReward('purchase-voucher', { successfulReferralsBefore: 5, blocked: false }))
        .events(),
    ).toMatchObject([{ data: { tier: 'gold', reward: { kind: 'purchase-voucher', valueFen: 200_000 } } }])
  })

  it('loyalty points are announced for the loyalty package, not booked here', () => {
    expect(spec.given(verified()).when(releaseReward('loyalty-points')).events()).toMatchObject([
      { type: 'RewardReleased', data: { reward: { kind: 'loyalty-points', points: 5_000 } } },
    ])
  })

  it('is paid once', () => {
    const paid = [...verified(), ...spec.given(verified()).when(releaseReward()).events()]
    spec.given(paid).when(releaseReward()).thenError('RewardAlreadyReleased')
  })

  it('never for a faked referral', () => {
    spec.given(faked()).when(releaseReward()).thenError('NotVerified')
  })

  it('never to a blocked referrer', () => {
    spec
      .given(verified())
      .when(releaseReward('gift', { successfulReferralsBefore: 1, blocked: true }))
      .thenError('ReferrerBlocked')
  })

  it('waits for the hold period after delivery when the policy has one', () => {
    const policy = policyWith({ rewardHoldDays: 7 })
    const held = deciderSpec(referralDecider(policy))
    const history = historyUnder(policy)(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['right', 'right', 'right']),
    )
    held
      .given(history)
      .when(releaseReward('gift', undefined, '2026-03-16T15:00:00+08:00'))
      .thenError('RewardOnHold')
    expect(
      held
        .given(history)
        .when(releaseReward('gift', undefined, '2026-03-17T15:00:00+08:00'))
        .events(),
    ).toHaveLength(1)
  })

  it('a policy without a tier for the first referral pays nothing', () => {
    const policy = {
      ...defaultReferralPolicy,
      rewardTiers: defaultReferralPolicy.rewardTiers.filter((t) => t.fromSuccessfulReferral > 1),
    }
    const tiered = deciderSpec(referralDecider(policy))
    const history = historyUnder(policy)(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['right', 'right', 'right']),
    )
    tiered.given(history).when(releaseReward()).thenError('NoRewardTier')
  })
})

describe('returned or cancelled sale (docs/domain.md §5 Referrals)', () => {
  it('voids an unpaid referral within the window', () => {
    expect(spec.given(verified()).when(saleReturned()).events()).toMatchObject([
      { type: 'ReferralVoided', data: { reason: 'sale-returned' } },
    ])
  })

  it('claws back a paid reward', () => {
    const paid = [...verified(), ...spec.given(verified()).when(releaseReward('cash-back')).events()]
    expect(spec.given(paid).when(saleReturned()).events()).toMatchObject([
      { type: 'ReferralVoided' },
      { type: 'RewardClawedBack', data: { reward: { kind: 'cash-back', valueFen: 50_000 } } },
    ])
  })

  it('a sale cancelled before delivery voids the referral', () => {
    expect(
      spec.given(historyOf(register())).when(saleReturned('2026-03-02T10:00:00+08:00', 'cancelled')).events(),
    ).toMatchObject([{ type: 'ReferralVoided', data: { reason: 'sale-cancelled' } }])
  })

  it('after the window the referral stands (delivered 10 March 15:00, 30 days)', () => {
    expect(spec.given(verified()).when(saleReturned('2026-04-09T15:00:00+08:00')).events()).toHaveLength(1)
    spec.given(verified()).when(saleReturned('2026-04-09T15:00:01+08:00')).thenError('ReturnWindowClosed')
  })

  it('the window is policy', () => {
    const policy = policyWith({ returnWindowDays: 7 })
    const history = historyUnder(policy)(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['right', 'right', 'right']),
    )
    deciderSpec(referralDecider(policy))
      .given(history)
      .when(saleReturned('2026-03-17T15:00:01+08:00'))
      .thenError('ReturnWindowClosed')
  })

  it('a voided referral cannot be voided, paid or reopened', () => {
    const voided = [...verified(), ...spec.given(verified()).when(saleReturned()).events()]
    spec.given(voided).when(saleReturned()).thenError('NothingToVoid')
    spec.given(voided).when(releaseReward()).thenError('NotVerified')
    spec.given(voided).when(reopen()).thenError('OutcomeNotFinal')
  })
})
