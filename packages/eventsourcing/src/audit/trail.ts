import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'
import type { EventStore } from '../store/event-store.js'

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
