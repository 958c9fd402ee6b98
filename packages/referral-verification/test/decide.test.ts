import { normalizePhone } from '@dealer-crm/eventsourcing'
import { deciderSpec } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultReferralPolicy, type ReferralPolicy, referralDecider } from '../src/index.js'
import { referralPhoneArb, referralPhoneNotationArb } from '../src/testing.js'
import {
  answers,
  blackJetta,
  callBackScheduled,
  caller,
  checkAtDelivery,
  closeReview,
  command,
  consultant,
  delivered,
  dutyManager,
  faked,
  historyOf,
  historyUnder,
  inconclusive,
  instant,
  liSi,
  phoneHash,
  policyWith,
  referralId,
  register,
  releaseReward,
  reopen,
  saleReturned,
  salesManager,
  scheduleCallBack,
  screen,
  showroomManager,
  unreachable,
  verified,
  zhangSan,
} from './fixtures.js'

const decider = referralDecider()

const spec = deciderSpec(decider)

describe('advance registration (docs/domain.md §2.1)', () => {
  it('records the referrer facts as personal data of the referrer, and the policy it is registered under', () => {
    expect(spec.given([]).when(register()).events()).toEqual([
      {
        type: 'ReferralRegistered',
        data: {
          referralId,
          registeredAt: instant('2026-03-01T10:00:00+08:00'),
          reportedBy: consultant,
          registeredBy: dutyManager,
          referee: {
            subjectId: liSi.customerId,
            phoneHash: liSi.phoneHash,
            name: liSi.name,
            phone: liSi.phone,
            purchase: liSi.purchase,
          },
          referrer: {
            subjectId: zhangSan.customerId,
            phoneHash: zhangSan.phoneHash,
            name: zhangSan.name,
            phone: zhangSan.phone,
            vehicle: zhangSan.vehicle,
          },
          policy: defaultReferralPolicy,
        },
      },
    ])
  })

  it('is done by the duty manager, not the consultant who reports it', () => {
    spec
      .given([])
      .when(register({ registeredBy: consultant }))
      .thenError('RoleNotAllowed')
  })

  it('is reported by the sales consultant (销售顾问报告), not by a manager or the call-back staff', () => {
    spec
      .given([])
      .when(register({ reportedBy: dutyManager }))
      .thenError('RoleNotAllowed')
    spec
      .given([])
      .when(register({ reportedBy: caller }))
      .thenError('RoleNotAllowed')
  })

  it('who may report is policy; a policy recorded without the setting allows the sales consultant only', () => {
    const managersToo: ReferralPolicy = {
      ...defaultReferralPolicy,
      reportingRoles: ['sales-consultant', 'sales-manager'],
    }
    const byManager = register({ reportedBy: salesManager })
    expect(deciderSpec(referralDecider(managersToo)).given([]).when(byManager).events()).toHaveLength(1)
    const { reportingRoles: _, ...olderPolicy } = defaultReferralPolicy
    deciderSpec(referralDecider(olderPolicy)).given([]).when(byManager).thenError('RoleNotAllowed')
    expect(deciderSpec(referralDecider(olderPolicy)).given([]).when(register()).events()).toHaveLength(1)
  })

  it('is registered once', () => {
    spec.given(historyOf(register())).when(register()).thenError('AlreadyRegistered')
  })

  it('nothing else happens to an unregistered referral', () => {
    spec.given([]).when(screen()).thenError('NotRegistered')
  })

  it('a command for another referral is refused: it was routed to the wrong stream', () => {
    const elsewhere = command({ ...screen(), data: { ...screen().data, referralId: 'referral-other' } })
    spec.given(historyOf(register())).when(elsewhere).thenError('WrongReferral')
  })

  it('no command may be dated before the registration', () => {
    const early = historyOf(register({ at: '2026-03-02T10:00:00+08:00' }))
    spec.given(early).when(screen()).thenError('BeforeRegistration')
  })
})

describe('late claims (docs/domain.md §2.2)', () => {
  it('a claim first raised at delivery is recorded as refused, with its reason', () => {
    expect(
      spec
        .given([])
        .when(register({ refereeDeliveredAt: '2026-03-01T10:00:00+08:00' }))
        .events(),
    ).toEqual([
      {
        type: 'LateClaimRejected',
        data: {
          referralId,
          refereeId: liSi.customerId,
          referrerId: zhangSan.customerId,
          reportedBy: consultant,
          registeredBy: dutyManager,
          claimedAt: instant('2026-03-01T10:00:00+08:00'),
          deliveredAt: instant('2026-03-01T10:00:00+08:00'),
          reason: 'late-claim',
        },
      },
    ])
  })

  it('a claim raised before delivery is registered', () => {
    const [event] = spec
      .given([])
      .when(register({ refereeDeliveredAt: '2026-03-01T10:00:01+08:00' }))
      .events()
    expect(event?.type).toBe('ReferralRegistered')
  })

  it('a refused late claim admits nothing more', () => {
    const late = historyOf(register({ refereeDeliveredAt: '2026-02-28T10:00:00+08:00' }))
    spec.given(late).when(screen()).thenError('NotRegistered')
    spec.given(late).when(register()).thenError('AlreadyRegistered')
  })
})

