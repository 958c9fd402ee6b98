const DAY_MS = 86_400_000

export const ms = (at: string): number => Date.parse(at)

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.floor((ms(to) - ms(from)) / DAY_MS)

export const addDays = (at: string, days: number): string => new Date(ms(at) + days * DAY_MS).toISOString()

export const isBefore = (a: string, b: string): boolean => ms(a) < ms(b)

export const latest = (times: ReadonlyArray<string>): string | null =>
  times.reduce<string | null>((acc, t) => (acc === null || ms(t) > ms(acc) ? t : acc), null)

/** Minutes after local midnight at the given offset from UTC. */
export const localMinuteOfDay = (at: string, utcOffsetMinutes: number): number => {
  const minutes = Math.floor(ms(at) / 60_000) + utcOffsetMinutes
  return ((minutes % 1440) + 1440) % 1440
}
