import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { defaultLifecyclePolicy, type LifecycleCommand, lifecycleDecider } from '../src/index.js'
import { cmd, deliver, eventsOf, register, withData } from './support.js'

const decider = lifecycleDecider()

const spec = deciderSpec(decider)
const owner = [register(), deliver('2024-02-01T10:00:00+08:00')] as const

const consent = (
  type: 'GrantConsent' | 'WithdrawConsent',
  purpose: 'marketing' | 'service-reminder' | 'survey',
  channel: 'sms' | 'call' | 'wechat' = 'sms',
) => cmd(type, { at: '2024-02-02T10:00:00+08:00', purpose, channel, source: 'showroom-form' })

let touchpoints = 0
const plan = (
  kind: LifecycleCommand & { type: 'PlanTouchpoint' } extends { data: { kind: infer K } } ? K : never,
  dueAt = '2024-03-01T10:00:00+08:00',
  channel: 'sms' | 'call' | 'wechat' = 'sms',
) =>
  cmd('PlanTouchpoint', {
    touchpointId: `tp-${++touchpoints}`,
    at: '2024-02-10T10:00:00+08:00',
    kind,
    channel,
    dueAt,
    familyMemberId: null,
  })

const outcome = (touchpointId: string, result: 'reached' | 'appointment-booked' = 'reached') =>
  cmd('RecordTouchpointOutcome', { touchpointId, at: '2024-03-01T11:00:00+08:00', outcome: result, note: '' })

describe('consent per purpose × channel (docs/domain.md §5 Consent)', () => {
  it('records a grant with its source and time', () => {
    const grant = consent('GrantConsent', 'marketing')
    spec
      .given(eventsOf(...owner))
      .when(grant)
      .then([{ type: 'ConsentGranted', data: grant.data }])
  })
  it('granting live consent again changes nothing; an opt-out is always recorded', () => {
    spec
      .given(eventsOf(...owner, consent('GrantConsent', 'marketing')))
      .when(consent('GrantConsent', 'marketing'))
      .then([])
    const optOut = consent('WithdrawConsent', 'service-reminder')
    spec
      .given(eventsOf(...owner))
      .when(optOut)
      .then([{ type: 'ConsentWithdrawn', data: optOut.data }])
  })
  it('rejects a marketing touchpoint without live consent', () => {
    spec
      .given(eventsOf(...owner))
      .when(plan('offer'))
      .thenError('NoLiveConsent')
    spec
      .given(
        eventsOf(...owner, consent('GrantConsent', 'marketing'), consent('WithdrawConsent', 'marketing')),
      )
      .when(plan('event-invitation'))
      .thenError('NoLiveConsent')
  })
  it('consent is per channel', () => {
    spec
      .given(eventsOf(...owner, consent('GrantConsent', 'marketing', 'wechat')))
      .when(plan('offer', '2024-03-01T10:00:00+08:00', 'sms'))
      .thenError('NoLiveConsent')
  })
  it('plans marketing with live consent, recording purpose and policy version', () => {
    const p = plan('birthday-greeting')
    spec
      .given(eventsOf(...owner, consent('GrantConsent', 'marketing')))
      .when(p)
      .then([
        {
          type: 'TouchpointPlanned',
          data: { ...p.data, purpose: 'marketing', policyVersion: defaultLifecyclePolicy.policyVersion },
        },
      ])
  })
  it('service reminders follow their own purpose: sent until the customer opts out of them', () => {
    expect(
      spec
        .given(eventsOf(...owner))
        .when(plan('maintenance-reminder'))
        .events()[0]?.data,
    ).toMatchObject({
      purpose: 'service-reminder',
    })
    spec
      .given(eventsOf(...owner, consent('WithdrawConsent', 'marketing')))
      .when(plan('annual-inspection-reminder'))
      .events()
    spec
      .given(eventsOf(...owner, consent('WithdrawConsent', 'service-reminder')))
      .when(plan('insurance-renewal-reminder'))
      .thenError('NoLiveConsent')
  })
  it('a withdrawal after planning stops the contact', () => {
    const p = plan('offer')
    spec
      .given(
        eventsOf(...owner, consent('GrantConsent', 'marketing'), p, consent('WithdrawConsent', 'marketing')),
      )
      .when(outcome(p.data.touchpointId))
      .thenError('NoLiveConsent')
  })
  it('a policy may require opting in to service reminders too', () => {
    const strict = deciderSpec(
      lifecycleDecider({
        ...defaultLifecyclePolicy,
        consentRequired: { ...defaultLifecyclePolicy.consentRequired, 'service-reminder': true },
      }),
    )
    strict
      .given(eventsOf(...owner))
      .when(plan('maintenance-reminder'))
      .thenError('NoLiveConsent')
  })
})

