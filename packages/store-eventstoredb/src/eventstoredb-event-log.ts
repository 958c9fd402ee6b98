import {
  type AllFilter,
  type ChainedEvent,
  ConcurrencyError,
  chainEvents,
  checkExpectedVersion,
  committedEvent,
  type EventLog,
  type ExpectedVersion,
  type PendingEvent,
  type StoredEvent,
  StoreError,
  storeSpan,
} from '@dealer-crm/eventsourcing'
import {
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  NO_STREAM,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client'
import { checkAppendSize, maxAppendSizeOf } from './append-size.js'
import { isTransient, storeErrorOf } from './errors.js'
import { commitTimeOf, isJsonData, metadataOf, storedEventOf } from './metadata.js'
import { boundaries, readAllFrom } from './read-all.js'
import { eventStoreDbTelemetry as telemetry } from './telemetry.js'

/** This store has no transaction an inline projection could join. */
export type NoTransaction = never

export interface EventStoreDbLogOptions {
  /** `esdb://host:2113?tls=false` (or `kurrentdb://…` where the client accepts it); or pass `client`. */
  readonly connectionString?: string
  /** An already configured client; the log disposes it on close unless `ownsClient` is false. */
  readonly client?: EventStoreDBClient
  readonly ownsClient?: boolean
  /** Attempts of an append whose expected version is `any`/`stream_exists` when another writer gets in first (default 20). */
  readonly appendRetries?: number
  /** Attempts of a read cut by a lost connection, resuming after the last event delivered (default 8). */
  readonly readRetries?: number
  /** First delay between read attempts in ms, doubled each time (default 100). */
  readonly retryDelayMs?: number
  /** Fallback poll interval of subscriptions when the live `$all` subscription is down (default 1000). */
  readonly pollIntervalMs?: number
  /**
   * The server's MaxAppendSize in bytes (default 1 MiB, the server's own default up to KurrentDB
   * 25.0). Larger appends are refused with AppendTooLargeError before they are sent.
   */
  readonly maxAppendSize?: number
}

/** Events per server read of one stream. */
const streamPageSize = 500

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Our 1-based version after the server's 0-based revision. */
const versionOf = (revision: bigint | 'no_stream'): number =>
  revision === 'no_stream' ? 0 : Number(revision) + 1

/** The exact revision an append is made with, for a stream we read at `version`. */
const revisionFor = (version: number): AppendExpectedRevision =>
  version === 0 ? NO_STREAM : BigInt(version - 1)

/**
 * An EventLog on EventStoreDB / KurrentDB through `@eventstore/db-client` (v1 gRPC protocol).
 * Every append reads the stream's last event (its version and hash), chains the new events
 * and appends them with that exact revision, so a concurrent writer causes a conflict, never
 * a broken chain; conflicts of `any`/`stream_exists` appends are retried here.
 */
export const createEventStoreDbEventLog = (options: EventStoreDbLogOptions): EventLog<NoTransaction> => {
  const maxAppendSize = maxAppendSizeOf(options.maxAppendSize)
  const client =
    options.client ??
    (options.connectionString === undefined
      ? undefined
      : EventStoreDBClient.connectionString(options.connectionString))
  if (client === undefined) throw new StoreError('EventStoreDB: give a connectionString or a client')
  const ownsClient = options.client === undefined || options.ownsClient !== false
  const appendRetries = options.appendRetries ?? 20
  const readRetries = options.readRetries ?? 8
  const retryDelayMs = options.retryDelayMs ?? 100
  const listeners = new Set<() => void>()
  const known = boundaries()
  let closed = false
  let live: { unsubscribe: () => Promise<void> } | null = null

  const open = () => {
    if (closed) throw new StoreError('the EventStoreDB event store is closed')
  }

  /** The stream's version and last hash, from its last event. */
  const head = async (streamName: string): Promise<{ version: number; hash: string }> => {
    let last: RecordedEvent | undefined
    try {
      // Consumed to its end (one event): a read left open would keep the client's dispose() waiting.
      for await (const resolved of client.readStream(streamName, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
      }))
        last = resolved.event ?? last
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { version: 0, hash: '' }
      throw storeErrorOf(`read of ${streamName}`, error)
    }
    if (last === undefined) return { version: 0, hash: '' }
    const stored = storedEventOf(last)
    return { version: stored.streamPosition, hash: stored.hash }
  }

  const notify = () => {
    for (const listener of listeners) listener()
  }

  /** The positions and commit times of events we just wrote (the append result names only the last position). */
  const readBack = async (
    chained: ReadonlyArray<ChainedEvent>,
    streamName: string,
  ): Promise<StoredEvent[]> => {
    const first = chained[0] as ChainedEvent
    const stored: StoredEvent[] = []
    for await (const resolved of client.readStream(streamName, {
      fromRevision: BigInt(first.streamPosition - 1),
      maxCount: chained.length,
      direction: FORWARDS,
    })) {
      const position = resolved.event?.position?.commit
      const committedAt = resolved.event === undefined ? null : commitTimeOf(resolved.event)
      const event = chained[stored.length]
      if (position === undefined || committedAt === null || event === undefined) continue
      stored.push(committedEvent(event, position, committedAt))
    }
    if (stored.length !== chained.length)
      throw new StoreError(
        `EventStoreDB: wrote ${chained.length} events to ${streamName} but read back ${stored.length}`,
      )
    return stored
  }

  const appendOnce = async (
    streamName: string,
    events: ReadonlyArray<PendingEvent>,
    expected: ExpectedVersion,
  ): Promise<StoredEvent[] | 'retry'> => {
    const { version, hash } = await head(streamName)
    const conflict = checkExpectedVersion(streamName, expected, version)
    if (conflict) throw conflict
    const chained = chainEvents(streamName, version, hash, events)
    const proposed = chained.map((e) => {
      if (!isJsonData(e.data))
        throw new StoreError(`EventStoreDB: event ${e.type} must have object, array or string data`)
      return {
        id: e.eventId,
        contentType: 'application/json' as const,
        type: e.type,
        data: e.data,
        metadata: { ...metadataOf(e) },
      }
    })
    checkAppendSize(
      streamName,
      proposed.map((p, i) => ({
        type: p.type,
        dataJson: (chained[i] as ChainedEvent).dataJson,
        metadata: p.metadata,
      })),
      maxAppendSize,
    )
    try {
      await client.appendToStream(streamName, proposed, { expectedRevision: revisionFor(version) })
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw storeErrorOf(`append to ${streamName}`, error)
      if (expected === 'any' || expected === 'stream_exists') return 'retry'
      const actual = error.actualVersion
      throw new ConcurrencyError(streamName, expected, typeof actual === 'bigint' ? versionOf(actual) : 0)
    }
    return readBack(chained, streamName)
  }

  /** Read with resumption: a read cut by a lost connection continues after the last event it gave. */
  const resumable = async function* (filter: AllFilter): AsyncGenerator<StoredEvent> {
    let from = filter.from
    let failures = 0
    for (;;) {
      try {
        for await (const event of readAllFrom(client, { ...filter, from }, known)) {
          failures = 0
          from = event.globalPosition + 1n
          yield event
        }
        return
      } catch (error) {
        if (!isTransient(error) || closed || ++failures > readRetries)
          throw storeErrorOf('read of $all', error)
        await sleep(retryDelayMs * 2 ** (failures - 1))
      }
    }
  }

  /** A live `$all` subscription wakes our subscribers on other processes' appends too. */
  const startLive = () => {
    if (live !== null || closed) return
    const subscription = client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() })
    live = subscription
    subscription.on('data', notify)
    subscription.on('error', () => {
      live = null
      if (!closed && listeners.size > 0)
        setTimeout(() => {
          startLive()
          notify()
        }, retryDelayMs)
    })
  }

  return {
    append: (streamName, events, expected, inTransaction) =>
      storeSpan(
        telemetry,
        'append',
        streamName,
        async () => {
          open()
          if (inTransaction !== undefined)
            throw new StoreError(
              'EventStoreDB has no transaction to run inline projections in: use catch-up projections with this store',
            )
          for (let attempt = 1; ; attempt++) {
            const result = await appendOnce(streamName, events, expected)
            if (result !== 'retry') {
              notify()
              return result
            }
            if (attempt >= appendRetries)
              throw new StoreError(
                `EventStoreDB: append to ${streamName} lost ${attempt} races to other writers`,
              )
            await sleep(Math.random() * 5 * attempt)
          }
        },
        (stored) => stored.length,
      ),
    readStream: async function* (streamName, { from, to, maxCount }) {
      open()
      let next = Math.max(from, 1)
      let left = Math.min(maxCount, to - next + 1)
      // Pages read to their end: a server read abandoned half-way would keep dispose() waiting.
      while (left > 0) {
        const size = Math.min(left, streamPageSize)
        const from = next
        const page = await storeSpan(
          telemetry,
          'read_stream',
          streamName,
          async () => {
            const events: RecordedEvent[] = []
            try {
              for await (const resolved of client.readStream(streamName, {
                fromRevision: BigInt(from - 1),
                maxCount: size,
                direction: FORWARDS,
              }))
                if (resolved.event !== undefined) events.push(resolved.event)
            } catch (error) {
              if (error instanceof StreamNotFoundError) return null
              throw storeErrorOf(`read of ${streamName}`, error)
            }
            return events
          },
          (events) => events?.length ?? 0,
        )
        if (page === null) return
        for (const event of page) yield storedEventOf(event)
        if (page.length < size) return
        next += page.length
        left -= page.length
      }
    },
    readAll: (filter) => {
      open()
      return resumable(filter)
    },
    streamVersion: async (streamName) => {
      open()
      return (await head(streamName)).version
    },
    onAppended: (listener) => {
      listeners.add(listener)
      startLive()
      return () => listeners.delete(listener)
    },
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    close: async () => {
      if (closed) return
      closed = true
      listeners.clear()
      const subscription = live
      live = null
      await subscription?.unsubscribe()
      if (ownsClient) await client.dispose()
    },
  }
}
