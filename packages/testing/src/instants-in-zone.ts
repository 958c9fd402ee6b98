import { parseInstant } from '@dealer-crm/eventsourcing'

/** The offset as ISO 8601 writes it: `Z` for UTC, else `±HH:MM`. */
const offsetText = (offsetMinutes: number): string => {
  if (offsetMinutes === 0) return 'Z'
  const abs = Math.abs(offsetMinutes)
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`
}

/**
 * Every ISO instant inside a value (strings, arrays and plain objects, at any depth) written again
 * as the same instant at another offset: by default China time, `2026-03-01T01:30:00.000Z` →
 * `2026-03-01T09:30:00.000+08:00`; with 0, UTC (`…Z`). Other strings and values are kept as they are.
 * For tests that a command means the same whatever offset its instants are written with.
 */
export const rewriteInstants = (value: unknown, offsetMinutes = 480): unknown => {
  if (typeof value === 'string') {
    const at = parseInstant(value)
    if (at === null) return value
    const local = new Date(at + offsetMinutes * 60_000).toISOString()
    return `${local.slice(0, 23)}${offsetText(offsetMinutes)}`
  }
  if (Array.isArray(value)) return value.map((v) => rewriteInstants(v, offsetMinutes))
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteInstants(v, offsetMinutes)]))
  return value
}
