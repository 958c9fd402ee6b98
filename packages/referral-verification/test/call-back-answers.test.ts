import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { referralDecider } from '../src/index.js'
import {
  answers,
  callBackScheduled,
  caller,
  checkAtDelivery,
  closeReview,
  consultant,
  delivered,
  faked,
  historyOf,
  historyUnder,
  inconclusive,
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
  zhangSan,
} from './fixtures.js'

describe('call-back answers (docs/domain.md §2.5, §2.7)', () => {
  it('one wrong answer still verifies', () => {
    const events = spec
      .given(callBackScheduled())
      .when(answers(['right', 'wrong', 'right']))
      .events()
    expect(events.map((e) => e.type)).toEqual(['CallBackAnswered', 'ReferralVerified'])
    expect(events[0]).toMatchObject({ data: { wrongAnswers: 1 } })
  })

  it('two wrong answers mark the referral faked, fine the reporting consultant ¥500 and block the referrer', () => {
    expect(
      spec
        .given(callBackScheduled())
        .when(answers(['wrong', 'wrong', 'right']))
        .events(),
    ).toEqual([
      {
        type: 'CallBackAnswered',
        data: {
          referralId,
          verifier: caller,
          answers: ['wrong', 'wrong', 'right'],
          wrongAnswers: 2,
          at: instant('2026-03-11T09:10:00+08:00'),
        },
      },
      {
        type: 'ReferralFaked',
        data: {
          referralId,
          referrerId: zhangSan.customerId,
          reportedBy: consultant.id,
          wrongAnswers: 2,
          threshold: 2,
          at: instant('2026-03-11T09:10:00+08:00'),
          policyVersion: 'referral-policy-2',
        },
      },
      {
        type: 'FraudPenaltyRecorded',
        data: {
          referralId,
          consultantId: consultant.id,
          amountFen: 50_000,
          at: instant('2026-03-11T09:10:00+08:00'),
          policyVersion: 'referral-policy-2',
        },
      },
      {
        type: 'ReferrerBlocked',
        data: {
          referralId,
          referrerId: zhangSan.customerId,
          at: instant('2026-03-11T09:10:00+08:00'),
          policyVersion: 'referral-policy-2',
        },
      },
    ])
  })

  it('the threshold and the block are policy', () => {
    const policy = policyWith({ wrongAnswersForFake: 3, blockReferrerOnFraud: false })
    const lenient = deciderSpec(referralDecider(policy))
    const scheduled = historyUnder(policy)(register(), screen(), checkAtDelivery(), scheduleCallBack())
    expect(
      lenient
        .given(scheduled)
        .when(answers(['wrong', 'wrong', 'right']))
        .events()
        .map((e) => e.type),
    ).toEqual(['CallBackAnswered', 'ReferralVerified'])
    expect(
      lenient
        .given(scheduled)
        .when(answers(['wrong', 'wrong', 'wrong']))
        .events()
        .map((e) => e.type),
    ).toEqual(['CallBackAnswered', 'ReferralFaked', 'FraudPenaltyRecorded'])
  })

  it('the fine is policy', () => {
    const policy = policyWith({ fraudPenaltyFen: 20_000 })
    const scheduled = historyUnder(policy)(register(), screen(), checkAtDelivery(), scheduleCallBack())
    expect(
      deciderSpec(referralDecider(policy))
        .given(scheduled)
        .when(answers(['wrong', 'wrong', 'wrong']))
        .events(),
    ).toContainEqual(
      expect.objectContaining({
        type: 'FraudPenaltyRecorded',
        data: expect.objectContaining({ amountFen: 20_000 }),
      }),
    )
  })

  it('one answer per question', () => {
    spec
      .given(callBackScheduled())
      .when(answers(['right', 'right']))
      .thenError('AnswersDoNotMatchQuestions')
  })

  it('answers need a scheduled call-back', () => {
    spec
      .given(delivered())
      .when(answers(['right', 'right', 'right']))
      .thenError('NoCallBackScheduled')
  })
})

describe('unreachable callee (docs/domain.md §5 Referrals)', () => {
  it('retries within the budget', () => {
    expect(spec.given(callBackScheduled()).when(unreachable()).events()).toMatchObject([
      { type: 'CallBackUnreachable', data: { attempt: 1 } },
    ])
  })

  it('the budget is policy', () => {
    const policy = policyWith({ callBackAttempts: 1 })
    const scheduled = historyUnder(policy)(register(), screen(), checkAtDelivery(), scheduleCallBack())
    expect(
      deciderSpec(referralDecider(policy))
        .given(scheduled)
        .when(unreachable())
        .events()
        .map((e) => e.type),
    ).toEqual(['CallBackUnreachable', 'VerificationInconclusive'])
  })

  it('the seller may not make the attempts either', () => {
    spec.given(callBackScheduled()).when(unreachable(undefined, consultant)).thenError('VerifierIsSeller')
  })

  it('after the third failed attempt the referral is inconclusive and goes to manual review', () => {
    const history = [...callBackScheduled()]
    for (const c of [unreachable(), unreachable()]) history.push(...spec.given(history).when(c).events())
    expect(spec.given(history).when(unreachable()).events()).toMatchObject([
      { type: 'CallBackUnreachable', data: { attempt: 3 } },
      { type: 'VerificationInconclusive', data: { attempts: 3, queue: 'manual-review' } },
    ])
  })

  it('a manager closes the manual review as not verified: recorded, no fine, nothing more happens', () => {
    const events = spec.given(inconclusive()).when(closeReview()).events()
    expect(events).toEqual([
      {
        type: 'ManualReviewClosed',
        data: {
          referralId,
          by: salesManager,
          reason: 'three calls and a visit: the referrer cannot be reached; no reward',
          at: instant('2026-03-20T09:00:00+08:00'),
          policyVersion: 'referral-policy-2',
        },
      },
    ])
    const closed = [...inconclusive(), ...events]
    expect(spec.stateAfter(closed)).toMatchObject({ stage: 'rejected', rejection: 'review-closed' })
    spec.given(closed).when(releaseReward()).thenError('NotVerified')
    spec.given(closed).when(reopen()).thenError('OutcomeNotFinal')
    spec.given(closed).when(closeReview()).thenError('NotInManualReview')
  })

  it('only a manager closes a manual review, and only of an inconclusive referral', () => {
    spec.given(inconclusive()).when(closeReview(caller)).thenError('RoleNotAllowed')
    spec.given(callBackScheduled()).when(closeReview()).thenError('NotInManualReview')
    spec.given(faked()).when(closeReview()).thenError('NotInManualReview')
  })

  it('or reopens it for a new call-back with a fresh budget', () => {
    const reopened = [...inconclusive(), ...spec.given(inconclusive()).when(reopen()).events()]
    const rescheduled = [...reopened, ...spec.given(reopened).when(scheduleCallBack()).events()]
    expect(spec.given(rescheduled).when(unreachable()).events()).toMatchObject([
      { type: 'CallBackUnreachable', data: { attempt: 1 } },
    ])
  })

  it('an inconclusive referral pays nothing', () => {
    const history = historyOf(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      unreachable(),
      unreachable(),
      unreachable(),
    )
    spec.given(history).when(releaseReward()).thenError('NotVerified')
    spec
      .given(history)
      .when(answers(['right', 'right', 'right']))
      .thenError('NoCallBackScheduled')
  })
})
