import { hash } from 'node:crypto'
import type { ChainedEvent, HashedEvent, PendingEvent } from '../store/stored-event.js'

/** Field names repeat from event to event: their quoted form is memoised (bounded). */
const quotedKeys = new Map<string, string>()
const quoted = (key: string): string => {
  let q = quotedKeys.get(key)
  if (q === undefined) {
    q = JSON.stringify(key)
    if (quotedKeys.size < 4096) quotedKeys.set(key, q)
  }
  return q
}

/**
 * A string or finite number as JSON, without the call into JSON.stringify for numbers (the
 * same text: ECMAScript's Number::toString); undefined for anything else.
 */
const scalarJson = (value: unknown): string | undefined => {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') return Number.isFinite(value) ? `${value}` : 'null'
  return undefined
}

/**
 * An object layout met recently: its keys as Object.keys listed them, and, in sorted order, each
 * key as it opens its member (`{"key":` for the first, `,"key":` after).
 */
interface Layout {
  readonly keys: ReadonlyArray<string>
  readonly sorted: ReadonlyArray<string>
  readonly openers: ReadonlyArray<string>
}

/**
 * The last layouts met, newest overwriting oldest. Events of one type share a layout (their codec
 * builds them), so the sort and the quoting are done once per layout, not once per event.
 */
const layouts: Layout[] = []
let nextLayout = 0
const layoutCapacity = 16

const sameKeys = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const layoutOf = (keys: string[]): Layout => {
  for (const layout of layouts) if (sameKeys(layout.keys, keys)) return layout
  const sorted = [...keys].sort()
  const layout = { keys, sorted, openers: sorted.map((key, i) => `${i === 0 ? '{' : ','}${quoted(key)}:`) }
  layouts[nextLayout] = layout
  nextLayout = (nextLayout + 1) % layoutCapacity
  return layout
}

/** An object's members in sorted key order; undefined members are left out. */
const objectJson = (record: Record<string, unknown>): string => {
  const { sorted, openers } = layoutOf(Object.keys(record))
  let out = ''
  for (let i = 0; i < sorted.length; i++) {
    const v = record[sorted[i] as string]
    if (v === undefined) continue
    const opener = openers[i] as string
    // After undefined members only, the first member written opens the object itself.
    out += (out === '' && i > 0 ? `{${opener.slice(1)}` : opener) + (scalarJson(v) ?? canonicalJson(v))
  }
  return out === '' ? '{}' : `${out}}`
}

/** JSON with object keys sorted at every level: the form that is hashed. */
export const canonicalJson = (value: unknown): string => {
  const scalar = scalarJson(value)
  if (scalar !== undefined) return scalar
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value)
    if (s === undefined) throw new TypeError(`cannot hash ${typeof value}`)
    return s
  }
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      out += (i === 0 ? '' : ',') + (scalarJson(v) ?? canonicalJson(v))
    }
    return `${out}]`
  }
  return objectJson(value as Record<string, unknown>)
}

const json = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v))

/**
 * The canonical event up to its data: `{"actor":…,"causationId":…,"commandId":…,"correlationId":…,"data":`.
 * The events of one append usually share it, so chainEvents builds it once for them.
 */
const envelopeHead = (
  e: Pick<HashedEvent, 'actor' | 'causationId' | 'commandId' | 'correlationId'>,
): string =>
  `{"actor":${e.actor === null ? 'null' : canonicalJson(e.actor)},"causationId":${json(e.causationId)},` +
  `"commandId":${json(e.commandId)},"correlationId":${json(e.correlationId)},"data":`

/**
 * SHA-256 over the previous hash and the event's canonical JSON, whose top-level keys are written
 * out in sorted order here; the `…Json` arguments are fields already in JSON. One flat template
 * hashes about twice as fast as one with nested calls inside it (measured in bench/, V8 12).
 */
const envelopeHash = (
  prevHash: string,
  head: string,
  dataJson: string,
  eventId: string,
  recordedAtJson: string,
  schemaVersion: number,
  streamNameJson: string,
  streamPosition: number,
  typeJson: string,
): string =>
  hash(
    'sha256',
    `${prevHash}\n${head}${dataJson},"eventId":${JSON.stringify(eventId)},"recordedAt":${recordedAtJson},` +
      `"schemaVersion":${schemaVersion},"streamName":${streamNameJson},"streamPosition":${streamPosition},"type":${typeJson}}`,
  )

/**
 * SHA-256 over the previous hash and the canonical stored form of the event. The global
 * position is left out, so a log exported and imported into another store still verifies.
 * `dataJson` is `canonicalJson(e.data)` when the caller has it already.
 */
export const eventHash = (
  prevHash: string,
  e: HashedEvent,
  dataJson: string = canonicalJson(e.data),
): string =>
  envelopeHash(
    prevHash,
    envelopeHead(e),
    dataJson,
    e.eventId,
    json(e.recordedAt),
    e.schemaVersion,
    json(e.streamName),
    e.streamPosition,
    json(e.type),
  )

/**
 * Place pending events after `version` in a stream whose last hash is `prevHash`. The JSON of the
 * fields an append's events usually share (actor and ids, time, type) is reused from the event
 * before while they stay the same. Objects are built field by field: an object spread here cost
 * more than the SHA-256 (bench/).
 */
export const chainEvents = (
  streamName: string,
  version: number,
  prevHash: string,
  events: ReadonlyArray<PendingEvent>,
): ReadonlyArray<ChainedEvent> => {
  const streamNameJson = json(streamName)
  let previous = prevHash
  let before: PendingEvent | null = null
  let head = ''
  let recordedAtJson = ''
  let typeJson = ''
  const chained: ChainedEvent[] = new Array(events.length)
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as PendingEvent
    if (
      before === null ||
      e.actor !== before.actor ||
      e.correlationId !== before.correlationId ||
      e.causationId !== before.causationId ||
      e.commandId !== before.commandId
    )
      head = envelopeHead(e)
    if (before === null || e.recordedAt !== before.recordedAt) recordedAtJson = json(e.recordedAt)
    if (before === null || e.type !== before.type) typeJson = json(e.type)
    before = e
    const streamPosition = version + i + 1
    const dataJson = canonicalJson(e.data)
    const eventHash = envelopeHash(
      previous,
      head,
      dataJson,
      e.eventId,
      recordedAtJson,
      e.schemaVersion,
      streamNameJson,
      streamPosition,
      typeJson,
    )
    chained[i] = {
      eventId: e.eventId,
      streamName,
      streamPosition,
      recordedAt: e.recordedAt,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      correlationId: e.correlationId,
      causationId: e.causationId,
      commandId: e.commandId,
      actor: e.actor,
      traceparent: e.traceparent,
      prevHash: previous,
      hash: eventHash,
      dataJson,
    }
    previous = eventHash
  }
  return chained
}
