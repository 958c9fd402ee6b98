import { type AllFilter, categoryOf, type StoredEvent } from '@dealer-crm/eventsourcing'
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
import { isSystemEvent, storedEventOf } from './metadata.js'

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
  if (from <= 0n) return START
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
    const page: ResolvedEvent[] = []
    for await (const resolved of client.readAll({ fromPosition, maxCount, direction: FORWARDS }))
      page.push(resolved)
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
  const serverFilter =
    filter.categories !== null
      ? streamNameFilter({ prefixes: filter.categories.map((c) => `${c}-`) })
      : eventTypeFilter({ regex: `^(?:${(filter.types ?? []).map(escapeRegex).join('|')})$` })
  const before = filter.from <= 0n ? undefined : (known.before(filter.from) ?? filter.from - 1n)
  let signal: () => void = () => undefined
  const reachedEnd = new Promise<'reached'>((resolve) => {
    signal = () => resolve('reached')
  })
  const subscription = client.subscribeToAll({
    fromPosition: before === undefined ? START : { commit: before, prepare: before },
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
