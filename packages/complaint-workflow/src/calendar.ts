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

/** Epoch ms of the local midnight that starts the day containing `ms`. */
const localDayStart = (calendar: BusinessCalendar, ms: number): number =>
  startOfDay(new TZDate(ms, calendar.zone)).getTime()

/** Epoch ms of the local midnight that starts the next day (23 or 25 hours later where clocks change). */
const nextDayStart = (calendar: BusinessCalendar, dayStart: number): number =>
  addDays(new TZDate(dayStart, calendar.zone), 1).getTime()

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

/** The opening window of a working day, or null on a day off (opening hours are local wall-clock time). */
const openWindow = (calendar: BusinessCalendar, dayStart: number): readonly [number, number] | null => {
  if (calendar.closesAtMinute <= calendar.opensAtMinute || !isWorkingDay(calendar, dayStart)) return null
  const day = new TZDate(dayStart, calendar.zone)
  const at = (minute: number) =>
    new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), 0, minute, calendar.zone).getTime()
  return [at(calendar.opensAtMinute), at(calendar.closesAtMinute)]
}

/** Business milliseconds between two moments: only opening hours of working days count. */
export const businessMsBetween = (calendar: BusinessCalendar, fromMs: number, toMs: number): number => {
  let total = 0
  for (let day = localDayStart(calendar, fromMs); day < toMs; day = nextDayStart(calendar, day)) {
    const window = openWindow(calendar, day)
    if (window !== null) total += Math.max(0, Math.min(toMs, window[1]) - Math.max(fromMs, window[0]))
  }
  return total
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
  let day = localDayStart(calendar, fromMs)
  for (let i = 0; i < MAX_DAYS; i++, day = nextDayStart(calendar, day)) {
    const window = openWindow(calendar, day)
    if (window === null) continue
    const start = Math.max(fromMs, window[0])
    if (start >= window[1]) continue
    if (remaining <= window[1] - start) return start + remaining
    remaining -= window[1] - start
  }
  return null
}
