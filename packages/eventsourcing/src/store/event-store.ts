import type { Event } from '../decider/decider.js'
import {
  CorruptEventError,
  EventDecodeError,
  type ExpectedVersion,
  fieldErrors,
  StoreError,
  UnknownEventTypeError,
} from '../errors.js'
import type { AppendMetadata, EventMetadata, RecordedEvent } from '../events/envelope.js'
import type { EventRegistry } from '../events/registry.js'
import { assertStreamName } from '../events/stream-name.js'
import { type Clock, type IdGenerator, systemClock, uuidV7Ids } from '../ports.js'
import { type Erasure, inMemoryKeyVault, type KeyVault } from '../privacy/key-vault.js'
import {
  hasPersonalData,
  hasSealedPersonalData,
  sealPersonalData,
  unsealPersonalData,
} from '../privacy/personal-data.js'
import { isTransient } from '../retry.js'
import { recordAppend } from '../telemetry/store-span.js'
import { traceparentOf } from '../telemetry/traceparent.js'
import { checkExpectedVersion, type EventLog, isExpectedVersion } from './event-log.js'
import type { PendingEvent, StoredEvent } from './stored-event.js'
import { type FollowOptions, type Subscription, tailLog } from './tail.js'

export interface AppendOptions {
  /** Default `any`. */
  readonly expectedVersion?: ExpectedVersion
  readonly metadata?: AppendMetadata
}

export interface AppendResult<E extends Event = Event> {
  /** The stream's version after the append: pass it as the next expected version. */
  readonly nextExpectedVersion: number
  readonly globalPositions: ReadonlyArray<bigint>
  readonly events: ReadonlyArray<RecordedEvent<E>>
}

export interface ReadStreamOptions {
  /** First position, inclusive (default 1). */
  readonly from?: number
  /** Last position, inclusive. */
  readonly to?: number
  readonly maxCount?: number
}

export interface ReadAllOptions<E extends Event = Event> {
  /** First global position, inclusive (default: the start). */
  readonly from?: bigint
  /** Last global position, inclusive. */
  readonly to?: bigint
  readonly batchSize?: number
  readonly categories?: ReadonlyArray<string>
  readonly types?: ReadonlyArray<E['type']>
}

/** Where to start and what to take, and how to cope with transient failures (`FollowOptions`). */
export interface SubscribeOptions<E extends Event = Event>
  extends Omit<ReadAllOptions<E>, 'to'>,
    FollowOptions {}

/** An inline projection: runs in the append's transaction; if it throws, nothing is written. */
export interface InlineProjection<E extends Event = Event, Tx = unknown> {
  readonly name: string
  readonly handles: ReadonlyArray<E['type']>
  readonly apply: (events: ReadonlyArray<RecordedEvent<E>>, tx: Tx) => void | Promise<void>
}

/** The EventStore port: the same semantics from every store (ARCHITECTURE.md). */
export interface EventStore<E extends Event = Event> {
  readonly appendToStream: (
    streamName: string,
    events: ReadonlyArray<E>,
    options?: AppendOptions,
  ) => Promise<AppendResult<E>>
  readonly readStream: (streamName: string, options?: ReadStreamOptions) => AsyncIterable<RecordedEvent<E>>
  readonly readAll: (options?: ReadAllOptions<E>) => AsyncIterable<RecordedEvent<E>>
  readonly streamVersion: (streamName: string) => Promise<number>
  readonly subscribe: (
    handler: (event: RecordedEvent<E>) => void | Promise<void>,
    options?: SubscribeOptions<E>,
  ) => Subscription
  /**
   * Crypto-shred a person: destroys their key; their personal fields read as erased. The result
   * says whether old copies of the key are gone from the vault's storage (`KeyVault.forget`).
   */
  readonly forget: (subjectId: string) => Promise<Erasure>
  /** Unseal, upcast and decode one stored event (what every read does). */
  readonly decode: (stored: StoredEvent) => Promise<RecordedEvent<E>>
  readonly registry: EventRegistry<E>
  /** The raw log: stored (encrypted) events for audit, export and import. */
  readonly log: EventLog
  readonly close: () => Promise<void>
}

export interface EventStoreOptions<E extends Event, Tx> {
  readonly registry: EventRegistry<E>
  readonly keyVault?: KeyVault
  readonly clock?: Clock
  readonly ids?: IdGenerator
  readonly inline?: ReadonlyArray<InlineProjection<E, Tx>>
}