describe('frequency caps and quiet hours (docs/domain.md §5 Consent)', () => {
  it('refuses contact in the quiet hours, local time', () => {
    spec
      .given(eventsOf(...owner))
      .when(plan('maintenance-reminder', '2024-03-01T22:30:00+08:00'))
      .thenError('QuietHours')
    spec
      .given(eventsOf(...owner))
      .when(plan('maintenance-reminder', '2024-03-01T07:59:00+08:00'))
      .thenError('QuietHours')
    spec
      .given(eventsOf(...owner))
      .when(plan('maintenance-reminder', '2024-03-01T00:30:00Z'))
      .events()
  })
  it('caps marketing contacts within the window', () => {
    const granted = [...owner, consent('GrantConsent', 'marketing')]
    const four = [1, 8, 15, 22].map((d) =>
      plan('offer', `2024-03-${String(d).padStart(2, '0')}T10:00:00+08:00`),
    )
    spec
      .given(eventsOf(...granted, ...four))
      .when(plan('offer', '2024-03-25T10:00:00+08:00'))
      .thenError('FrequencyCapReached')
    spec
      .given(eventsOf(...granted, ...four))
      .when(plan('offer', '2024-04-01T10:00:00+08:00'))
      .events()
    spec
      .given(eventsOf(...granted, ...four))
      .when(plan('offer', '2024-02-25T10:00:00+08:00'))
      .thenError('FrequencyCapReached')
  })
  it('does not count cancelled touchpoints or service reminders', () => {
    const granted = [...owner, consent('GrantConsent', 'marketing')]
    const four = [1, 8, 15, 22].map((d) =>
      plan('offer', `2024-03-${String(d).padStart(2, '0')}T10:00:00+08:00`),
    )
    const cancel = cmd('CancelTouchpoint', {
      touchpointId: four[0]?.data.touchpointId ?? '',
      at: '2024-02-11T10:00:00+08:00',
      reason: 'duplicate',
    })
    spec
      .given(eventsOf(...granted, ...four, cancel))
      .when(plan('offer', '2024-03-25T10:00:00+08:00'))
      .events()
    spec
      .given(eventsOf(...granted, ...four))
      .when(plan('maintenance-reminder', '2024-03-25T10:00:00+08:00'))
      .events()
  })
})

