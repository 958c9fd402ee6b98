import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { referralDecider } from '../src/index.js'
import {
  answers,
  callBackScheduled,
  caller,
  checkAtDelivery,
  consultant,
  faked,
  historyOf,
  historyUnder,
  instant,
  policyWith,
  referralId,
  register,
  releaseReward,
  reopen,
  salesManager,
  scheduleCallBack,
  screen,
  spec,
  unreachable,
  verified,
  zhangSan,
} from './fixtures.js'

describe('reopening (docs/domain.md §2: outcomes are final)', () => {
  it('a manager may reopen a faked referral for a new call-back; it is recorded', () => {
    const events = spec.given(faked()).when(reopen()).events()
    expect(events).toMatchObject([
      { type: 'ReferralReopened', data: { previousOutcome: 'faked', by: { role: 'sales-manager' } } },
    ])
    const reopened = [...faked(), ...events]
    expect(spec.stateAfter(reopened)).toMatchObject({ stage: 'delivered', callBack: null })
    expect(spec.given(reopened).when(scheduleCallBack()).events()).toHaveLength(1)
  })

  it('not when the referee has since been registered under another referral', () => {
    spec.given(faked()).when(reopen(salesManager, 'referral-later')).thenError('RefereeAlreadyReferred')
  })

  it('not by call-back staff or a consultant', () => {
    spec.given(faked()).when(reopen(caller)).thenError('RoleNotAllowed')
    spec.given(faked()).when(reopen(consultant)).thenError('RoleNotAllowed')
  })

  it('only a final outcome is reopened', () => {
    spec.given(callBackScheduled()).when(reopen()).thenError('OutcomeNotFinal')
  })

  it('not once the reward is paid', () => {
    const paid = [...verified(), ...spec.given(verified()).when(releaseReward()).events()]
    spec.given(paid).when(reopen()).thenError('RewardAlreadyPaid')
  })
})

describe('an overturned fake (docs/domain.md §2 reopen, §2.7 penalties)', () => {
  const recheck = scheduleCallBack({ at: '2026-03-13T09:00:00+08:00' })
  const reopenedFake = () => [...faked(), ...spec.given(faked()).when(reopen()).events()]
  const rechecking = () => [...reopenedFake(), ...spec.given(reopenedFake()).when(recheck).events()]

  it('a reopened fake that passes its new call-back lifts the fine and the block it caused', () => {
    expect(
      spec
        .given(rechecking())
        .when(answers(['right', 'right', 'right'], caller, '2026-03-13T09:10:00+08:00'))
        .events(),
    ).toEqual([
      {
        type: 'CallBackAnswered',
        data: {
          referralId,
          verifier: caller,
          answers: ['right', 'right', 'right'],
          wrongAnswers: 0,
          at: instant('2026-03-13T09:10:00+08:00'),
        },
      },
      {
        type: 'ReferralVerified',
        data: {
          referralId,
          referrerId: zhangSan.customerId,
          wrongAnswers: 0,
          at: instant('2026-03-13T09:10:00+08:00'),
          policyVersion: 'referral-policy-2',
        },
      },
      {
        type: 'FraudPenaltyLifted',
        data: {
          referralId,
          consultantId: consultant.id,
          amountFen: 50_000,
          reason: 'fake-overturned',
          at: instant('2026-03-13T09:10:00+08:00'),
          policyVersion: 'referral-policy-2',
        },
      },
      {
        type: 'ReferrerUnblocked',
        data: {
          referralId,
          referrerId: zhangSan.customerId,
          at: instant('2026-03-13T09:10:00+08:00'),
          policyVersion: 'referral-policy-2',
        },
      },
    ])
  })

  it('the penalty stands while the reopened referral waits for its new call-back', () => {
    expect(spec.stateAfter(rechecking())).toMatchObject({
      stage: 'call-back-scheduled',
      standingPenalty: { consultantId: consultant.id, amountFen: 50_000 },
      blocksReferrer: true,
    })
  })

  it('a fake found again neither fines the consultant twice nor blocks the referrer twice', () => {
    const events = spec
      .given(rechecking())
      .when(answers(['wrong', 'wrong', 'right']))
      .events()
    expect(events.map((e) => e.type)).toEqual(['CallBackAnswered', 'ReferralFaked'])
    expect(spec.stateAfter([...rechecking(), ...events])).toMatchObject({
      stage: 'faked',
      standingPenalty: { amountFen: 50_000 },
      blocksReferrer: true,
    })
  })

  it('an overturned fake is paid like any verified referral', () => {
    const overturned = [
      ...rechecking(),
      ...spec
        .given(rechecking())
        .when(answers(['right', 'right', 'right']))
        .events(),
    ]
    expect(spec.given(overturned).when(releaseReward()).events()).toMatchObject([{ type: 'RewardReleased' }])
  })

  it('without the block policy only the fine is lifted', () => {
    const policy = policyWith({ blockReferrerOnFraud: false })
    const lenient = deciderSpec(referralDecider(policy))
    const history = historyUnder(policy)(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['wrong', 'wrong', 'wrong']),
      reopen(),
      recheck,
    )
    expect(
      lenient
        .given(history)
        .when(answers(['right', 'right', 'right']))
        .events()
        .map((e) => e.type),
    ).toEqual(['CallBackAnswered', 'ReferralVerified', 'FraudPenaltyLifted'])
  })

  it('a reopened verification found faked is fined as a first fake', () => {
    const reopenedPass = historyOf(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['right', 'right', 'right']),
      reopen(),
      recheck,
    )
    expect(
      spec
        .given(reopenedPass)
        .when(answers(['wrong', 'wrong', 'wrong']))
        .events()
        .map((e) => e.type),
    ).toEqual(['CallBackAnswered', 'ReferralFaked', 'FraudPenaltyRecorded', 'ReferrerBlocked'])
  })

  it('an inconclusive re-check leaves the penalty standing', () => {
    const history = [...rechecking()]
    for (const c of [unreachable(), unreachable(), unreachable()])
      history.push(...spec.given(history).when(c).events())
    expect(history.map((e) => e.type)).not.toContain('FraudPenaltyLifted')
    expect(spec.stateAfter(history)).toMatchObject({
      stage: 'inconclusive',
      standingPenalty: { amountFen: 50_000 },
    })
  })
})
