import {
  type AllFilter,
  categoryOf,
  isEventSourcingError,
  type StoredEvent,
  storeSpan,
} from '@dealer-crm/eventsourcing'
import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  eventTypeFilter,
  FORWARDS,
  type Position,
  type ResolvedEvent,
  START,
  streamNameFilter,
} from '@eventstore/db-client'
import { isTransient } from './errors.js'
import { isSystemEvent, storedEventOf } from './metadata.js'
import { eventStoreDbTelemetry } from './telemetry.js'

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Where to start reading for an inclusive `from`: the event just before it when we know it. */
export interface Boundaries {
  /** The commit position of the event whose successor position is `next`, if this process saw it. */
  readonly before: (next: bigint) => bigint | undefined
  readonly remember: (position: bigint) => void
}

export const boundaries = (capacity = 4096): Boundaries => {
  const seen = new Map<bigint, bigint>()
  return {
    before: (next) => seen.get(next),
    remember: (position) => {
      seen.set(position + 1n, position)
      if (seen.size > capacity) {
        const oldest = seen.keys().next().value
        if (oldest !== undefined) seen.delete(oldest)
      }
    },
  }
}

const startOf = (from: bigint, known: Boundaries): Position | typeof START => {
  // Positions 0 and 1 are before any event (the log starts with the server's own records).
  if (from <= 1n) return START
  const before = known.before(from)
  const at = before ?? from
  return { commit: at, prepare: at }
}

const matches = (e: StoredEvent, filter: AllFilter) =>
  (filter.categories === null || filter.categories.includes(categoryOf(e.streamName))) &&
  (filter.types === null || filter.types.includes(e.type))

/** A resolved event of ours, or null for one to step over (system events, links without event). */
const ours = (resolved: ResolvedEvent): StoredEvent | null => {
  const event = resolved.event
  if (event === undefined || isSystemEvent(event)) return null
  return storedEventOf(event)
}

/**
 * Unfiltered: keyset pages of `$all` (forwards, `batchSize` at a time, each page starting at
 * the last position seen), system events skipped.
 */
async function* readPages(client: EventStoreDBClient, filter: AllFilter, known: Boundaries) {
  let fromPosition = startOf(filter.from, known)
  let last: bigint | null = null
  let maxCount = filter.batchSize
  for (;;) {
    let count = 0
    let lastInPage: bigint | null = null
    let page: ResolvedEvent[]
    try {
      page = await storeSpan(
        eventStoreDbTelemetry,
        'read_all',
        null,
        () => readPage(client, fromPosition, maxCount),
        (events) => events.length,
      )
    } catch (error) {
      // `from` is not an event's position: start at the one before it (last delivered + 1 was asked for).
      if (!refusedStart(error, filter, fromPosition)) throw error
      fromPosition = { commit: filter.from - 1n, prepare: filter.from - 1n }
      continue
    }
    for (const resolved of page) {
      count++
      const position = resolved.event?.position?.commit
      if (position === undefined) continue
      lastInPage = position
      if (position < filter.from || (last !== null && position <= last)) continue
      if (filter.to !== null && position > filter.to) return
      last = position
      known.remember(position)
      const stored = ours(resolved)
      if (stored !== null && matches(stored, filter)) yield stored
    }
    if (count < maxCount || lastInPage === null || lastInPage === last0(fromPosition)) return
    // The next page starts at the last event seen (a position the server accepts) and skips it.
    fromPosition = { commit: lastInPage, prepare: lastInPage }
    maxCount = filter.batchSize + 1
  }
}

/** The server refused to start at `from` itself (InvalidPosition), not a connection or decoding failure. */
const refusedStart = (error: unknown, filter: AllFilter, start: Position | typeof START): boolean =>
  !isTransient(error) &&
  !isEventSourcingError(error) &&
  start !== START &&
  filter.from > 1n &&
  start.commit === filter.from

const last0 = (p: Position | typeof START): bigint | null => (p === START ? null : p.commit)

