import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'
import type { CheckpointStore } from '../store/checkpoint.js'
import type { EventStore, InlineProjection } from '../store/event-store.js'
import type { FollowOptions, Subscription } from '../store/tail.js'
import { batchTrace } from '../telemetry/follower-trace.js'
import { type LagSource, watchLag } from '../telemetry/lag.js'
import { createConsumer, type OnBadEvent } from './consumer.js'
import type { Projection } from './projection.js'

/**
 * Fold every event the projection handles, from the first, into a fresh state. The projection may
 * know only some of the store's events (one domain's, in the dealership's store): `P extends E`.
 */
export const rebuildProjection = async <S, E extends Event, P extends E = E>(
  store: EventStore<E>,
  projection: Projection<S, P>,
): Promise<S> => {
  let state = projection.init()
  let next = 0n
  await createConsumer({ store, types: projection.handles }, (e) => {
    if (e.metadata.globalPosition < next) return // delivered twice: a fold applies each event once
    state = projection.apply(state, e as RecordedEvent<P>) // read filtered by the projection's types
    next = e.metadata.globalPosition + 1n
  }).catchUp(0n)
  return state
}

/** A point in the log's history: a global position (inclusive) or a commit time (inclusive). */
export type AsOf = { readonly position: bigint } | { readonly time: Date }

/**
 * The projection as it was at a point in history, for audits: "what did we know on 1 March?". By
 * position: the events up to it. By time: the log as it stood at that time, the events the store
 * had committed by then (`committedAt` at or before it), which are a prefix of the global order
 * (docs/architecture.md, "As of a time"). Events are read in global order and the fold stops after
 * the position, or at the first event committed after the time. The writers' `recordedAt` plays no
 * part: writers' clocks may disagree, and an event can carry a time earlier than one before it.
 */
export const projectAsOf = async <S, E extends Event, P extends E = E>(
  store: EventStore<E>,
  projection: Projection<S, P>,
  asOf: AsOf,
): Promise<S> => {
  let state = projection.init()
  const to = 'position' in asOf ? asOf.position : undefined
  const until = 'time' in asOf ? asOf.time.getTime() : undefined
  let next = 0n
  for await (const e of store.readAll({ types: projection.handles, ...(to === undefined ? {} : { to }) })) {
    if (until !== undefined && e.metadata.committedAt.getTime() > until) break
    if (e.metadata.globalPosition < next) continue
    state = projection.apply(state, e as RecordedEvent<P>) // read filtered by the projection's types
    next = e.metadata.globalPosition + 1n
  }
  return state
}

/** An in-memory read model kept current inside every append (for tests and single-process apps). */
export const inMemoryInlineProjection = <S, E extends Event>(
  projection: Projection<S, E>,
): { readonly inline: InlineProjection<E, unknown>; readonly state: () => S } => {
  let state = projection.init()
  return {
    inline: {
      name: projection.name,
      handles: projection.handles,
      apply: (events) => {
        for (const e of events) state = projection.apply(state, e)
      },
    },
    state: () => state,
  }
}

/** `retry` and `logger` serve `start()` (following live); `catchUp()` rejects on any failure. */
export interface CatchUpOptions<S, E extends Event> extends Omit<FollowOptions, 'name'> {
  readonly store: EventStore<E>
  readonly projection: Projection<S, E>
  /**
   * Where the runner saves its position and state. Omit it for a read model kept in memory only:
   * nothing is saved (and nothing copied), and a new runner folds from the first event.
   */
  readonly checkpoints?: CheckpointStore
  /** Checkpoint name; default `<name>@v<version>`, so a new version rebuilds beside the old one. */
  readonly name?: string
  readonly batchSize?: number
  /** Save the checkpoint after this many events (and when caught up or stopped). Default 1000. */
  readonly checkpointEvery?: number
  readonly onBadEvent?: OnBadEvent
  /** How the state becomes JSON for the checkpoint and back; default: as is (state must be JSON). */
  readonly toJson?: (state: S) => unknown
  readonly fromJson?: (json: unknown) => S
}

export interface CatchUpRunner<S> {
  /** Process everything available now; returns the next position. */
  readonly catchUp: () => Promise<bigint>
  /** Catch up, then keep following live appends. */
  readonly start: () => Promise<Subscription>
  readonly state: () => S
  readonly position: () => bigint
}

