import { parseInstant } from '@dealer-crm/eventsourcing'
import { UsageError } from './io.js'

/** A point in time a user typed, and how it was read (said in the output when a zone was assumed). */
export interface TypedTime {
  readonly time: Date
  /** Set when the text had no time and zone: what it was taken to mean. */
  readonly assumed: string | null
}

/** The dealership's own zone: a bare date is a day of its calendar (docs/domain.md speaks China time). */
export const businessOffset = '+08:00'

const dateShape = /^(\d{4})-(\d{2})-(\d{2})/
const bareDate = /^\d{4}-\d{2}-\d{2}$/
const withoutZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/

const isCalendarDay = (text: string): boolean => {
  const m = dateShape.exec(text)
  if (m === null) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/**
 * Read a date or time strictly (ISO 8601): a date, a time and an offset (`2026-03-01T09:30:00+08:00`,
 * `…Z`), or a bare date (`2026-03-01`), which is the start of that day in China time (UTC+08:00)
 * and says so. A day that does not exist (2026-02-30), trailing text, or a time without a zone
 * is a UsageError (exit 2) naming what is wrong; nothing is rolled over or guessed.
 */
export const parseTypedTime = (what: string, raw: string): TypedTime => {
  const text = raw
  const shown = JSON.stringify(raw)
  if (dateShape.test(text) && !isCalendarDay(text))
    throw new UsageError(`${what} ${shown}: ${text.slice(0, 10)} is not a day of the calendar`)
  if (bareDate.test(text)) {
    const at = `${text}T00:00:00${businessOffset}`
    return {
      time: new Date(parseInstant(at) ?? Number.NaN),
      assumed: `${text} read as ${at} (the start of the day in China time, UTC${businessOffset})`,
    }
  }
  if (withoutZone.test(text))
    throw new UsageError(
      `${what} ${shown} has no time zone: add Z (UTC) or an offset such as ${businessOffset} (China time)`,
    )
  const ms = parseInstant(text)
  if (ms === null)
    throw new UsageError(
      `${what} ${shown} is not an ISO 8601 date (2026-03-01) or time with a zone (2026-03-01T09:00:00+08:00, 2026-03-01T01:00:00Z)`,
    )
  return { time: new Date(ms), assumed: null }
}

/** A calendar day (`YYYY-MM-DD`, one that exists), for options such as `demo --start`. */
export const parseCalendarDay = (what: string, raw: string): string => {
  if (!bareDate.test(raw))
    throw new UsageError(`${what} ${JSON.stringify(raw)} is not a day in the form YYYY-MM-DD`)
  if (!isCalendarDay(raw)) throw new UsageError(`${what} ${JSON.stringify(raw)} is not a day of the calendar`)
  return raw
}