describe('guards (docs/domain.md §2, §5 Referrals)', () => {
  it('no self-referral: the same phone, compared through the keyed hash, is refused', () => {
    spec
      .given([])
      .when(register({ referee: { ...liSi, customerId: 'customer-other', phoneHash: zhangSan.phoneHash } }))
      .thenError('SelfReferral')
  })

  it('no self-referral: the same customer is refused', () => {
    spec
      .given([])
      .when(register({ referee: { ...liSi, customerId: zhangSan.customerId } }))
      .thenError('SelfReferral')
  })

  it('no self-referral: one phone written two ways hashes the same after normalising', () => {
    const samePhone = '+86 138-0013-8000'
    expect(samePhone).not.toBe(zhangSan.phone)
    spec
      .given([])
      .when(
        register({
          referee: {
            ...liSi,
            customerId: 'customer-other',
            phone: samePhone,
            phoneHash: phoneHash(samePhone),
          },
        }),
      )
      .thenError('SelfReferral')
  })

  // Issue #20: a caller that hashed the numbers as typed got two hashes for one phone, and the decider,
  // comparing only hashes, let the self-referral through. Both phones are in the command.
  it.each([
    ['+86 138-0013-8000', '13800138000'],
    ['0086 (138) 0013 8000', '138 0013 8000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['＋８６　１３８－００１３－８０００', '138-0013-8000'],
  ])(
    'no self-referral: %s and %s are one phone, whatever hashes the caller passes',
    (refereePhone, referrerPhone) => {
      spec
        .given([])
        .when(
          register({
            referee: {
              ...liSi,
              customerId: 'customer-other',
              phone: refereePhone,
              phoneHash: 'e'.repeat(64),
            },
            referrer: { ...zhangSan, phone: referrerPhone, phoneHash: 'f'.repeat(64) },
          }),
        )
        .thenError('SelfReferral')
    },
  )

  it('no self-referral by phone, for any notation of any mainland mobile (docs/domain.md §5 Referrals)', () => {
    fc.assert(
      fc.property(
        referralPhoneArb.chain((phone) =>
          fc.tuple(fc.constant(phone), referralPhoneNotationArb(phone), referralPhoneNotationArb(phone)),
        ),
        ([phone, asReferee, asReferrer]) => {
          expect([normalizePhone(asReferee), normalizePhone(asReferrer)]).toEqual([phone, phone])
          const decision = decider.decide(
            register({
              referee: { ...liSi, customerId: 'customer-other', phone: asReferee, phoneHash: 'e'.repeat(64) },
              referrer: { ...zhangSan, phone: asReferrer, phoneHash: 'f'.repeat(64) },
            }),
            decider.initialState,
          )
          return decision._tag === 'Left' && decision.left.code === 'SelfReferral'
        },
      ),
    )
  })

  it('two different phones are two people', () => {
    expect(
      spec
        .given([])
        .when(
          register({ referee: { ...liSi, phone: '+86 138-0013-8001', phoneHash: phoneHash('13800138001') } }),
        )
        .events()[0]?.type,
    ).toBe('ReferralRegistered')
  })

  it('one referrer per referee: a referee with a live referral cannot be registered again', () => {
    spec
      .given([])
      .when(register({ refereeLiveReferralId: 'referral-earlier' }))
      .thenError('RefereeAlreadyReferred')
  })
})

describe('preliminary screening (docs/domain.md §2.3)', () => {
  it('passes when it is an owner referral and the referrer helped', () => {
    expect(spec.given(historyOf(register())).when(screen()).events()[0]).toMatchObject({
      type: 'ReferralScreened',
      data: { outcome: 'passed' },
    })
  })

  it('screens out a referral where the referrer did not help', () => {
    const history = historyOf(register(), screen(true, false))
    expect(history.at(-1)).toMatchObject({ data: { outcome: 'screened-out' } })
    expect(spec.stateAfter(history)).toMatchObject({ stage: 'rejected', rejection: 'screened-out' })
    spec.given(history).when(checkAtDelivery()).thenError('NotAwaitingDeliveryCheck')
  })

  it('screens out a referral that is not an owner’s referral, even if the person helped', () => {
    const history = historyOf(register(), screen(false, true))
    expect(history.at(-1)).toMatchObject({
      data: { ownersReferral: false, referrerHelped: true, outcome: 'screened-out' },
    })
    spec.given(history).when(checkAtDelivery()).thenError('NotAwaitingDeliveryCheck')
  })

  it('is the sales consultant’s judgement', () => {
    const byManager = command({ ...screen(), data: { ...screen().data, by: dutyManager } })
    spec.given(historyOf(register())).when(byManager).thenError('RoleNotAllowed')
  })

  it('happens once', () => {
    spec.given(historyOf(register(), screen())).when(screen()).thenError('NotAwaitingScreening')
  })
})

describe('delivery check (docs/domain.md §2.4)', () => {
  it('records only the outcome and who checked, and the delivery time', () => {
    expect(spec.given(historyOf(register(), screen())).when(checkAtDelivery()).events()).toEqual([
      {
        type: 'DeliveryChecked',
        data: {
          referralId,
          by: showroomManager,
          licenceMatches: true,
          outcome: 'matches',
          deliveredAt: instant('2026-03-10T15:00:00+08:00'),
        },
      },
    ])
  })

  it('a licence that does not match rejects the referral', () => {
    const history = historyOf(register(), screen(), checkAtDelivery(false))
    expect(spec.stateAfter(history)).toMatchObject({ stage: 'rejected', rejection: 'licence-mismatch' })
    spec.given(history).when(scheduleCallBack()).thenError('NotReadyForCallBack')
  })

  it('never keeps the licence: a document sent along with the command is not recorded', () => {
    const withLicence = command({
      ...checkAtDelivery(),
      data: {
        ...checkAtDelivery().data,
        licenceNumber: '京A12345',
        licenceImage: 'data:image/png;base64,AAAA',
      },
    })
    const events = spec.given(historyOf(register(), screen())).when(withLicence).events()
    expect(JSON.stringify(events)).not.toContain('京A12345')
    expect(JSON.stringify(events)).not.toContain('base64')
    expect(Object.keys(events[0]?.data ?? {}).sort()).toEqual(
      ['by', 'deliveredAt', 'licenceMatches', 'outcome', 'referralId'].sort(),
    )
  })

  it('is the showroom manager’s check', () => {
    spec
      .given(historyOf(register(), screen()))
      .when(checkAtDelivery(true, consultant))
      .thenError('RoleNotAllowed')
  })

  it('follows screening', () => {
    spec.given(historyOf(register())).when(checkAtDelivery()).thenError('NotAwaitingDeliveryCheck')
  })
})

describe('call-back (docs/domain.md §2.5)', () => {
  it('records the drawn callee and questions', () => {
    const liSiBoughtARedGolf = {
      kind: 'false-statement',
      asserted: { model: 'Golf', colour: 'red', gearbox: null },
    }
    spec
      .given(delivered())
      .when(
        scheduleCallBack({
          draw: { callee: 'referrer', questions: [liSiBoughtARedGolf, blackJetta, blackJetta] },
        }),
      )
      .thenError('StatementNotFalse')
    const [event] = spec
      .given(delivered())
      .when(
        scheduleCallBack({
          draw: {
            callee: 'referrer',
            questions: [
              { kind: 'ask', topic: 'home-area' },
              { kind: 'confirm-vehicle' },
              { kind: 'false-statement', asserted: { model: null, colour: null, gearbox: 'automatic' } },
            ],
          },
        }),
      )
      .events()
    expect(event).toMatchObject({
      type: 'CallBackScheduled',
      data: { callee: 'referrer', calleeId: zhangSan.customerId },
    })
  })

  it('asks 3–4 questions (policy)', () => {
    const two = [{ kind: 'ask', topic: 'workplace' }, blackJetta]
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: two } }))
      .thenError('QuestionCountOutsidePolicy')
    const five = [...two, ...two, { kind: 'confirm-vehicle' }]
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: five } }))
      .thenError('QuestionCountOutsidePolicy')
  })

  it('includes at least one deliberately false statement', () => {
    const noTrap = [
      { kind: 'ask', topic: 'workplace' },
      { kind: 'ask', topic: 'business' },
      { kind: 'confirm-vehicle' },
    ]
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: noTrap } }))
      .thenError('TooFewFalseStatements')
  })

  it('a "false" statement that matches the registered car is refused (a white Sagitar is true)', () => {
    const truth = { kind: 'false-statement', asserted: { model: 'sagitar', colour: 'White', gearbox: null } }
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: [truth, truth, truth] } }))
      .thenError('StatementNotFalse')
  })

  it('the verifier may not be the consultant who made the sale', () => {
    spec
      .given(delivered())
      .when(scheduleCallBack({ verifierId: consultant.id }))
      .thenError('VerifierIsSeller')
    spec
      .given(callBackScheduled())
      .when(answers(['right', 'right', 'right'], consultant))
      .thenError('VerifierIsSeller')
  })

  it('follows a passed delivery check', () => {
    spec.given(historyOf(register(), screen())).when(scheduleCallBack()).thenError('NotReadyForCallBack')
  })
})

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
