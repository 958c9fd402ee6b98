import { hash } from 'node:crypto'
import type { ChainedEvent, PendingEvent } from './event-log.js'

/** JSON with object keys sorted at every level: the form that is hashed. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value)
    if (s === undefined) throw new TypeError(`cannot hash ${typeof value}`)
    return s
  }
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i])
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  let out = '{'
  let first = true
  for (const key of keys) {
    const v = record[key]
    if (v === undefined) continue
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`
    first = false
  }
  return `${out}}`
}

const json = (v: string | number | null): string => (v === null ? 'null' : JSON.stringify(v))

/**
 * SHA-256 over the previous hash and the canonical stored form of the event. The global
 * position is left out, so a log exported and imported into another store still verifies.
 * The top-level object is written out in its sorted key order (what `canonicalJson` of it gives).
 */
export const eventHash = (prevHash: string, e: Omit<ChainedEvent, 'prevHash' | 'hash'>): string =>
  hash(
    'sha256',
    `${prevHash}\n{"actor":${e.actor === null ? 'null' : canonicalJson(e.actor)},"causationId":${json(e.causationId)},` +
      `"commandId":${json(e.commandId)},"correlationId":${json(e.correlationId)},"data":${canonicalJson(e.data)},` +
      `"eventId":${json(e.eventId)},"recordedAt":${json(e.recordedAt)},"schemaVersion":${e.schemaVersion},` +
      `"streamName":${json(e.streamName)},"streamPosition":${e.streamPosition},"type":${json(e.type)}}`,
  )

/** Place pending events after `version` in a stream whose last hash is `prevHash`. */
export const chainEvents = (
  streamName: string,
  version: number,
  prevHash: string,
  events: ReadonlyArray<PendingEvent>,
): ReadonlyArray<ChainedEvent> => {
  let previous = prevHash
  return events.map((e, i) => {
    const placed = {
      eventId: e.eventId,
      streamName,
      streamPosition: version + i + 1,
      recordedAt: e.recordedAt,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      correlationId: e.correlationId,
      causationId: e.causationId,
      commandId: e.commandId,
      actor: e.actor,
    }
    const chained = { ...placed, prevHash: previous, hash: eventHash(previous, placed) }
    previous = chained.hash
    return chained
  })
}
