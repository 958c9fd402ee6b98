import { decodeCommand } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inboundContactRecorded, prospectRegistered, stageChanged } from '../src/events.js'
import { defaultLifecyclePolicy, LifecycleCommand, LifecyclePolicy, lifecycleEvents } from '../src/index.js'
import {
  lifecycleAnyVinArb,
  lifecycleBadPhoneArb,
  lifecycleBadVinArb,
  lifecycleCommandArb,
  lifecycleHistoryArb,
  lifecyclePhoneArb,
  lifecyclePolicyArb,
} from '../src/testing.js'
import { cmd, deliver, eventsOf, register, withData } from './support.js'

describe('event codecs', () => {
  it('every recorded event encodes to JSON and decodes back unchanged', () => {
    fc.assert(
      fc.property(lifecycleHistoryArb(), (events) => {
        for (const e of events) {
          const type = lifecycleEvents.get(e.type)
          if (type === undefined) throw new Error(`${e.type} is not registered`)
          const stored = JSON.parse(JSON.stringify(type.codec.encode(e.data)))
          const decoded = type.decodeVersion(type.schemaVersion, stored)
          expect(decoded).toEqual({ _tag: 'Right', right: e.data })
        }
      }),
      { numRuns: 100 },
    )
  })
  it('marks personal data for encryption and names whose it is', () => {
    const [registered] = eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'))
    if (registered?.type !== 'ProspectRegistered') throw new Error('expected a registration')
    const stored = prospectRegistered.codec.encode(registered.data)
    expect(stored.name).toEqual({ $pii: '张三' })
    expect(stored.phone).toEqual({ $pii: '13812345678' })
    expect(stored.birthday).toEqual({ $pii: '1985-06-30' })
    expect(stored.phoneHash).toBe('a'.repeat(64))
    expect(prospectRegistered.subject?.(registered.data)).toBe('c-1')
  })
  it('every event type with personal data says whose it is', () => {
    for (const type of [
      'ProspectRegistered',
      'FamilyMemberRecorded',
      'VehicleDelivered',
      'InboundContactRecorded',
    ])
      expect(lifecycleEvents.get(type)?.subject).toBeDefined()
  })
  it('keeps the note of an inbound contact as personal data', () => {
    const recordedContact = eventsOf(
      register(),
      cmd('RecordInboundContact', {
        contactId: 'in-1',
        at: '2024-03-05T10:00:00+08:00',
        channel: 'call',
        topic: 'enquiry',
        note: 'her brother-in-law services the car now',
      }),
    ).at(-1)
    if (recordedContact?.type !== 'InboundContactRecorded') throw new Error('expected an inbound contact')
    const stored = inboundContactRecorded.codec.encode(recordedContact.data)
    expect(stored.note).toEqual({ $pii: 'her brother-in-law services the car now' })
  })
  it('an erased personal value decodes as erased', () => {
    const [registered] = eventsOf(register())
    if (registered?.type !== 'ProspectRegistered') throw new Error('expected a registration')
    const stored = { ...prospectRegistered.codec.encode(registered.data), name: { $erased: 'c-1' } }
    const decoded = prospectRegistered.decodeVersion(1, stored)
    expect(decoded._tag === 'Right' && decoded.right.name).toEqual({ erased: true, subjectId: 'c-1' })
  })
})

