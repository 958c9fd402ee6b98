import {
  actor,
  addCalendarMonths,
  businessDate,
  CalendarDate,
  Count,
  CustomerId,
  calendarDaysBetween,
  command,
  commandUnion,
  decodeCommand,
  elapsedDays,
  Fen,
  formatYuan,
  type Instant,
  Instant as InstantCodec,
  identifier,
  instantOf,
  PositiveInt,
  Text,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'

const decoded = <A, O>(codec: t.Type<A, O, unknown>, input: unknown): A => {
  const result = codec.decode(input)
  if (result._tag === 'Left') throw new Error(`refused ${JSON.stringify(input)}`)
  return result.right
}
const refused = <A, O>(codec: t.Type<A, O, unknown>, input: unknown): boolean =>
  codec.decode(input)._tag === 'Left'

const at = (text: string): Instant => decoded(InstantCodec, text)

describe('Instant: one rule for time in every domain', () => {
  it('accepts any offset and decodes to the UTC form', () => {
    expect(at('2026-03-01T09:30:00+08:00')).toBe('2026-03-01T01:30:00.000Z')
    expect(at('2026-03-01T01:30:00Z')).toBe('2026-03-01T01:30:00.000Z')
    expect(at('2026-03-01T01:30Z')).toBe('2026-03-01T01:30:00.000Z')
    expect(at('2026-02-28T23:30:00.123456789-05:00')).toBe('2026-03-01T04:30:00.123Z')
  })

  it('refuses impossible days, junk, and times without an offset, naming the expected form', () => {
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-01-30 junk',
      '2026-01-30T10:00:00',
      '2026-01-30',
      '2026-01-30T24:00:00Z',
      '2026-01-30T10:00:00+8:00',
      '',
      42,
      null,
    ])
      expect(refused(InstantCodec, bad), JSON.stringify(bad)).toBe(true)
    const result = InstantCodec.decode('2026-02-30T10:00:00Z')
    expect(result._tag === 'Left' && result.left[0]?.message).toContain('ISO 8601')
  })

  it('the same moment written with any offset decodes to the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const ms = date.getTime() - (date.getTime() % 1000)
          const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19)
          const sign = offsetMinutes < 0 ? '-' : '+'
          const abs = Math.abs(offsetMinutes)
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
          expect(at(`${local}${offset}`)).toBe(new Date(ms).toISOString())
        },
      ),
    )
  })

  it('a decoded instant passes the codec again unchanged', () => {
    const once = at('2026-03-01T09:30:00+08:00')
    expect(InstantCodec.is(once)).toBe(true)
    expect(at(once)).toBe(once)
    expect(InstantCodec.is('2026-03-01T09:30:00+08:00')).toBe(false)
  })
})

describe('calendar questions are answered in the business zone', () => {
  it('the business day of an instant is the day in Asia/Shanghai, whatever the machine zone', () => {
    expect(businessDate(at('2026-03-01T16:30:00Z'))).toBe('2026-03-02')
    expect(businessDate(at('2026-03-01T16:30:00Z'), 'Europe/London')).toBe('2026-03-01')
  })

  it('counts calendar days across local midnight and elapsed days by 24 hours', () => {
    const lateEvening = at('2026-03-01T23:59:00+08:00')
    const earlyMorning = at('2026-03-02T00:01:00+08:00')
    expect(calendarDaysBetween(lateEvening, earlyMorning)).toBe(1)
    expect(elapsedDays(lateEvening, earlyMorning)).toBe(0)
  })

  it('adds calendar months keeping the day where it exists and the local time', () => {
    expect(addCalendarMonths(at('2026-01-31T10:00:00+08:00'), 1)).toBe(at('2026-02-28T10:00:00+08:00'))
    expect(addCalendarMonths(at('2026-03-31T00:30:00+08:00'), 24)).toBe(at('2028-03-31T00:30:00+08:00'))
    expect(instantOf(Date.parse('2026-03-01T00:00:00Z'))).toBe('2026-03-01T00:00:00.000Z')
  })

  it('a calendar date must exist', () => {
    expect(decoded(CalendarDate, '2024-02-29')).toBe('2024-02-29')
    expect(refused(CalendarDate, '2026-02-29')).toBe(true)
    expect(refused(CalendarDate, '2026-2-1')).toBe(true)
  })
})

describe('identifiers and actors', () => {
  it('an identifier has 1 to 200 characters and no whitespace', () => {
    expect(decoded(CustomerId, 'c-00042')).toBe('c-00042')
    expect(decoded(CustomerId, '张三-1')).toBe('张三-1')
    expect(decoded(CustomerId, 'x'.repeat(200))).toHaveLength(200)
    for (const bad of ['', ' ', 'zhang san', 'a\tb', 'x'.repeat(201), 7, null])
      expect(refused(CustomerId, bad), JSON.stringify(bad)).toBe(true)
    const result = identifier('ReferralId').decode('a b')
    expect(result._tag === 'Left' && result.left[0]?.message).toContain('ReferralId')
  })

  it('an actor names one of the roles its domain declares', () => {
    const Actor = actor(['duty-manager', 'call-back-staff'])
    expect(decoded(Actor, { id: 'li', role: 'duty-manager' })).toEqual({ id: 'li', role: 'duty-manager' })
    expect(refused(Actor, { id: 'li', role: 'cashier' })).toBe(true)
    expect(refused(Actor, { id: '', role: 'duty-manager' })).toBe(true)
  })
})

describe('commands of a domain as one union', () => {
  const Open = command('Open', t.type({ accountId: CustomerId, at: InstantCodec }))
  const Close = command('Close', t.type({ accountId: CustomerId, reason: t.string }))
  const AccountCommand = commandUnion('AccountCommand', [Open, Close])

  it('decodes each command by its type, normalising its instant', () => {
    const result = decodeCommand(AccountCommand, {
      type: 'Open',
      data: { accountId: 'a-1', at: '2026-03-01T09:30:00+08:00' },
    })
    expect(result).toEqual({
      _tag: 'Right',
      right: { type: 'Open', data: { accountId: 'a-1', at: '2026-03-01T01:30:00.000Z' } },
    })
  })

  it('names the failing field of the command its type chose, or the known types', () => {
    const malformed = decodeCommand(AccountCommand, { type: 'Close', data: { accountId: 'a-1', reason: 3 } })
    expect(malformed._tag === 'Left' && malformed.left.errors.map((e) => e.path)).toEqual(['data.reason'])
    const unknown = decodeCommand(AccountCommand, { type: 'Reopen', data: {} })
    expect(unknown._tag === 'Left' && unknown.left.errors[0]?.message).toContain('Open, Close')
  })
})

describe('amounts, counts and text', () => {
  it('money is whole fen, never negative or fractional', () => {
    expect(decoded(Fen, 0)).toBe(0)
    expect(decoded(Fen, 125_000)).toBe(125_000)
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, '100', null])
      expect(refused(Fen, bad)).toBe(true)
    expect(formatYuan(125_000)).toBe('¥1,250.00')
    expect(formatYuan(5)).toBe('¥0.05')
  })

  it('counts start at zero, positive integers at one, text must say something', () => {
    expect(decoded(Count, 0)).toBe(0)
    expect(refused(Count, -1)).toBe(true)
    expect(refused(PositiveInt, 0)).toBe(true)
    expect(decoded(PositiveInt, 1)).toBe(1)
    expect(decoded(Text, '客户不满意')).toBe('客户不满意')
    expect(refused(Text, '  ')).toBe(true)
  })
})
