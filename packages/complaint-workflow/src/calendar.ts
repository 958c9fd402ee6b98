import { TZDate } from '@date-fns/tz'
import { businessDate, defaultBusinessZone, instantOf } from '@dealer-crm/eventsourcing'
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' }
import { addDays, getDay, startOfDay } from 'date-fns'
import * as t from 'io-ts'

/**
 * Whose statutory holidays and 调休 make-up working days the clock follows: mainland China's, as the
 * State Council publishes them each year (from the `chinese-days` package's data), or none.
 */
export const StatutoryCalendar = t.keyof({ 'mainland-china': null, none: null }, 'StatutoryCalendar')
export type StatutoryCalendar = t.TypeOf<typeof StatutoryCalendar>

/**
 * A business calendar for SLA clocks (docs/domain.md §5 Complaints: "business calendar and holidays").
 * Days and hours are those of the business time zone; the statutory calendar decides which days are
 * public holidays and which weekend days are worked instead, and the dealership's own lists come on top.
 */
export const BusinessCalendar = t.type(
  {
    /** IANA time zone of the dealership's days and opening hours (default Asia/Shanghai). */
    zone: t.string,
    /** The public holidays and make-up working days that apply. */
    statutory: StatutoryCalendar,
    /** Weekdays the clock runs on an ordinary week, 0 = Sunday … 6 = Saturday. */
    workingWeekdays: t.readonlyArray(t.number),
    /** Minutes after local midnight when the clock starts and stops on a working day. */
    opensAtMinute: t.number,
    closesAtMinute: t.number,
    /** The dealership's own days off (local dates YYYY-MM-DD), besides the statutory holidays. */
    holidays: t.readonlyArray(t.string),
    /** The dealership's own working days (local dates): the clock runs on them whatever else says. */
    makeUpWorkdays: t.readonlyArray(t.string),
  },
  'BusinessCalendar',
)
export type BusinessCalendar = t.TypeOf<typeof BusinessCalendar>

/** Mainland China's statutory calendar, all day Monday to Friday, in Asia/Shanghai. */
export const mainlandChinaCalendar: BusinessCalendar = {
  zone: defaultBusinessZone,
  statutory: 'mainland-china',
  workingWeekdays: [1, 2, 3, 4, 5],
  opensAtMinute: 0,
  closesAtMinute: 24 * 60,
  holidays: [],
  makeUpWorkdays: [],
}

// The package's published data (dist/chinese-days.json, keyed by local date). Its functions are not
// used: they read dates in the zone of the machine that runs them, which moves every day by one west
// of Greenwich.
const statutoryHolidays: Readonly<Record<string, string>> = chineseDays.holidays
const statutoryWorkdays: Readonly<Record<string, string>> = chineseDays.workdays

const yearsIn = (dates: ReadonlyArray<string>): ReadonlyArray<number> =>
  [...new Set(dates.map((date) => Number(date.slice(0, 4))))].sort((a, b) => a - b)

/**
 * The years whose public holidays and make-up days the `mainland-china` calendar knows (2004 to 2026
 * with chinese-days 1.5.7). Outside them only the working weekdays and the dealership's own lists
 * count: add the year's days to `holidays` and `makeUpWorkdays` until a newer package has them.
 */
export const mainlandChinaYears: ReadonlyArray<number> = yearsIn(Object.keys(statutoryHolidays))

/** No search for business time looks further ahead than ten years. */
const MAX_DAYS = 3660

/** The local date (YYYY-MM-DD) of a local day that starts at `dayStart`. */
export const localDate = (calendar: BusinessCalendar, dayStart: number): string =>
  businessDate(instantOf(dayStart), calendar.zone)

/** Whether the clock runs on the local day starting at `dayStart`. */
export const isWorkingDay = (calendar: BusinessCalendar, dayStart: number): boolean => {
  const date = localDate(calendar, dayStart)
  if (calendar.makeUpWorkdays.includes(date)) return true
  if (calendar.holidays.includes(date)) return false
  if (calendar.statutory === 'mainland-china') {
    if (Object.hasOwn(statutoryWorkdays, date)) return true
    if (Object.hasOwn(statutoryHolidays, date)) return false
  }
  return calendar.workingWeekdays.includes(getDay(new TZDate(dayStart, calendar.zone)))
}