/** The last commit time parsed: the events of an append share it, so a replay parses it once per append. */
let lastCommit = { text: '', ms: Number.NaN }
const commitMs = (text: string): number => {
  if (text !== lastCommit.text) lastCommit = { text, ms: Date.parse(text) }
  return lastCommit.ms
}

/**
 * The recorded form of a stored event (built field by field: this runs for every event read). The
 * times are given as numbers when the caller has them already (an append): no text to parse.
 */
const toRecorded = <E extends Event>(
  stored: StoredEvent,
  data: unknown,
  recordedAt: number = Date.parse(stored.recordedAt),
  committedAt: number = commitMs(stored.committedAt),
): RecordedEvent<E> =>
  ({
    type: stored.type,
    data,
    metadata: {
      eventId: stored.eventId,
      streamName: stored.streamName,
      streamPosition: stored.streamPosition,
      globalPosition: stored.globalPosition,
      committedAt: new Date(committedAt),
      recordedAt: new Date(recordedAt),
      schemaVersion: stored.schemaVersion,
      correlationId: stored.correlationId,
      causationId: stored.causationId,
      commandId: stored.commandId,
      actor: stored.actor,
      traceparent: stored.traceparent,
      prevHash: stored.prevHash,
      hash: stored.hash,
    } satisfies EventMetadata,
  }) as RecordedEvent<E>

/**
 * The typed EventStore over any EventLog: validates events against their codecs, seals
 * personal data, stamps metadata, and on read unseals, upcasts and decodes. Bad input is
 * rejected with a typed error before anything is written.
 */
