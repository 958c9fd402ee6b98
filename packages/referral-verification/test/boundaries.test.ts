import { readFileSync } from 'node:fs'
import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { defaultReferralPolicy, referralDecider, referralTierFor } from '../src/index.js'
import {
  answers,
  blackJetta,
  checkAtDelivery,
  delivered,
  faked,
  historyOf,
  historyUnder,
  policyWith,
  register,
  releaseReward,
  saleReturned,
  scheduleCallBack,
  screen,
  unreachable,
  verified,
} from './fixtures.js'

const decider = referralDecider()

// Every threshold of the default policy at −1 / 0 / +1 of its bound, and the defaults pinned to the rules
// of docs/domain.md (issue #18: a changed bound or default must fail a test, not pass by chance).

const spec = deciderSpec(decider)
const DAY = 86_400_000
const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString()
const deliveredAt = '2026-03-10T15:00:00+08:00' // checkAtDelivery() in the fixtures
const typesOf = (events: ReadonlyArray<{ type: string }>) => events.map((e) => e.type)

describe('the default referral policy is the rules of docs/domain.md', () => {
  const domain = readFileSync(new URL('../../../docs/domain.md', import.meta.url), 'utf8')

  it.each([
    [
      '§2.5: 3–4 simple, specific questions',
      '简单、明细的问题回访3-4个',
      () => [3, 4],
      ['questionsAtLeast', 'questionsAtMost'],
    ],
    [
      '§2.5: at least one deliberately false statement',
      'At least one question is a deliberately false',
      () => [1],
      ['falseStatementsAtLeast'],
    ],
    [
      '§2.5: two wrong answers mark the referral as faked',
      '若2项答错则视为该推荐购买作假',
      () => [2],
      ['wrongAnswersForFake'],
    ],
    [
      '§2.6: the seed pays once the call-back is over (no hold)',
      '电话回访结束后再向老客户兑现奖励',
      () => [0],
      ['rewardHoldDays'],
    ],
    [
      '§2.7, §5 Referrals: a faked referral fines the consultant ¥500',
      'fine the consultant for a faked referral (e.g.\n  ¥500)',
      () => [50_000],
      ['fraudPenaltyFen'],
    ],
    [
      '§2.7: faked referrals are punished (the referrer is blocked)',
      '配合严厉的处罚办法',
      () => [true],
      ['blockReferrerOnFraud'],
    ],
    [
      '§5 Referrals: unreachable call-backs have a retry budget, then manual review',
      'retry budget, then\n  manual review',
      () => [3],
      ['callBackAttempts'],
    ],
    [
      '§5 Referrals: a sale returned or cancelled voids the referral (within 30 days: a dealer’s choice)',
      'a returned or cancelled sale voids',
      () => [30],
      ['returnWindowDays'],
    ],
  ] as const)('%s', (_rule, phrase, expected, fields) => {
    expect(domain).toContain(phrase)
    expect(fields.map((f) => defaultReferralPolicy[f])).toEqual(expected())
  })

  it('§2.1, §2.3, §2.4: the duty manager registers, the consultant reports and screens, the showroom manager checks', () => {
    expect(domain).toContain('reports it to\n   the duty manager, who registers it')
    expect(defaultReferralPolicy.registeringRoles).toContain('duty-manager')
    expect(defaultReferralPolicy.reportingRoles).toEqual(['sales-consultant'])
    expect(defaultReferralPolicy.screeningRoles).toEqual(['sales-consultant'])
    expect(defaultReferralPolicy.deliveryCheckRoles).toEqual(['showroom-manager'])
  })

  it('§5 Referrals: rewards tiered by the number of successful referrals (1st, 3rd, 6th)', () => {
    expect(domain).toContain('tier rewards by the number of successful referrals')
    expect(defaultReferralPolicy.rewardTiers.map((t) => [t.name, t.fromSuccessfulReferral])).toEqual([
      ['standard', 1],
      ['silver', 3],
      ['gold', 6],
    ])
  })
})

describe('questions per call-back: 3–4 (docs/domain.md §2.5)', () => {
  const ask = { kind: 'ask', topic: 'workplace' }
  it.each([
    [2, 'QuestionCountOutsidePolicy'],
    [3, null],
    [4, null],
    [5, 'QuestionCountOutsidePolicy'],
  ] as const)('%i questions: %s', (n, error) => {
    const questions = [...Array.from({ length: n - 1 }, () => ask), blackJetta]
    const when = spec.given(delivered()).when(scheduleCallBack({ draw: { callee: 'referee', questions } }))
    if (error === null) expect(typesOf(when.events())).toEqual(['CallBackScheduled'])
    else when.thenError(error)
  })

  it.each([
    [0, 'TooFewFalseStatements'],
    [1, null],
    [2, null],
  ] as const)('%i false statements among 3 questions: %s', (n, error) => {
    const questions = [
      ...Array.from({ length: 3 - n }, () => ({ kind: 'confirm-vehicle' })),
      ...Array.from({ length: n }, () => blackJetta),
    ]
    const when = spec.given(delivered()).when(scheduleCallBack({ draw: { callee: 'referee', questions } }))
    if (error === null) expect(typesOf(when.events())).toEqual(['CallBackScheduled'])
    else when.thenError(error)
  })
})

