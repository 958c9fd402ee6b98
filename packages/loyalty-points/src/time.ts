import * as t from 'io-ts'

const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

/** A real calendar moment: 2026-02-30 is refused, not rolled over to March. */
const isInstant = (u: unknown): u is string => {
  if (typeof u !== 'string' || !isoUtc.test(u)) return false
  const ms = Date.parse(u)
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === u.slice(0, 19)
}

/**
 * A moment in UTC as an ISO-8601 string (`2026-03-01T09:00:00Z`). Time enters the domain only
 * through commands (ARCHITECTURE.md, "The domain is pure and replayable"); strings keep events
 * lossless in JSON.
 */
export const Instant = new t.Type<string, string, unknown>(
  'Instant',
  isInstant,
  (u, c) =>
    isInstant(u)
      ? t.success(u)
      : t.failure(
          u,
          c,
          `expected an ISO-8601 UTC time such as 2026-03-01T09:00:00Z, got ${JSON.stringify(u)}`,
        ),
  t.identity,
)
export type Instant = t.TypeOf<typeof Instant>

const DAY_MS = 86_400_000

export const millis = (at: Instant): number => Date.parse(at)

export const isBefore = (a: Instant, b: Instant): boolean => millis(a) < millis(b)

export const isAtOrAfter = (a: Instant, b: Instant): boolean => millis(a) >= millis(b)

export const later = (a: Instant, b: Instant): Instant => (isBefore(a, b) ? b : a)

export const addDays = (at: Instant, days: number): Instant =>
  new Date(millis(at) + days * DAY_MS).toISOString()

/** Calendar months, keeping the day of month where it exists (31 Jan + 1 month = 28/29 Feb). */
export const addMonths = (at: Instant, months: number): Instant => {
  const d = new Date(millis(at))
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, lastDay))
  return d.toISOString()
}
