/** Milliseconds in a minute, an hour and a day. */
export const MINUTE = 60_000
export const HOUR = 3_600_000
export const DAY = 86_400_000

/** China time is UTC+8 all year (no daylight saving). */
const CHINA_OFFSET = 8 * HOUR

/** Midnight, China time, of an ISO calendar day, as epoch milliseconds. */
export const chinaMidnight = (day: string): number => Date.parse(`${day}T00:00:00+08:00`)

/** Midnight, China time, of the day holding the instant `ms`. */
export const midnightOf = (ms: number): number => {
  const local = ms + CHINA_OFFSET
  return local - (local % DAY) - CHINA_OFFSET
}

/** An instant as the domains want it: ISO-8601 in UTC with milliseconds (`2026-01-05T02:00:00.000Z`). */
export const iso = (ms: number): string => new Date(ms).toISOString()

/** Day of the week in China time: 0 Sunday … 6 Saturday. */
export const weekday = (ms: number): number => new Date(ms + CHINA_OFFSET).getUTCDay()

/** The calendar day in China time (`2026-03-02`). */
export const chinaDay = (ms: number): string => new Date(ms + CHINA_OFFSET).toISOString().slice(0, 10)

/** Month (1–12) and day of the month in China time. */
export const chinaMonthDay = (ms: number): { month: number; day: number } => {
  const d = new Date(ms + CHINA_OFFSET)
  return { month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

/** The hour of the day in China time, with minutes as a fraction. */
export const chinaHour = (ms: number): number => {
  const d = new Date(ms + CHINA_OFFSET)
  return d.getUTCHours() + d.getUTCMinutes() / 60
}