/** One local day of a calendar: where the next one starts, and its opening window (null on a day off). */
interface CalendarDay {
  readonly next: number
  readonly window: readonly [number, number] | null
}

/**
 * The days a calendar has been asked about, by the epoch ms of their local midnight. Reading a day in a
 * time zone takes the zone's rules (Intl), so each day is worked out once per calendar value.
 */
const knownDays = new WeakMap<BusinessCalendar, Map<number, CalendarDay>>()

/** The local midnight before each quarter of an hour a calendar was asked about (zone offsets are whole quarters). */
const knownDayStarts = new WeakMap<BusinessCalendar, Map<number, number>>()

const QUARTER_HOUR_MS = 900_000

const memoOf = <V>(memos: WeakMap<BusinessCalendar, Map<number, V>>, calendar: BusinessCalendar) => {
  const known = memos.get(calendar)
  if (known !== undefined) return known
  const fresh = new Map<number, V>()
  memos.set(calendar, fresh)
  return fresh
}

const calendarDay = (calendar: BusinessCalendar, dayStart: number): CalendarDay => {
  const days = memoOf(knownDays, calendar)
  const known = days.get(dayStart)
  if (known !== undefined) return known
  const local = new TZDate(dayStart, calendar.zone)
  // Opening hours are local wall-clock time (23 or 25 hours in a day where clocks change).
  const at = (minute: number) =>
    new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), 0, minute, calendar.zone).getTime()
  const day: CalendarDay = {
    next: addDays(local, 1).getTime(),
    window:
      calendar.closesAtMinute > calendar.opensAtMinute && isWorkingDay(calendar, dayStart)
        ? [at(calendar.opensAtMinute), at(calendar.closesAtMinute)]
        : null,
  }
  days.set(dayStart, day)
  return day
}

/** Business milliseconds between two moments: only opening hours of working days count. */
export const businessMsBetween = (calendar: BusinessCalendar, fromMs: number, toMs: number): number => {
  let total = 0
  for (let start = localDayStart(calendar, fromMs); start < toMs; ) {
    const { next, window } = calendarDay(calendar, start)
    if (window !== null) total += Math.max(0, Math.min(toMs, window[1]) - Math.max(fromMs, window[0]))
    start = next
  }
  return total
}

/** Epoch ms of the local midnight that starts the day containing `ms`. */
const localDayStart = (calendar: BusinessCalendar, ms: number): number => {
  const starts = memoOf(knownDayStarts, calendar)
  const quarter = Math.floor(ms / QUARTER_HOUR_MS)
  const known = starts.get(quarter)
  // A day start is reused only where it is right for `ms` too (a quarter hour never spans two days,
  // but an offset that is not a whole quarter could make one).
  if (known !== undefined && known <= ms && ms < calendarDay(calendar, known).next) return known
  const start = startOfDay(new TZDate(ms, calendar.zone)).getTime()
  starts.set(quarter, start)
  return start
}

/**
 * The moment at which `businessMs` of business time have passed after `fromMs`, or null if the
 * calendar has no such moment within ten years (a calendar with no working day).
 */
export const addBusinessMs = (
  calendar: BusinessCalendar,
  fromMs: number,
  businessMs: number,
): number | null => {
  let remaining = Math.max(0, businessMs)
  let dayStart = localDayStart(calendar, fromMs)
  for (let i = 0; i < MAX_DAYS; i++) {
    const { next, window } = calendarDay(calendar, dayStart)
    dayStart = next
    if (window === null) continue
    const start = Math.max(fromMs, window[0])
    if (start >= window[1]) continue
    if (remaining <= window[1] - start) return start + remaining
    remaining -= window[1] - start
  }
  return null
}