export const createEventStore = <E extends Event, Tx = unknown>(
  log: EventLog<Tx>,
  options: EventStoreOptions<E, Tx>,
): EventStore<E> => {
  const {
    registry,
    keyVault = inMemoryKeyVault(),
    clock = systemClock,
    ids = uuidV7Ids,
    inline = [],
  } = options

  const encode = (
    streamName: string,
    event: E,
    metadata: AppendMetadata,
    recordedAt: string,
    traceparent: string | null,
  ): PendingEvent | Promise<PendingEvent> => {
    const definition = registry.get(event.type)
    if (definition === undefined) throw new UnknownEventTypeError(String(event.type), streamName, null)
    if (!definition.codec.is(event.data)) {
      const result = definition.codec.decode(event.data)
      const errors =
        result._tag === 'Left'
          ? fieldErrors(result.left)
          : [{ path: '(root)', message: `not a valid ${definition.codec.name}` }]
      throw new EventDecodeError(streamName, null, event.type, errors)
    }
    const subject = definition.subject?.(event.data as never)
    const toPending = (data: unknown): PendingEvent => ({
      eventId: ids.next(),
      recordedAt,
      type: event.type,
      schemaVersion: definition.schemaVersion,
      data,
      correlationId: metadata.correlationId ?? null,
      causationId: metadata.causationId ?? null,
      commandId: metadata.commandId ?? null,
      actor: metadata.actor ?? null,
      traceparent,
    })
    const encoded = definition.codec.encode(event.data)
    // Only events with personal values wait for the key vault; the rest stay synchronous.
    return hasPersonalData(encoded)
      ? sealPersonalData(encoded, event.type, subject, keyVault).then(toPending)
      : toPending(encoded)
  }

  /** Upcast and decode data already unsealed (synchronous: the hot path of a replay). */
  const decodeData = (stored: StoredEvent, data: unknown): RecordedEvent<E> => {
    const definition = registry.get(stored.type)
    if (definition === undefined)
      throw new UnknownEventTypeError(stored.type, stored.streamName, stored.streamPosition)
    const result = definition.decodeVersion(stored.schemaVersion, data)
    if (result._tag === 'Right') return toRecorded<E>(stored, result.right)
    const failure = result.left
    if (failure._tag === 'UnknownVersion')
      throw new CorruptEventError(
        stored.streamName,
        stored.streamPosition,
        `${stored.type} has schema version ${failure.version}; this registry knows 1..${failure.latest}`,
      )
    throw new EventDecodeError(
      stored.streamName,
      stored.streamPosition,
      stored.type,
      fieldErrors(failure.errors),
    )
  }

  const decode = async (stored: StoredEvent): Promise<RecordedEvent<E>> => {
    if (!hasSealedPersonalData(stored.data)) return decodeData(stored, stored.data)
    let data: unknown
    try {
      data = await unsealPersonalData(stored.data, keyVault)
    } catch (cause) {
      if (isTransient(cause)) throw cause // the vault could not be reached: the event is not at fault
      throw new CorruptEventError(
        stored.streamName,
        stored.streamPosition,
        `personal data cannot be decrypted (${(cause as Error).message})`,
      )
    }
    return decodeData(stored, data)
  }

  /** Decode without a promise when no key is needed. */
  const decodeNow = (stored: StoredEvent): RecordedEvent<E> | Promise<RecordedEvent<E>> =>
    hasSealedPersonalData(stored.data) ? decode(stored) : decodeData(stored, stored.data)

  const inlineFor = (events: ReadonlyArray<E>, at: number) => {
    if (inline.length === 0) return undefined
    return async (stored: ReadonlyArray<StoredEvent>, tx: Tx) => {
      const committed = Date.parse(stored[0]?.committedAt ?? '')
      const recorded = stored.map((s, i) => toRecorded<E>(s, events[i]?.data, at, committed))
      for (const projection of inline) {
        const handled = recorded.filter((e) => (projection.handles as ReadonlyArray<string>).includes(e.type))
        if (handled.length > 0) await projection.apply(handled, tx)
      }
    }
  }

  const readAll = async function* (o: ReadAllOptions<E> = {}): AsyncGenerator<RecordedEvent<E>> {
    for await (const stored of log.readAll({
      from: o.from ?? 0n,
      to: o.to ?? null,
      batchSize: o.batchSize ?? 1000,
      categories: o.categories ?? null,
      types: o.types ?? null,
    }))
      yield decodeNow(stored)
  }

  const subscribe: EventStore<E>['subscribe'] = (handler, o = {}) =>
    tailLog(
      log as EventLog,
      {
        from: o.from ?? 0n,
        batchSize: o.batchSize ?? 1000,
        categories: o.categories ?? null,
        types: o.types ?? null,
      },
      async (stored) => handler(await decode(stored)),
      o,
    )

  return {
    registry,
    log: log as EventLog,
    appendToStream: async (streamName, events, appendOptions = {}) => {
      assertStreamName(streamName)
      const expected = appendOptions.expectedVersion ?? 'any'
      if (!isExpectedVersion(expected))
        throw new StoreError(`invalid expected version ${JSON.stringify(expected)} for stream ${streamName}`)
      if (events.length === 0) {
        const version = await log.streamVersion(streamName)
        const conflict = checkExpectedVersion(streamName, expected, version)
        if (conflict) throw conflict
        return { nextExpectedVersion: version, globalPositions: [], events: [] }
      }
      const now = clock.now().getTime()
      const recordedAt = new Date(now).toISOString()
      const pending: PendingEvent[] = []
      const metadata = appendOptions.metadata ?? {}
      // One trace context for the append: the command's, else the active span's.
      const traceparent = metadata.traceparent ?? traceparentOf()
      for (const e of events) {
        const encoded = encode(streamName, e, metadata, recordedAt, traceparent)
        pending.push(encoded instanceof Promise ? await encoded : encoded)
      }
      const stored = await log.append(streamName, pending, expected, inlineFor(events, now))
      recordAppend(events)
      const last = stored[stored.length - 1]
      // One append, one commit time.
      const committed = Date.parse(last?.committedAt ?? '')
      return {
        nextExpectedVersion: last?.streamPosition ?? 0,
        globalPositions: stored.map((s) => s.globalPosition),
        events: stored.map((s, i) => toRecorded<E>(s, events[i]?.data, now, committed)),
      }
    },
    readStream: async function* (streamName, o = {}) {
      assertStreamName(streamName)
      for await (const stored of log.readStream(streamName, {
        from: o.from ?? 1,
        to: o.to ?? Number.MAX_SAFE_INTEGER,
        maxCount: o.maxCount ?? Number.MAX_SAFE_INTEGER,
      }))
        yield decodeNow(stored)
    },
    readAll,
    streamVersion: async (streamName) => {
      assertStreamName(streamName)
      return log.streamVersion(streamName)
    },
    subscribe,
    decode,
    forget: (subjectId) => keyVault.forget(subjectId),
    close: () => log.close(),
  }
}
