import { chainEvents } from '../audit/hash.js'
import { serial } from '../decider/algebra.js'
import type { Event } from '../decider/decider.js'
import { StoreError } from '../errors.js'
import { categoryOf } from '../events/stream-name.js'
import { type Clock, systemClock } from '../ports.js'
import { checkExpectedVersion, committedEvent, type EventLog, nextCommitTime } from './event-log.js'
import { createEventStore, type EventStore, type EventStoreOptions } from './event-store.js'
import type { StoredEvent } from './stored-event.js'

/** The in-memory log has no transaction object; inline projections receive this marker. */
export interface MemoryTransaction {
  readonly kind: 'memory'
}

export interface InMemoryEventLogOptions {
  /** The clock of commit times (default: the system clock). */
  readonly clock?: Clock
}

/**
 * A complete EventLog in process memory. Appends are serialised through one queue, so the
 * version check, the hash chain, the commit time and the write happen as one step.
 */
export const createInMemoryEventLog = (
  options: InMemoryEventLogOptions = {},
): EventLog<MemoryTransaction> => {
  const clock = options.clock ?? systemClock
  const all: StoredEvent[] = []
  /** The commit time of the last append (ms). */
  let lastCommit = Number.NEGATIVE_INFINITY
  const streams = new Map<string, StoredEvent[]>()
  const listeners = new Set<() => void>()
  let closed = false

  const exclusive = serial()
  const open = () => {
    if (closed) throw new StoreError('the in-memory event store is closed')
  }

  return {
    append: (streamName, events, expected, inTransaction) =>
      exclusive(async () => {
        open()
        const stream = streams.get(streamName) ?? []
        const conflict = checkExpectedVersion(streamName, expected, stream.length)
        if (conflict) throw conflict
        const chained = chainEvents(streamName, stream.length, stream[stream.length - 1]?.hash ?? '', events)
        const commit = nextCommitTime(clock, lastCommit)
        const committedAt = new Date(commit).toISOString()
        const stored = chained.map((e, i) => committedEvent(e, BigInt(all.length + i + 1), committedAt))
        if (inTransaction) await inTransaction(stored, { kind: 'memory' })
        lastCommit = commit
        if (stream.length === 0) streams.set(streamName, stream)
        stream.push(...stored)
        all.push(...stored)
        for (const listener of listeners) listener()
        return stored
      }),
    readStream: async function* (streamName, { from, to, maxCount }) {
      open()
      const stream = streams.get(streamName) ?? []
      let count = 0
      for (let i = Math.max(from, 1) - 1; i < Math.min(stream.length, to) && count < maxCount; i++, count++)
        yield stream[i] as StoredEvent
    },
    readAll: async function* ({ from, to, categories, types }) {
      open()
      for (let i = Math.max(Number(from), 1) - 1; i < all.length; i++) {
        const e = all[i] as StoredEvent
        if (to !== null && e.globalPosition > to) return
        if (categories !== null && !categories.includes(categoryOf(e.streamName))) continue
        if (types !== null && !types.includes(e.type)) continue
        yield e
      }
    },
    headPosition: async () => {
      open()
      return BigInt(all.length)
    },
    streamVersion: async (streamName) => {
      open()
      return streams.get(streamName)?.length ?? 0
    },
    onAppended: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    pollIntervalMs: 1000,
    contiguousPositions: true,
    close: async () => {
      closed = true
      listeners.clear()
    },
  }
}

/**
 * The in-memory EventStore: the reference implementation of the port. Its `clock` stamps both the
 * writer's `recordedAt` and the log's commit times.
 */
export const createInMemoryEventStore = <E extends Event>(
  options: EventStoreOptions<E, MemoryTransaction>,
): EventStore<E> =>
  createEventStore(
    createInMemoryEventLog(options.clock === undefined ? {} : { clock: options.clock }),
    options,
  )