describe('care touchpoints and outcomes (docs/domain.md §1)', () => {
  it('records the outcome of a planned touchpoint', () => {
    const p = plan('periodic-call-back')
    const done = outcome(p.data.touchpointId, 'appointment-booked')
    spec
      .given(eventsOf(...owner, p))
      .when(done)
      .then([
        {
          type: 'TouchpointDone',
          data: { ...done.data, kind: 'periodic-call-back', purpose: 'survey', channel: 'sms' },
        },
      ])
  })
  it('refuses an outcome for an unknown or closed touchpoint, and a second plan with the same id', () => {
    const p = plan('maintenance-reminder')
    spec
      .given(eventsOf(...owner))
      .when(outcome('tp-x'))
      .thenError('UnknownTouchpoint')
    spec
      .given(eventsOf(...owner, p, outcome(p.data.touchpointId)))
      .when(outcome(p.data.touchpointId))
      .thenError('TouchpointClosed')
    spec
      .given(eventsOf(...owner, p))
      .when(p)
      .thenError('TouchpointAlreadyPlanned')
    const cancel = cmd('CancelTouchpoint', {
      touchpointId: p.data.touchpointId,
      at: '2024-02-11T10:00:00+08:00',
      reason: 'sold',
    })
    spec
      .given(eventsOf(...owner, p, cancel))
      .when(cancel)
      .thenError('TouchpointClosed')
  })
  it('cancels a planned touchpoint with a reason', () => {
    const p = plan('maintenance-reminder')
    const cancel = cmd('CancelTouchpoint', {
      touchpointId: p.data.touchpointId,
      at: '2024-02-12T10:00:00+08:00',
      reason: 'customer moved to another city',
    })
    spec
      .given(eventsOf(...owner, p))
      .when(cancel)
      .then([{ type: 'TouchpointCancelled', data: cancel.data }])
  })
  it('refuses a touchpoint due in the past', () => {
    spec
      .given(eventsOf(...owner))
      .when(plan('maintenance-reminder', '2024-02-01T10:00:00+08:00'))
      .thenError('DueInThePast')
  })
  it('sends birthday greetings to recorded family members only', () => {
    const member = cmd('RecordFamilyMember', {
      memberId: 'm-1',
      at: '2024-02-02T10:00:00+08:00',
      relation: 'wife',
      name: '李梅',
      birthday: null,
    })
    const greeting = plan('birthday-greeting')
    const forMember = withData(greeting, { familyMemberId: 'm-1' })
    const granted = [...owner, consent('GrantConsent', 'marketing')]
    spec
      .given(eventsOf(...granted, member))
      .when(forMember)
      .events()
    spec
      .given(eventsOf(...granted))
      .when(forMember)
      .thenError('UnknownFamilyMember')
    const offer = plan('offer')
    spec
      .given(eventsOf(...granted, member))
      .when(withData(offer, { familyMemberId: 'm-1' }))
      .thenError('GreetingOnlyForFamily')
  })
  it('gifts go to VIPs; the annual reception to VIP, big-account or key-tier customers (seed 000, 003)', () => {
    const granted = [...owner, consent('GrantConsent', 'marketing')]
    spec
      .given(eventsOf(...granted))
      .when(plan('vip-gift'))
      .thenError('NotEligible')
    spec
      .given(eventsOf(...granted))
      .when(plan('annual-reception'))
      .thenError('NotEligible')
    const vip = cmd('SetAccountFlag', {
      at: '2024-02-03T10:00:00+08:00',
      flag: 'vip',
      value: true,
      reason: 'top spender',
    })
    spec
      .given(eventsOf(...granted, vip))
      .when(plan('vip-gift'))
      .events()
    spec
      .given(eventsOf(...granted, vip))
      .when(plan('annual-reception'))
      .events()
    const fleet = cmd('SetAccountFlag', {
      at: '2024-02-03T10:00:00+08:00',
      flag: 'big-account',
      value: true,
      reason: 'fleet of 12 vehicles',
    })
    spec
      .given(eventsOf(...granted, fleet))
      .when(plan('annual-reception'))
      .events()
    spec
      .given(eventsOf(...granted, fleet))
      .when(plan('vip-gift'))
      .thenError('NotEligible')
    const keyTier = cmd('AssignValueTier', {
      at: '2024-02-03T10:00:00+08:00',
      valueFen: 9_000_000,
      rank: 1,
      portfolioSize: 100,
      windowFrom: '2023-02-03T10:00:00+08:00',
      windowTo: '2024-02-03T10:00:00+08:00',
    })
    spec
      .given(eventsOf(...granted, keyTier))
      .when(plan('annual-reception'))
      .events()
  })
})
