import * as t from 'io-ts'

/** A codec of `A` narrowed by a predicate, without a brand (so plain literals type-check). */
const refine = <A, O>(codec: t.Type<A, O, unknown>, accepts: (a: A) => boolean, name: string) =>
  new t.Type<A, O, unknown>(
    name,
    (u): u is A => codec.is(u) && accepts(u),
    (u, c) => {
      const decoded = codec.validate(u, c)
      return decoded._tag === 'Left' || accepts(decoded.right) ? decoded : t.failure(u, c)
    },
    codec.encode,
  )

const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/

/** The date exists in the calendar (Date.parse turns 30 February into 2 March). */
const isCalendarDate = (year: number, month: number, day: number): boolean => {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

const isInstant = (s: string): boolean => {
  const parts = isoInstant.exec(s)
  return (
    parts !== null &&
    isCalendarDate(Number(parts[1]), Number(parts[2]), Number(parts[3])) &&
    !Number.isNaN(Date.parse(s))
  )
}

/** A moment, as an ISO-8601 string with its offset; time enters the domain only this way. */
export const Instant = refine(t.string, isInstant, 'Instant')
export type Instant = t.TypeOf<typeof Instant>

/** Money in fen (minor units), never negative, never a float. */
export const Fen = refine(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Fen')

/** A whole discount percentage, 1 to 100. */
export const Percent = refine(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'Percent')

/** A positive whole number (loyalty points, counts). */
export const PositiveInt = refine(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInt')

/** A whole number, zero or more. */
export const Count = refine(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Count')

/** Text a clerk typed; it must say something. */
export const Text = refine(t.string, (s) => s.trim().length > 0, 'Text')

/** Milliseconds since the epoch of an instant (all comparisons go through this). */
export const epochMs = (at: Instant): number => Date.parse(at)

/** `a` is strictly before `b`. */
export const isBefore = (a: Instant, b: Instant): boolean => epochMs(a) < epochMs(b)

/** Fen as a clerk reads it: ¥1,250.00. */
export const yuan = (fen: number): string =>
  `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`
