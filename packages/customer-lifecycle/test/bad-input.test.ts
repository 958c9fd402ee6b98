import { decodeCommand } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  AssignValueTier,
  LifecycleCommand,
  OverrideStage,
  RecordDelivery,
  RecordFamilyMember,
  RecordSatisfaction,
  RegisterProspect,
  ScoreRfm,
} from '../src/index.js'
import { cmd, deliver, register, visit } from './support.js'

const failingPaths = <A, O>(codec: import('io-ts').Type<A, O, unknown>, input: unknown) => {
  const result = decodeCommand(codec, input)
  if (result._tag === 'Right') throw new Error('expected the command to be rejected')
  return result.left.errors
}

const withData = (c: { type: string; data: object }, patch: object) => ({
  ...c,
  data: { ...c.data, ...patch },
})

describe('commands reject malformed input with the field path', () => {
  it.each([
    ['123', 'too short'],
    ['23812345678', 'not a mobile prefix'],
    ['1381234567a', 'a letter'],
  ])('phone %s (%s)', (phone) => {
    const errors = failingPaths(RegisterProspect, withData(register(), { phone }))
    expect(errors.map((e) => e.path)).toEqual(['data.phone'])
    expect(errors[0]?.message).toContain('mainland mobile')
  })
  it('accepts a mobile with +86 and a landline', () => {
    expect(decodeCommand(RegisterProspect, withData(register(), { phone: '+8613812345678' }))._tag).toBe(
      'Right',
    )
    expect(decodeCommand(RegisterProspect, withData(register(), { phone: '020-87654321' }))._tag).toBe(
      'Right',
    )
  })
  it.each([
    ['LSGKB54U0BA12345', '16 characters'],
    ['LSGKB54U0BA1234567', '18 characters'],
    ['LSGKB54I0BA123456', 'the letter I'],
    ['LSGKB54O0BA123456', 'the letter O'],
    ['LSGKB54Q0BA123456', 'the letter Q'],
    ['lsgkb54u0ba123456', 'lower case'],
  ])('VIN %s (%s)', (vin) => {
    const errors = failingPaths(RecordDelivery, withData(deliver('2024-02-01T10:00:00+08:00'), { vin }))
    expect(errors.map((e) => e.path)).toEqual(['data.vin'])
    expect(errors[0]?.message).toContain('never the letters I, O or Q')
  })
  it('a VIN on a service visit too', () => {
    const errors = failingPaths(
      LifecycleCommand,
      withData(visit('2024-03-01T10:00:00+08:00', 10), { vin: 'SHORT' }),
    )
    expect(errors.map((e) => e.path)).toEqual(['data.vin'])
  })
  it.each([
    ['2024-02-30T10:00:00+08:00', 'no such day'],
    ['2024-02-01 10:00', 'no T and no offset'],
    ['yesterday', 'words'],
  ])('time %s (%s)', (at) => {
    expect(failingPaths(LifecycleCommand, withData(register(), { at })).map((e) => e.path)).toContain(
      'data.at',
    )
  })
  it('a birthday in the future', () => {
    const errors = failingPaths(
      RegisterProspect,
      withData(register('2024-01-10T10:00:00+08:00'), { birthday: '2024-01-11' }),
    )
    expect(errors.map((e) => e.path)).toEqual(['data.birthday'])
    expect(errors[0]?.message).toContain('cannot be in the future')
  })
  it('a family member’s birthday in the future', () => {
    const member = cmd('RecordFamilyMember', {
      memberId: 'm-1',
      at: '2024-01-10T10:00:00+08:00',
      relation: 'son',
      name: '张小明',
      birthday: '2030-01-01',
    })
    expect(failingPaths(RecordFamilyMember, member).map((e) => e.path)).toEqual(['data.birthday'])
  })
  it('a value window that ends in the future, or a rank beyond the portfolio', () => {
    const tier = cmd('AssignValueTier', {
      at: '2024-06-01T10:00:00+08:00',
      valueFen: 1_000_000,
      rank: 3,
      portfolioSize: 100,
      windowFrom: '2023-06-02T00:00:00+08:00',
      windowTo: '2024-07-01T00:00:00+08:00',
    })
    expect(failingPaths(AssignValueTier, tier).map((e) => e.path)).toEqual(['data.windowTo'])
    expect(
      failingPaths(AssignValueTier, withData(tier, { rank: 101, windowTo: '2024-06-01T00:00:00+08:00' })).map(
        (e) => e.path,
      ),
    ).toEqual(['data.rank'])
  })
  it('an override that expires before it is made', () => {
    const override = cmd('OverrideStage', {
      at: '2024-06-01T10:00:00+08:00',
      stage: 'lost',
      reason: 'went elsewhere',
      expiresAt: '2024-05-01T10:00:00+08:00',
    })
    expect(failingPaths(OverrideStage, override).map((e) => e.path)).toEqual(['data.expiresAt'])
    expect(
      failingPaths(
        OverrideStage,
        withData(override, { reason: '  ', expiresAt: '2024-07-01T10:00:00+08:00' }),
      ).map((e) => e.path),
    ).toEqual(['data.reason'])
  })
  it('money in fen, whole and not negative; RFM scores 1–5; survey scores 1–10', () => {
    expect(
      failingPaths(
        LifecycleCommand,
        withData(visit('2024-03-01T10:00:00+08:00', 10), { amountFen: 12.5 }),
      ).map((e) => e.path),
    ).toEqual(['data.amountFen'])
    expect(
      failingPaths(LifecycleCommand, withData(visit('2024-03-01T10:00:00+08:00', 10), { mileageKm: -1 })).map(
        (e) => e.path,
      ),
    ).toEqual(['data.mileageKm'])
    const rfm = cmd('ScoreRfm', { at: '2024-06-01T10:00:00+08:00', recency: 6, frequency: 0, monetary: 3 })
    expect(failingPaths(ScoreRfm, rfm).map((e) => e.path)).toEqual(['data.recency', 'data.frequency'])
    const survey = cmd('RecordSatisfaction', {
      surveyId: 's-1',
      at: '2024-06-01T10:00:00+08:00',
      touchpointId: null,
      channel: 'call',
      expectation: 11,
      score: 7,
    })
    expect(failingPaths(RecordSatisfaction, survey).map((e) => e.path)).toEqual(['data.expectation'])
  })
  it('an inbound contact by fax, about nothing known, at no time', () => {
    const contact = cmd('RecordInboundContact', {
      contactId: 'in-1',
      at: '2024-06-01T10:00:00+08:00',
      channel: 'walk-in',
      topic: 'went-elsewhere',
      note: '',
    })
    expect(decodeCommand(LifecycleCommand, contact)._tag).toBe('Right')
    expect(
      failingPaths(LifecycleCommand, withData(contact, { channel: 'fax', topic: 'gossip', at: '' })).map(
        (e) => e.path,
      ),
    ).toEqual(['data.at', 'data.channel', 'data.topic'])
  })
  it('an unknown command type, a missing actor, an unknown role', () => {
    expect(failingPaths(LifecycleCommand, { type: 'DeleteCustomer', data: {} }).map((e) => e.path)).toEqual([
      'type',
    ])
    const { by: _by, ...data } = register().data
    expect(failingPaths(LifecycleCommand, { type: 'RegisterProspect', data }).map((e) => e.path)).toEqual([
      'data.by',
    ])
    expect(
      failingPaths(LifecycleCommand, withData(register(), { by: { id: 'x', role: 'janitor' } })).map(
        (e) => e.path,
      ),
    ).toEqual(['data.by.role'])
  })
  it('names the command in the error', () => {
    const result = decodeCommand(LifecycleCommand, withData(register(), { phone: '1' }))
    expect(result._tag === 'Left' && result.left.message).toContain('RegisterProspect')
  })
})
