import { decodeCommand } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ReferralCommand, RegisterReferral, referralCommandTypes } from '../src/index.js'
import { malformedReferralCommandFor, referralCommandBreakages } from '../src/testing.js'
import { liSi, referralId, zhangSan } from './fixtures.js'

const registration = (referrer: Record<string, unknown>) => ({
  type: 'RegisterReferral',
  data: {
    referralId,
    referee: liSi,
    referrer,
    reportedBy: { id: 'consultant-wang', role: 'sales-consultant' },
    registeredBy: { id: 'duty-manager-liu', role: 'duty-manager' },
    refereeDeliveredAt: null,
    refereeLiveReferralId: null,
    at: '2026-03-01T10:00:00+08:00',
  },
})

const pathsOf = (input: unknown): ReadonlyArray<string> => {
  const decoded = decodeCommand(ReferralCommand, input)
  if (decoded._tag === 'Right') throw new Error('the malformed command was accepted')
  expect(decoded.left.code).toBe('CommandValidationError')
  return decoded.left.errors.map((e) => e.path)
}

describe('bad input is refused with the path of the bad field', () => {
  it('a phone that is not a mainland mobile number', () => {
    expect(pathsOf(registration({ ...zhangSan, phone: '12345' }))).toEqual(['data.referrer.phone'])
    const decoded = decodeCommand(RegisterReferral, registration({ ...zhangSan, phone: 'call me' }))
    expect(decoded._tag === 'Left' && decoded.left.message).toContain(
      'data.referrer.phone: expected Phone, got "call me"',
    )
  })

  it('a landline or a foreign number is not a mainland mobile number; any notation of one is', () => {
    expect(pathsOf(registration({ ...zhangSan, phone: '010-6552 1234' }))).toEqual(['data.referrer.phone'])
    expect(pathsOf(registration({ ...zhangSan, phone: '+1 415 555 0100' }))).toEqual(['data.referrer.phone'])
    for (const phone of ['＋８６　１３８－００１３－８０００', '0086 (138) 0013 8000', '+8613800138000'])
      expect(decodeCommand(ReferralCommand, registration({ ...zhangSan, phone }))._tag, phone).toBe('Right')
  })

  it('a colour that is a code, not a colour in words', () => {
    expect(
      pathsOf(registration({ ...zhangSan, vehicle: { ...zhangSan.vehicle, colour: '#FFFFFF' } })),
    ).toEqual(['data.referrer.vehicle.colour'])
  })

  it('missing referrer facts: name, phone, model and colour are all required', () => {
    const { name: _name, phone: _phone, ...withoutNameAndPhone } = zhangSan
    expect(pathsOf(registration(withoutNameAndPhone))).toEqual(['data.referrer.name', 'data.referrer.phone'])
    expect(pathsOf(registration({ ...zhangSan, vehicle: { gearbox: null } }))).toEqual([
      'data.referrer.vehicle.model',
      'data.referrer.vehicle.colour',
    ])
  })

  it('a time without a zone, or not a time at all', () => {
    expect(
      pathsOf({
        ...registration(zhangSan),
        data: { ...registration(zhangSan).data, at: '2026-03-01 10:00' },
      }),
    ).toEqual(['data.at'])
  })

  it('an unknown command names its type', () => {
    const decoded = decodeCommand(ReferralCommand, { type: 'PayEveryone', data: {} })
    expect(decoded._tag).toBe('Left')
  })

  // Every breakage of every command type, each on random commands of its type: what is covered does not
  // depend on the draw (a random pick of breakages once missed a type in 2 runs of 16).
  it('every command type is broken in every listed way', () => {
    expect([...new Set(referralCommandBreakages.map((b) => b.type))].sort()).toEqual(
      [...referralCommandTypes].sort(),
    )
  })

  it.each(referralCommandBreakages.map((b) => [b.type, b.path.join('.'), b] as const))(
    '%s with %s broken is refused naming that field (random commands of the type)',
    (_type, _path, breakage) => {
      fc.assert(
        fc.property(malformedReferralCommandFor(breakage), ({ type, input, path }) => {
          expect((input as { type: string }).type).toBe(type)
          const decoded = decodeCommand(ReferralCommand, input)
          return decoded._tag === 'Left' && decoded.left.errors.some((e) => e.path === path)
        }),
        { numRuns: 25 },
      )
    },
  )
})
