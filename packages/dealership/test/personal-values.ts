import { type Event, type EventStore, readWholeLog, SEALED_KEY } from '@dealer-crm/eventsourcing'

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/** The paths (keys and indexes) of the sealed personal values in a stored event's data. */
const sealedPaths = (
  value: unknown,
  path: ReadonlyArray<string | number> = [],
): Array<Array<string | number>> => {
  if (Array.isArray(value)) return value.flatMap((v, i) => sealedPaths(v, [...path, i]))
  if (!isRecord(value)) return []
  if (SEALED_KEY in value) return [[...path]]
  return Object.entries(value).flatMap(([k, v]) => sealedPaths(v, [...path, k]))
}

const at = (value: unknown, path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>(
    (v, k) => (isRecord(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[k] : undefined),
    value,
  )

const texts = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(texts)
      : isRecord(value)
        ? Object.values(value).flatMap(texts)
        : []

/**
 * The plaintext of every sealed field in a store (names, phone numbers, …): the texts found, in the
 * decoded events, where the stored events hold a sealed value.
 */
export const personalValues = async <E extends Event>(
  store: Pick<EventStore<E>, 'log' | 'decode'>,
): Promise<Set<string>> => {
  const found = new Set<string>()
  for await (const stored of readWholeLog(store.log)) {
    const paths = sealedPaths(stored.data)
    if (paths.length === 0) continue
    const decoded = await store.decode(stored)
    for (const path of paths) for (const text of texts(at(decoded.data, path))) found.add(text)
  }
  return found
}

const nonAscii = (value: string): boolean => [...value].some((c) => (c.codePointAt(0) ?? 0) > 0x7f)

/**
 * The personal values found in exported telemetry (as JSON text): as a whole attribute value, or inside
 * any text when it could not be there by chance (a phone number, a name in Chinese; not a colour such
 * as "red" inside "registered").
 */
export const leakedInto = (exported: string, personal: Iterable<string>): string[] =>
  [...personal].filter(
    (value) =>
      exported.includes(JSON.stringify(value)) ||
      ((value.length >= 5 || nonAscii(value)) && containsText(exported, value)),
  )

/**
 * `value` inside `text`; a number (a phone) inside any whole number of the text, but not inside the
 * digits of a decimal (a duration of 0.0190000000345 s, a histogram's sum), which hold any digit run
 * by chance.
 */
const containsText = (text: string, value: string): boolean => {
  if (!/^\d+$/.test(value)) return text.includes(value)
  for (const [number] of text.matchAll(/\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi))
    if (!/[.e]/i.test(number) && number.includes(value)) return true
  return false
}