describe('wrong answers: two mark the referral faked (docs/domain.md §2.5)', () => {
  const fourQuestions = [
    { kind: 'ask', topic: 'workplace' },
    { kind: 'ask', topic: 'home-area' },
    { kind: 'confirm-vehicle' },
    blackJetta,
  ]
  const scheduled = () =>
    historyOf(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack({ draw: { callee: 'referrer', questions: fourQuestions } }),
    )
  it.each([
    [0, 'ReferralVerified'],
    [1, 'ReferralVerified'],
    [2, 'ReferralFaked'],
    [3, 'ReferralFaked'],
  ])('%i wrong of 4: %s', (wrong, outcome) => {
    const given = Array.from({ length: 4 }, (_, i) => (i < wrong ? 'wrong' : 'right') as 'right' | 'wrong')
    const events = spec.given(scheduled()).when(answers(given)).events()
    expect(events[1]?.type).toBe(outcome)
    expect(events[0]).toMatchObject({ type: 'CallBackAnswered', data: { wrongAnswers: wrong } })
  })
})

describe('unreachable callee: the third failed attempt ends in manual review (docs/domain.md §5 Referrals)', () => {
  it.each([
    [1, ['CallBackUnreachable']],
    [2, ['CallBackUnreachable']],
    [3, ['CallBackUnreachable', 'VerificationInconclusive']],
  ])('attempt %i records %j', (attempt, expected) => {
    const before = historyOf(
      ...[register(), screen(), checkAtDelivery(), scheduleCallBack()],
      ...Array.from({ length: attempt - 1 }, () => unreachable()),
    )
    expect(typesOf(spec.given(before).when(unreachable()).events())).toEqual(expected)
  })

  it('a fourth attempt finds no call-back scheduled', () => {
    const before = historyOf(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      unreachable(),
      unreachable(),
      unreachable(),
    )
    spec.given(before).when(unreachable()).thenError('NoCallBackScheduled')
  })
})

describe('the return window: 30 days after delivery, inclusive (docs/domain.md §5 Referrals)', () => {
  it.each([
    ['29 days', true, 29 * DAY],
    ['30 days less 1 ms', true, 30 * DAY - 1],
    ['exactly 30 days', true, 30 * DAY],
    ['30 days and 1 ms', false, 30 * DAY + 1],
    ['31 days', false, 31 * DAY],
  ])('a sale returned %s after delivery voids the referral: %s', (_name, voids, after) => {
    const when = spec.given(verified()).when(saleReturned(plus(deliveredAt, after)))
    if (voids) expect(typesOf(when.events())).toEqual(['ReferralVoided'])
    else when.thenError('ReturnWindowClosed')
  })
})

describe('the reward hold after delivery (docs/domain.md §5 Referrals; default 0 as in §2.6)', () => {
  it.each([
    [-1, false],
    [0, true],
    [1, true],
  ])('under the default, paid %i ms from delivery: %s', (after, pays) => {
    const when = spec.given(verified()).when(releaseReward('gift', undefined, plus(deliveredAt, after)))
    if (pays) expect(typesOf(when.events())).toEqual(['RewardReleased'])
    else when.thenError('RewardOnHold')
  })

  const held = policyWith({ policyVersion: 'hold-7', rewardHoldDays: 7 })
  const heldHistory = () =>
    historyUnder(held)(
      register(),
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['right', 'right', 'right']),
    )
  it.each([
    [7 * DAY - 1, false],
    [7 * DAY, true],
    [7 * DAY + 1, true],
  ])('under a 7-day hold, paid %i ms from delivery: %s', (after, pays) => {
    const when = deciderSpec(referralDecider(held))
      .given(heldHistory())
      .when(releaseReward('gift', undefined, plus(deliveredAt, after)))
    if (pays) expect(typesOf(when.events())).toEqual(['RewardReleased'])
    else when.thenError('RewardOnHold')
  })
})

describe('reward tiers by the referrer’s n-th successful referral (docs/domain.md §5 Referrals)', () => {
  it.each([
    [1, 'standard', 30_000],
    [2, 'standard', 30_000],
    [3, 'silver', 50_000],
    [4, 'silver', 50_000],
    [5, 'silver', 50_000],
    [6, 'gold', 80_000],
    [7, 'gold', 80_000],
  ])('the %i-th is paid at the %s tier (gift %i fen)', (nth, tier, giftFen) => {
    const events = spec
      .given(verified())
      .when(releaseReward('gift', { successfulReferralsBefore: nth - 1, blocked: false }))
      .events()
    expect(events[0]).toMatchObject({
      type: 'RewardReleased',
      data: { tier, nthSuccessfulReferral: nth, reward: { kind: 'gift', valueFen: giftFen } },
    })
    expect(referralTierFor(defaultReferralPolicy, nth)?.name).toBe(tier)
  })
})

describe('a faked referral fines the consultant ¥500 and blocks the referrer (docs/domain.md §2.7)', () => {
  it('records the fine of the policy and the block', () => {
    const fake = faked()
    expect(fake.find((e) => e.type === 'FraudPenaltyRecorded')).toMatchObject({
      data: { consultantId: 'consultant-wang', amountFen: 50_000 },
    })
    expect(typesOf(fake)).toContain('ReferrerBlocked')
  })
})

describe('a late claim: raised at or after delivery (docs/domain.md §2.2)', () => {
  const at = '2026-03-01T10:00:00+08:00'
  it.each([
    ['1 ms before', 'ReferralRegistered', 1],
    ['at', 'LateClaimRejected', 0],
    ['1 ms after', 'LateClaimRejected', -1],
  ])('a claim raised %s the referee’s delivery: %s', (_name, type, deliveredAfter) => {
    const events = spec
      .given([])
      .when(register({ at, refereeDeliveredAt: plus(at, deliveredAfter) }))
      .events()
    expect(typesOf(events)).toEqual([type])
  })
})
