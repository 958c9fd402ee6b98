import { TZDate } from '@date-fns/tz'
import { addMonths, differenceInCalendarDays, format } from 'date-fns'
import * as t from 'io-ts'

/**
 * Time in every domain, one rule: an instant is ISO 8601 text with a date, a time and an offset
 * (`2026-03-01T09:30:00+08:00` or `…Z`), decoded to its UTC form (`2026-03-01T01:30:00.000Z`).
 * Calendar questions (which day, a month later) are answered in the business time zone, a policy
 * value (Asia/Shanghai by default), never in the zone of the machine that runs the code.
 */
export type Instant = t.Branded<string, { readonly Instant: symbol }>

/** The zone of the dealership's calendar unless a policy says otherwise. */
export const defaultBusinessZone = 'Asia/Shanghai'

const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/
const utcForm = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/

/** The day exists in the Gregorian calendar (Date.parse would roll 30 February over to 2 March). */
const isCalendarDay = (year: number, month: number, day: number): boolean => {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Epoch milliseconds of ISO 8601 text with an offset, or null when it is not one. */
export const parseInstant = (text: string): number | null => {
  const m = isoInstant.exec(text)
  if (m === null || !isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) return null
  const fraction = (m[7] ?? '').slice(0, 4) // milliseconds: the precision an instant keeps
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${fraction}${m[8]}`)
  return Number.isNaN(ms) ? null : ms
}

const isInstant = (u: unknown): u is Instant =>
  typeof u === 'string' && utcForm.test(u) && parseInstant(u) !== null

/** The instant codec every command and event of every domain uses. */
export const Instant = new t.Type<Instant, string, unknown>(
  'Instant',
  isInstant,
  (u, c) => {
    const ms = typeof u === 'string' ? parseInstant(u) : null
    return ms === null
      ? t.failure(
          u,
          c,
          `expected an ISO 8601 date and time with an offset, such as 2026-03-01T09:30:00+08:00, got ${JSON.stringify(u)}`,
        )
      : t.success(new Date(ms).toISOString() as Instant)
  },
  t.identity,
)

/** A calendar day without a time (a birthday): `YYYY-MM-DD`, a day that exists. */
export type CalendarDate = t.Branded<string, { readonly CalendarDate: symbol }>

const isCalendarDate = (u: unknown): u is CalendarDate => {
  const m = typeof u === 'string' ? isoDate.exec(u) : null
  return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))
}

export const CalendarDate = new t.Type<CalendarDate, string, unknown>(
  'CalendarDate',
  isCalendarDate,
  (u, c) =>
    isCalendarDate(u)
      ? t.success(u)
      : t.failure(u, c, `expected a calendar day such as 1985-06-30, got ${JSON.stringify(u)}`),
  t.identity,
)

/** An instant from a clock reading. */
export const instantOf = (time: Date | number): Instant => new Date(time).toISOString() as Instant

export const epochMs = (at: Instant): number => Date.parse(at)

/** `a` is strictly before `b`. */
export const isBefore = (a: Instant, b: Instant): boolean => epochMs(a) < epochMs(b)

/** The later of two instants. */
export const later = (a: Instant, b: Instant): Instant => (isBefore(a, b) ? b : a)

const DAY_MS = 86_400_000

/** Elapsed whole days of 24 hours from `from` to `to` (negative when `to` is earlier). */
export const elapsedDays = (from: Instant, to: Instant): number =>
  Math.floor((epochMs(to) - epochMs(from)) / DAY_MS)

/** The instant `days` × 24 hours later (earlier when negative). */
export const addElapsedDays = (at: Instant, days: number): Instant => instantOf(epochMs(at) + days * DAY_MS)

/** The day an instant falls on in the business zone, as `YYYY-MM-DD`. */
export const businessDate = (at: Instant, zone: string = defaultBusinessZone): CalendarDate =>
  format(new TZDate(epochMs(at), zone), 'yyyy-MM-dd') as CalendarDate

/** Calendar days between the business days of two instants (1 from 23:59 to 00:01 the next day). */
export const calendarDaysBetween = (from: Instant, to: Instant, zone: string = defaultBusinessZone): number =>
  differenceInCalendarDays(new TZDate(epochMs(to), zone), new TZDate(epochMs(from), zone))

/**
 * Calendar months later in the business zone, keeping the day of the month where it exists
 * (31 January + 1 month = 28 or 29 February) and the local time of day.
 */
export const addCalendarMonths = (at: Instant, months: number, zone: string = defaultBusinessZone): Instant =>
  instantOf(addMonths(new TZDate(epochMs(at), zone), months).getTime())
