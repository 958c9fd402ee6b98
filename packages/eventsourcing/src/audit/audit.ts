import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'
import { type EventLog, readWholeLog, type StoredEvent } from '../store/event-log.js'
import type { EventStore } from '../store/event-store.js'
import { eventHash } from './hash.js'

export interface BrokenLink {
  readonly streamName: string
  readonly streamPosition: number
  readonly globalPosition: bigint
  readonly reason: string
}

export type VerifyResult =
  | { readonly ok: true; readonly events: number; readonly streams: number }
  | { readonly ok: false; readonly events: number; readonly broken: BrokenLink }

/**
 * Walk stored events in global order and check every stream's hash chain: positions without
 * gaps, each `prevHash` equal to the previous event's hash, each hash recomputed from the
 * stored form. Stops at, and names, the first broken link.
 */
export const verifyEvents = async (events: AsyncIterable<StoredEvent>): Promise<VerifyResult> => {
  const streams = new Map<string, { position: number; hash: string }>()
  let count = 0
  for await (const e of events) {
    count++
    const last = streams.get(e.streamName) ?? { position: 0, hash: '' }
    const broken = (reason: string): VerifyResult => ({
      ok: false,
      events: count,
      broken: {
        streamName: e.streamName,
        streamPosition: e.streamPosition,
        globalPosition: e.globalPosition,
        reason,
      },
    })
    if (e.streamPosition !== last.position + 1)
      return broken(
        `expected position ${last.position + 1} after ${last.position}, found ${e.streamPosition}`,
      )
    if (e.prevHash !== last.hash)
      return broken(`prevHash ${e.prevHash.slice(0, 12)}… does not match the previous event's hash`)
    const recomputed = eventHash(e.prevHash, e)
    if (recomputed !== e.hash)
      return broken('the stored event was altered: its hash does not match its content')
    streams.set(e.streamName, { position: e.streamPosition, hash: e.hash })
  }
  return { ok: true, events: count, streams: streams.size }
}

/** Verify a whole store (or log). */
export const verify = (store: { readonly log: EventLog } | EventLog): Promise<VerifyResult> => {
  const log = 'log' in store ? store.log : store
  return verifyEvents(readWholeLog(log))
}

/** One line of an audit trail: who did what, when, and why. */
export interface TrailEntry {
  readonly position: number
  readonly at: Date
  readonly what: string
  readonly who: string
  readonly why: string
  readonly data: unknown
}

export const trailEntry = (e: RecordedEvent<Event>): TrailEntry => {
  const m = e.metadata
  const why = [
    m.commandId && `command ${m.commandId}`,
    m.causationId && `caused by ${m.causationId}`,
    m.correlationId && `correlation ${m.correlationId}`,
  ].filter(Boolean)
  return {
    position: m.streamPosition,
    at: m.recordedAt,
    what: e.type,
    who: m.actor ? `${m.actor.id} (${m.actor.role})` : 'unknown actor',
    why: why.length > 0 ? why.join(', ') : 'no recorded cause',
    data: e.data,
  }
}

/** The audit trail of one subject's stream. */
export const auditTrail = async <E extends Event>(
  store: EventStore<E>,
  streamName: string,
): Promise<ReadonlyArray<TrailEntry>> => {
  const entries: TrailEntry[] = []
  for await (const e of store.readStream(streamName)) entries.push(trailEntry(e))
  return entries
}

const printable = (data: unknown): string =>
  JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))

/** The trail as text, one event per line. */
export const renderTrail = (entries: ReadonlyArray<TrailEntry>): string =>
  entries
    .map((e) => `#${e.position} ${e.at.toISOString()} ${e.who}: ${e.what} ${printable(e.data)} — ${e.why}`)
    .join('\n')