/**
 * A catch-up projection runner: resumes from its checkpoint, which holds the position and
 * the state together, so a restart neither repeats nor skips an event.
 */
/** For runners whose state lives in memory only: nothing to load, nothing saved. */
const inMemoryOnly: CheckpointStore = {
  load: async () => null,
  save: async () => undefined,
  delete: async () => undefined,
}

export const createCatchUpRunner = <S, E extends Event>(options: CatchUpOptions<S, E>): CatchUpRunner<S> => {
  const { store, projection, checkpoints = inMemoryOnly, checkpointEvery = 1000 } = options
  const name = options.name ?? `${projection.name}@v${projection.version}`
  const toJson = options.toJson ?? ((s: S) => s)
  const fromJson = options.fromJson ?? ((j: unknown) => j as S)
  let state: S | undefined
  let position = 0n
  let unsaved = 0
  let loaded = false

  const ensureLoaded = async () => {
    if (loaded) return
    const checkpoint = await checkpoints.load(name)
    state = checkpoint === null ? projection.init() : fromJson(checkpoint.state)
    position = checkpoint?.position ?? 0n
    loaded = true
  }
  const save = async () => {
    if (unsaved === 0) return
    await checkpoints.save(name, { position, state: toJson(state as S) })
    unsaved = 0
  }
  /** Events parked by `onBadEvent` move the position too, so a restart does not park them again. */
  const passed = (next: bigint) => {
    if (next <= position) return
    position = next
    unsaved++
  }
  const batches = batchTrace(name, options.batchSize ?? 1000)
  const consumer = createConsumer(
    {
      store,
      types: projection.handles,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.onBadEvent === undefined ? {} : { onBadEvent: options.onBadEvent }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      name,
      caughtUp: batches.end,
    },
    async (e) => {
      // Delivered twice (a retry after a failed checkpoint save, a duplicating log): already in the state.
      if (e.metadata.globalPosition < position) return
      batches.event(e)
      state = projection.apply(state as S, e)
      position = e.metadata.globalPosition + 1n
      if (++unsaved >= checkpointEvery) await save()
    },
  )
  const lag: LagSource = { name, log: store.log, types: projection.handles, position: () => position }

  return {
    catchUp: async () => {
      await ensureLoaded()
      watchLag(lag)
      try {
        passed(await consumer.catchUp(position))
      } finally {
        batches.end()
      }
      await save()
      return position
    },
    start: async () => {
      await ensureLoaded()
      const unwatch = watchLag(lag)
      const subscription = consumer.follow(position)
      return {
        ...subscription,
        close: async () => {
          await subscription.close()
          batches.end()
          passed(subscription.position())
          await save()
          unwatch()
        },
      }
    },
    state: () => {
      if (state === undefined)
        throw new Error(`projection ${name} has not been loaded yet: call catchUp() or start()`)
      return state
    },
    position: () => position,
  }
}

/**
 * Read the log from `from` in global order and hand the events to `onBatch` in batches of at most
 * `batchSize`, each batch awaited before the next is read. A failure to read or decode an event
 * ends the reading: the events before it have been handed over, and the failure is returned (not
 * thrown) so that a runner can park the event or stop. A failure of `onBatch` is thrown.
 * The loop under the SQL projection runners of the SQLite and PostgreSQL stores.
 */
export const readInBatches = async <E extends Event>(
  store: EventStore<E>,
  options: {
    readonly from: bigint
    readonly to?: bigint
    readonly types: ReadonlyArray<E['type']>
    readonly batchSize: number
  },
  onBatch: (batch: RecordedEvent<E>[]) => Promise<void>,
): Promise<{ readonly failure: unknown }> => {
  const events = store.readAll(options)[Symbol.asyncIterator]()
  let batch: RecordedEvent<E>[] = []
  let failure: unknown = null
  for (;;) {
    let next: IteratorResult<RecordedEvent<E>>
    try {
      next = await events.next()
    } catch (error) {
      failure = error
      break
    }
    if (next.done) break
    batch.push(next.value)
    if (batch.length >= options.batchSize) {
      await onBatch(batch)
      batch = []
    }
  }
  if (batch.length > 0) await onBatch(batch)
  return { failure }
}
