import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { type LifecycleEvent, lifecycleDecider } from '../src/index.js'
import { cmd, deliver, evaluate, eventsOf, register, visit } from './support.js'

const decider = lifecycleDecider()

const spec = deciderSpec(decider)
const owner = [
  register(),
  deliver('2024-02-01T10:00:00+08:00'),
  visit('2024-03-01T10:00:00+08:00', 10),
] as const

const contact = (
  contactId: string,
  at: string,
  topic: 'enquiry' | 'appointment-booked' | 'complaint-raised' | 'went-elsewhere' | 'other',
  channel: 'call' | 'sms' | 'wechat' | 'walk-in' = 'call',
) => cmd('RecordInboundContact', { contactId, at, channel, topic, note: '' })

const stageChanges = (events: ReadonlyArray<LifecycleEvent>) =>
  events.flatMap((e) => (e.type === 'StageChanged' ? [e.data] : []))

describe('inbound contacts: the customer calls, writes or walks in (docs/domain.md §1)', () => {
  it('records the contact, at any hour and without consent: hearing from a customer is not marketing', () => {
    const optedOut = (['service-reminder', 'marketing', 'survey'] as const).map((purpose) =>
      cmd('WithdrawConsent', {
        at: '2024-03-02T10:00:00+08:00',
        purpose,
        channel: 'call',
        source: 'phone-call',
      }),
    )
    const late = contact('in-1', '2024-03-05T23:30:00+08:00', 'appointment-booked')
    spec
      .given(eventsOf(...owner, ...optedOut))
      .when(late)
      .then([{ type: 'InboundContactRecorded', data: late.data }])
  })
  it('records a walk-in of a prospect too', () => {
    const walkIn = contact('in-1', '2024-01-12T15:00:00+08:00', 'enquiry', 'walk-in')
    spec
      .given(eventsOf(register()))
      .when(walkIn)
      .then([{ type: 'InboundContactRecorded', data: walkIn.data }])
  })
  it('records a contact once', () => {
    const c = contact('in-1', '2024-03-05T10:00:00+08:00', 'complaint-raised')
    spec
      .given(eventsOf(...owner, c))
      .when(contact('in-1', '2024-03-06T10:00:00+08:00', 'enquiry'))
      .thenError('ContactAlreadyRecorded')
  })
  it('an enquiry, an appointment or a complaint does not move the stage, and may be entered late', () => {
    const evaluated = eventsOf(...owner, evaluate('2024-04-01T02:00:00+08:00'))
    for (const topic of ['enquiry', 'appointment-booked', 'complaint-raised', 'other'] as const)
      expect(
        spec
          .given(evaluated)
          .when(contact('in-1', '2024-03-20T10:00:00+08:00', topic))
          .events()
          .map((e) => e.type),
      ).toEqual(['InboundContactRecorded'])
  })
})

describe('an owner who says they went elsewhere is lost (docs/domain.md §1 stage 7)', () => {
  const elsewhere = contact('in-1', '2024-05-01T10:00:00+08:00', 'went-elsewhere')

  it('moves the owner to lost, with the statement in the evidence', () => {
    const events = spec
      .given(eventsOf(...owner))
      .when(elsewhere)
      .events()
    expect(events.map((e) => e.type)).toEqual(['InboundContactRecorded', 'StageChanged'])
    const [change] = stageChanges(events)
    expect(change).toMatchObject({ from: 'active', to: 'lost', cause: 'inbound-contact' })
    expect(change?.evidence).toMatchObject({
      saidWentElsewhereAt: elsewhere.data.at,
      lastSeenAt: '2024-03-01T02:00:00.000Z',
      daysSinceLastSeen: 61,
    })
  })
  it('evaluations keep them lost though their last visit is recent', () => {
    expect(
      spec
        .given(eventsOf(...owner, elsewhere))
        .when(evaluate('2024-06-01T02:00:00+08:00'))
        .events()
        .map((e) => e.type),
    ).toEqual(['LifecycleEvaluated'])
  })
  it('a visit afterwards wins them back, on probation', () => {
    const [change] = stageChanges(
      spec
        .given(eventsOf(...owner, elsewhere))
        .when(visit('2024-07-01T10:00:00+08:00', 20))
        .events(),
    )
    expect(change).toMatchObject({ from: 'lost', to: 'won-back', cause: 'service-visit' })
    expect(change?.probationEndsAt).not.toBeNull()
  })
  it('must not be dated before the last evaluation: it moves the lifecycle clock', () => {
    spec
      .given(eventsOf(...owner, evaluate('2024-06-01T02:00:00+08:00')))
      .when(elsewhere)
      .thenError('BeforeLastEvaluation')
  })
  it('is recorded for a prospect, who has no owner stage to lose', () => {
    const c = contact('in-1', '2024-01-12T10:00:00+08:00', 'went-elsewhere')
    spec
      .given(eventsOf(register()))
      .when(c)
      .then([{ type: 'InboundContactRecorded', data: c.data }])
  })
  it('waits for a manual override to expire, then the evaluation finds them lost', () => {
    const override = cmd('OverrideStage', {
      at: '2024-04-01T10:00:00+08:00',
      stage: 'stable',
      reason: 'fleet contract renewed',
      expiresAt: '2024-06-01T10:00:00+08:00',
    })
    const held = eventsOf(...owner, override)
    expect(
      spec
        .given(held)
        .when(elsewhere)
        .events()
        .map((e) => e.type),
    ).toEqual(['InboundContactRecorded'])
    const [change] = stageChanges(
      spec
        .given(eventsOf(...owner, override, elsewhere))
        .when(evaluate('2024-06-02T02:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ from: 'stable', to: 'lost', cause: 'evaluation' })
  })
})
