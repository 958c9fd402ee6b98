import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { defaultLifecyclePolicy, lifecycleDecider, valueWindow } from '../src/index.js'
import { cmd, deliver, eventsOf, register, withData } from './support.js'

const decider = lifecycleDecider()

const spec = deciderSpec(decider)
const owner = [register(), deliver('2024-02-01T10:00:00+08:00')] as const

const consent = (
  type: 'GrantConsent' | 'WithdrawConsent',
  purpose: 'marketing' | 'service-reminder' | 'survey',
  channel: 'sms' | 'call' | 'wechat' = 'sms',
) => cmd(type, { at: '2024-02-02T10:00:00+08:00', purpose, channel, source: 'showroom-form' })

// Segmentation (value tier, RFM, personality, referral potential) and satisfaction, split from care.test.ts.

describe('segmentation (docs/domain.md §1, §5)', () => {
  const tier = (rank: number) =>
    cmd('AssignValueTier', {
      at: '2024-06-01T10:00:00+08:00',
      valueFen: 2_000_000,
      rank,
      portfolioSize: 100,
      windowFrom: '2023-06-02T00:00:00+08:00',
      windowTo: '2024-06-01T00:00:00+08:00',
    })
  it('puts the top 20% of the portfolio in the key tier (80/20)', () => {
    expect(
      spec
        .given(eventsOf(...owner))
        .when(tier(20))
        .events()[0]?.data,
    ).toMatchObject({ tier: 'key', policyVersion: defaultLifecyclePolicy.policyVersion })
    expect(
      spec
        .given(eventsOf(...owner))
        .when(tier(21))
        .events()[0]?.data,
    ).toMatchObject({ tier: 'standard' })
  })
  it('measures value over the policy’s window (365 days by default) and refuses another window', () => {
    const t = tier(3)
    const error = spec
      .given(eventsOf(...owner))
      .when(withData(t, { windowFrom: '2024-01-01T00:00:00+08:00' }))
      .thenError('WrongValueWindow')
    expect(error.message).toContain('from 2023-06-01T16:00:00.000Z')
    const quarterly = deciderSpec(lifecycleDecider({ ...defaultLifecyclePolicy, valueWindowDays: 91 }))
    quarterly
      .given(eventsOf(...owner))
      .when({
        ...t,
        data: {
          ...t.data,
          ...valueWindow({ ...defaultLifecyclePolicy, valueWindowDays: 91 }, t.data.windowTo),
        },
      })
      .events()
  })
  it('records a tier change only', () => {
    spec
      .given(eventsOf(...owner, tier(3)))
      .when(tier(5))
      .then([])
    expect(
      spec
        .given(eventsOf(...owner, tier(3)))
        .when(tier(50))
        .events(),
    ).toHaveLength(1)
  })
  it.each([
    [5, 5, 5, 'champions'],
    [1, 5, 5, 'cant-lose-them'],
    [2, 3, 1, 'at-risk'],
    [1, 1, 1, 'lost'],
    [3, 4, 2, 'loyal'],
    [5, 1, 1, 'new-customer'],
    [4, 2, 3, 'potential-loyalist'],
    [2, 2, 2, 'about-to-sleep'],
    [3, 2, 3, 'need-attention'],
  ])('names RFM %i-%i-%i %s', (recency, frequency, monetary, segment) => {
    const score = cmd('ScoreRfm', { at: '2024-06-01T10:00:00+08:00', recency, frequency, monetary })
    expect(
      spec
        .given(eventsOf(...owner))
        .when(score)
        .events()[0]?.data,
    ).toMatchObject({ segment })
  })
  it.each([
    ['expressive', 'recognise-and-involve'],
    ['driver', 'brief-and-results-first'],
    ['analytical', 'facts-and-figures'],
    ['amiable', 'personal-and-patient'],
  ] as const)(
    'records a %s customer with the %s contact style (seed 003)',
    (personalityType, contactStyle) => {
      const c = cmd('RecordPersonalityType', { at: '2024-06-01T10:00:00+08:00', personalityType })
      spec
        .given(eventsOf(...owner))
        .when(c)
        .then([{ type: 'PersonalityTypeRecorded', data: { ...c.data, contactStyle } }])
    },
  )
  it('records referral potential with a reason', () => {
    const c = cmd('AssessReferralPotential', {
      at: '2024-06-01T10:00:00+08:00',
      potential: 'high',
      reason: 'runs a taxi company',
    })
    spec
      .given(eventsOf(...owner))
      .when(c)
      .then([{ type: 'ReferralPotentialAssessed', data: c.data }])
  })
})

describe('satisfaction against expectation (seed 001)', () => {
  const survey = (surveyId: string, expectation: number, score: number) =>
    cmd('RecordSatisfaction', {
      surveyId,
      at: '2024-06-01T10:00:00+08:00',
      touchpointId: null,
      channel: 'call',
      expectation,
      score,
    })
  it.each([
    [8, 6, 'dissatisfied'],
    [7, 7, 'satisfied'],
    [6, 9, 'delighted'],
  ] as const)('expectation %i, score %i: %s', (expectation, score, classification) => {
    const c = survey('s-1', expectation, score)
    spec
      .given(eventsOf(...owner))
      .when(c)
      .then([{ type: 'SatisfactionRecorded', data: { ...c.data, classification } }])
  })
  it('records a survey once, for a known touchpoint, unless the customer opted out of surveys', () => {
    spec
      .given(eventsOf(...owner, survey('s-1', 7, 7)))
      .when(survey('s-1', 7, 8))
      .thenError('SurveyAlreadyRecorded')
    const c = survey('s-2', 7, 7)
    spec
      .given(eventsOf(...owner))
      .when(withData(c, { touchpointId: 'tp-none' }))
      .thenError('UnknownTouchpoint')
    spec
      .given(eventsOf(...owner, consent('WithdrawConsent', 'survey', 'call')))
      .when(c)
      .thenError('NoLiveConsent')
  })
})