/** The position of the last event in `$all`, or null for an empty database. */
export const endOfAll = async (client: EventStoreDBClient): Promise<bigint | null> => {
  let end: bigint | null = null
  for await (const resolved of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }))
    end = resolved.event?.position?.commit ?? end
  return end
}

/**
 * Filtered: a catch-up subscription to `$all` with a server-side filter (stream-name prefix
 * `<category>-`, or the exact event types), ended once it reaches the end of `$all` as it was
 * when the read began (CaughtUp, a checkpoint or an event at or past that position).
 */
async function* readFiltered(client: EventStoreDBClient, filter: AllFilter, known: Boundaries) {
  const end = await endOfAll(client)
  if (end === null || end < filter.from) return
  const bound = filter.to === null || filter.to > end ? end : filter.to
  const before = filter.from <= 1n ? null : (known.before(filter.from) ?? null)
  if (filter.from <= 1n || before !== null) {
    yield* subscribeFiltered(client, filter, known, before, bound)
    return
  }
  // Unknown `from`: usually last delivered + 1, so subscribe after from - 1 ...
  let delivered = false
  try {
    for await (const event of subscribeFiltered(client, filter, known, filter.from - 1n, bound)) {
      delivered = true
      yield event
    }
    return
  } catch (error) {
    if (delivered || isTransient(error) || isEventSourcingError(error)) throw error
  }
  // ... which the server refused: then `from` is an event's own position. Read it, then subscribe after it.
  for (const resolved of await readPage(client, { commit: filter.from, prepare: filter.from }, 1)) {
    const position = resolved.event?.position?.commit
    if (position !== filter.from) continue
    known.remember(position)
    const stored = ours(resolved)
    if (stored !== null && matches(stored, filter)) yield stored
  }
  if (filter.from < bound) yield* subscribeFiltered(client, filter, known, filter.from, bound)
}

const readPage = async (client: EventStoreDBClient, fromPosition: Position | 'start', maxCount: number) => {
  const page: ResolvedEvent[] = []
  for await (const resolved of client.readAll({ fromPosition, maxCount, direction: FORWARDS }))
    page.push(resolved)
  return page
}

/** Subscribe to `$all` after `after` (null: from the start) with the server-side filter, up to `bound`. */
async function* subscribeFiltered(
  client: EventStoreDBClient,
  filter: AllFilter,
  known: Boundaries,
  after: bigint | null,
  bound: bigint,
) {
  const serverFilter =
    filter.categories !== null
      ? streamNameFilter({ prefixes: filter.categories.map((c) => `${c}-`) })
      : eventTypeFilter({ regex: `^(?:${(filter.types ?? []).map(escapeRegex).join('|')})$` })
  let signal: () => void = () => undefined
  const reachedEnd = new Promise<'reached'>((resolve) => {
    signal = () => resolve('reached')
  })
  const subscription = client.subscribeToAll({
    fromPosition: after === null ? START : { commit: after, prepare: after },
    filter: {
      ...serverFilter,
      checkpointReached: (_s, position) => {
        if (position.commit >= bound) signal()
      },
    },
  })
  subscription.on('caughtUp', () => signal())
  const iterator = subscription[Symbol.asyncIterator]()
  let pending = iterator.next()
  try {
    for (;;) {
      const first = await Promise.race([pending, reachedEnd])
      if (first === 'reached' && subscription.readableLength === 0) return
      const next = first === 'reached' ? await pending : first
      if (next.done) return
      pending = iterator.next()
      const resolved: ResolvedEvent = next.value
      const position = resolved.event?.position?.commit
      if (position === undefined) continue
      if (position > bound) return
      known.remember(position)
      const stored = position >= filter.from ? ours(resolved) : null
      if (stored !== null && matches(stored, filter)) yield stored
      if (position >= bound) return
    }
  } finally {
    pending.catch(() => undefined)
    await subscription.unsubscribe()
  }
}

export const readAllFrom = (client: EventStoreDBClient, filter: AllFilter, known: Boundaries) =>
  filter.categories === null && filter.types === null
    ? readPages(client, filter, known)
    : readFiltered(client, filter, known)