describe('command codecs over generated input', () => {
  it('accept every generated command', () => {
    fc.assert(
      fc.property(lifecycleCommandArb(), (c) => {
        expect(decodeCommand(LifecycleCommand, c)._tag).toBe('Right')
      }),
      { numRuns: 300 },
    )
  })
  it('accept valid phones and VINs, and refuse bad ones at their field path', () => {
    fc.assert(
      fc.property(
        lifecyclePhoneArb,
        lifecycleAnyVinArb,
        lifecycleBadPhoneArb,
        lifecycleBadVinArb,
        (phone, vin, badPhone, badVin) => {
          const prospect = register()
          const delivery = deliver('2024-02-01T10:00:00+08:00')
          expect(decodeCommand(LifecycleCommand, withData(prospect, { phone }))._tag).toBe('Right')
          expect(decodeCommand(LifecycleCommand, withData(delivery, { vin }))._tag).toBe('Right')
          const phoneResult = decodeCommand(LifecycleCommand, {
            ...prospect,
            data: { ...prospect.data, phone: badPhone },
          })
          expect(phoneResult._tag === 'Left' && phoneResult.left.errors.map((e) => e.path)).toEqual([
            'data.phone',
          ])
          const vinResult = decodeCommand(LifecycleCommand, {
            ...delivery,
            data: { ...delivery.data, vin: badVin },
          })
          expect(vinResult._tag === 'Left' && vinResult.left.errors.map((e) => e.path)).toEqual(['data.vin'])
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('StageChanged v1 (before the evidence said when the customer was last seen)', () => {
  const v1 = {
    customerId: 'c-1',
    at: '2025-01-01T10:00:00+08:00',
    from: 'declining',
    to: 'at-risk',
    cause: 'evaluation',
    evidence: {
      lastVisitAt: '2024-03-01T10:00:00+08:00',
      lastDeliveryAt: '2024-04-01T10:00:00+08:00',
      projectedDueDate: '2024-09-28T02:00:00.000Z',
      daysSinceLastVisit: 306,
      daysOverdue: 95,
      expectedIntervalDays: null,
      intervalBasis: 'policy-default',
      atRiskAfterDays: 270,
      lostAfterDays: 540,
      vehiclesOwned: 2,
      policyVersion: 'lifecycle-2026.1',
    },
    probationEndsAt: null,
  }
  it('is read as v2, measured from the later of the last visit and delivery, as v1 measured it', () => {
    expect(stageChanged.schemaVersion).toBe(2)
    const decoded = stageChanged.decodeVersion(1, v1)
    // Instants stored with an offset read in UTC (the kernel Instant).
    expect(decoded).toEqual({
      _tag: 'Right',
      right: {
        ...v1,
        at: '2025-01-01T02:00:00.000Z',
        evidence: {
          ...v1.evidence,
          lastVisitAt: '2024-03-01T02:00:00.000Z',
          lastDeliveryAt: '2024-04-01T02:00:00.000Z',
          lastSeenAt: '2024-04-01T02:00:00.000Z',
          daysSinceLastSeen: 275,
          saidWentElsewhereAt: null,
          neverServicedAfterDays: null,
        },
      },
    })
  })
  it('a v1 event never had the cause inbound-contact, and v2 data is not v1', () => {
    expect(stageChanged.decodeVersion(1, { ...v1, cause: 'inbound-contact' })._tag).toBe('Left')
    expect(stageChanged.decodeVersion(2, v1)._tag).toBe('Left')
  })
})

describe('the policy codec', () => {
  const decodePolicy = (patch: object) =>
    decodeCommand(LifecyclePolicy, { ...defaultLifecyclePolicy, ...patch })
  it('accepts the default policy and every generated one', () => {
    expect(decodePolicy({})).toEqual({ _tag: 'Right', right: defaultLifecyclePolicy })
    fc.assert(
      fc.property(lifecyclePolicyArb, (policy) => {
        expect(decodeCommand(LifecyclePolicy, policy)._tag).toBe('Right')
      }),
      { numRuns: 100 },
    )
  })
  it.each([
    [{ atRiskMinDays: 400 }, 'atRiskMinDays'],
    [{ atRiskFallbackDays: 100 }, 'atRiskFallbackDays'],
    [{ lostAfterDays: 300 }, 'lostAfterDays'],
    [{ keyTierShare: 0 }, 'keyTierShare'],
    [{ serviceIntervalDays: 0 }, 'serviceIntervalDays'],
    [{ quietHours: { fromMinute: 1440, toMinute: 480, utcOffsetMinutes: 480 } }, 'quietHours.fromMinute'],
    [
      { consentRequired: { 'service-reminder': false, marketing: false, survey: false } },
      'consentRequired.marketing',
    ],
    [{ policyVersion: '' }, 'policyVersion'],
  ])('refuses %j at %s', (patch, path) => {
    const result = decodePolicy(patch)
    expect(result._tag === 'Left' && result.left.errors.map((e) => e.path)).toEqual([path])
  })
})
