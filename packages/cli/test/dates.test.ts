import { join } from 'node:path'
import { parseInstant } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCalendarDay, parseTypedTime } from '../src/dates.js'
import { UsageError } from '../src/io.js'
import { run, tempDir, writeSqliteLog } from './fixtures.js'

describe('dates a user types', () => {
  it('are ISO 8601 with a zone, or a bare date read as the start of that day in China time', () => {
    expect(parseTypedTime('<time>', '2026-03-01T09:30:00+08:00')).toEqual({
      time: new Date('2026-03-01T01:30:00Z'),
      assumed: null,
    })
    expect(parseTypedTime('<time>', '2026-03-01T01:30:00.250Z').time.toISOString()).toBe(
      '2026-03-01T01:30:00.250Z',
    )
    expect(parseTypedTime('<time>', '2026-03-01')).toEqual({
      time: new Date('2026-02-28T16:00:00Z'),
      assumed: '2026-03-01 read as 2026-03-01T00:00:00+08:00 (the start of the day in China time, UTC+08:00)',
    })
  })

  it('refuse impossible days, a time without a zone and trailing text, naming what is wrong', () => {
    const refused = (raw: string) => {
      try {
        parseTypedTime('<time>', raw)
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError)
        expect((error as UsageError).exitCode).toBe(2)
        return (error as Error).message
      }
      throw new Error(`${raw} was accepted`)
    }
    expect(refused('2026-02-30')).toBe('<time> "2026-02-30": 2026-02-30 is not a day of the calendar')
    expect(refused('2025-02-29T10:00:00Z')).toMatch(/2025-02-29 is not a day of the calendar/)
    expect(refused('2026-01-30 junk')).toMatch(/^<time> "2026-01-30 junk" is not an ISO 8601 date/)
    expect(refused('2026-03-01T09:00')).toBe(
      '<time> "2026-03-01T09:00" has no time zone: add Z (UTC) or an offset such as +08:00 (China time)',
    )
    expect(refused('2026-03-01 09:00:00')).toMatch(/has no time zone/)
    expect(refused(' 2026-03-01')).toMatch(/is not an ISO 8601 date/)
    expect(refused('2026-03-01T25:00:00Z')).toMatch(/is not an ISO 8601 date/)
    expect(() => parseCalendarDay('--start', '2026-02-30')).toThrow(/is not a day of the calendar/)
    expect(() => parseCalendarDay('--start', '2026-3-1')).toThrow(/is not a day in the form YYYY-MM-DD/)
  })

  it('read every instant as the kernel does, and refuse it with any text after it', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('Z', '+08:00', '-05:30', '+00:00'),
        fc.string({ minLength: 1, maxLength: 6 }),
        (date, zone, junk) => {
          const shift =
            zone === 'Z'
              ? 0
              : (zone.startsWith('-') ? -1 : 1) *
                (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4))) *
                60_000
          const local = new Date(date.getTime() + shift).toISOString().slice(0, 23)
          const text = `${local}${zone}`
          expect(parseTypedTime('t', text).time.getTime()).toBe(parseInstant(text))
          expect(parseTypedTime('t', text).time.getTime()).toBe(date.getTime())
          expect(() => parseTypedTime('t', `${text}${junk}`)).toThrow(UsageError)
        },
      ),
    )
  })
})

describe('dates on the command line', () => {
  const dir = tempDir()
  const db = join(dir.path, 'dealer.db')
  beforeAll(() => writeSqliteLog(db))
  afterAll(() => dir.remove())

  it('as-of refuses 2026-02-30 and trailing text with exit 2, before opening anything', async () => {
    for (const [raw, message] of [
      ['2026-02-30', 'dealer-crm: as-of: <time> "2026-02-30": 2026-02-30 is not a day of the calendar\n'],
      [
        '2026-01-30 junk',
        expect.stringMatching(/^dealer-crm: as-of: <time> "2026-01-30 junk" is not an ISO 8601/),
      ],
      ['2026-03-04T09:00', expect.stringMatching(/has no time zone: add Z \(UTC\) or an offset/)],
    ] as const)
      expect(await run('as-of', raw, '--db', join(dir.path, 'missing.db'))).toMatchObject({
        code: 2,
        stdout: '',
        stderr: message,
      })
  })

  it('as-of with a bare date says in its output which instant it read', async () => {
    const r = await run('as-of', '2026-03-04', '--db', db, '--projection', 'referralMetrics')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).asOf).toEqual({
      time: '2026-03-03T16:00:00.000Z',
      read: '2026-03-04 read as 2026-03-04T00:00:00+08:00 (the start of the day in China time, UTC+08:00)',
    })
    expect(r.stderr).toContain('as-of: 2026-03-04 read as 2026-03-04T00:00:00+08:00')
    const table = await run(
      'as-of',
      '2026-03-04',
      '--db',
      db,
      '--projection',
      'referralMetrics',
      '--format',
      'table',
    )
    expect(table.stdout.split('\n')[0]).toBe(
      'as of 2026-03-04 read as 2026-03-04T00:00:00+08:00 (the start of the day in China time, UTC+08:00)',
    )
  })

  it('demo refuses a --start that is not a day of the calendar', async () => {
    const r = await run('demo', '--start', '2026-02-30', '--out', join(dir.path, 'never.db'))
    expect(r).toMatchObject({ code: 2, stdout: '' })
    expect(r.stderr).toBe('dealer-crm: demo: --start "2026-02-30" is not a day of the calendar\n')
  })
})
