import * as t from 'io-ts'

/**
 * A business calendar for SLA clocks (docs/domain.md §5 Complaints: "business calendar and holidays").
 * Pure functions over epoch milliseconds; days are the dealership's local days.
 */
export const BusinessCalendar = t.type(
  {
    /** Offset of the dealership's local time from UTC (China: +480, no daylight saving). */
    utcOffsetMinutes: t.number,
    /** Weekdays the clock runs, 0 = Sunday … 6 = Saturday. */
    workingWeekdays: t.readonlyArray(t.number),
    /** Minutes after local midnight when the clock starts and stops on a working day. */
    opensAtMinute: t.number,
    closesAtMinute: t.number,
    /** Local dates (YYYY-MM-DD) on which the clock does not run. */
    holidays: t.readonlyArray(t.string),
    /** Weekend dates worked in exchange for a holiday (调休), on which the clock runs. */
    makeUpWorkdays: t.readonlyArray(t.string),
  },
  'BusinessCalendar',
)
export type BusinessCalendar = t.TypeOf<typeof BusinessCalendar>

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000
/** No search for business time looks further ahead than ten years. */
const MAX_DAYS = 3660

const offsetMs = (calendar: BusinessCalendar): number => calendar.utcOffsetMinutes * MINUTE_MS

/** Epoch ms of the local midnight that starts the day containing `ms`. */
const localDayStart = (calendar: BusinessCalendar, ms: number): number =>
  Math.floor((ms + offsetMs(calendar)) / DAY_MS) * DAY_MS - offsetMs(calendar)

/** The local date (YYYY-MM-DD) of a local day that starts at `dayStart`. */
export const localDate = (calendar: BusinessCalendar, dayStart: number): string =>
  new Date(dayStart + offsetMs(calendar)).toISOString().slice(0, 10)

/** Whether the clock runs on the local day starting at `dayStart`. */
export const isWorkingDay = (calendar: BusinessCalendar, dayStart: number): boolean => {
  const date = localDate(calendar, dayStart)
  if (calendar.makeUpWorkdays.includes(date)) return true
  if (calendar.holidays.includes(date)) return false
  return calendar.workingWeekdays.includes(new Date(dayStart + offsetMs(calendar)).getUTCDay())
}

/** The opening window of a working day, or null on a day off. */
const openWindow = (calendar: BusinessCalendar, dayStart: number): readonly [number, number] | null =>
  isWorkingDay(calendar, dayStart) && calendar.closesAtMinute > calendar.opensAtMinute
    ? [dayStart + calendar.opensAtMinute * MINUTE_MS, dayStart + calendar.closesAtMinute * MINUTE_MS]
    : null

/** Business milliseconds between two moments: only opening hours of working days count. */
export const businessMsBetween = (calendar: BusinessCalendar, fromMs: number, toMs: number): number => {
  let total = 0
  for (let day = localDayStart(calendar, fromMs); day < toMs; day += DAY_MS) {
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
  for (let i = 0; i < MAX_DAYS; i++, day += DAY_MS) {
    const window = openWindow(calendar, day)
    if (window === null) continue
    const start = Math.max(fromMs, window[0])
    if (start >= window[1]) continue
    if (remaining <= window[1] - start) return start + remaining
    remaining -= window[1] - start
  }
  return null
}
