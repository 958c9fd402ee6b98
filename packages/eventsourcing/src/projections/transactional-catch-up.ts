import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'
import { type Logger, silentLogger } from '../ports.js'
import type { EventStore } from '../store/event-store.js'
import { batchTrace } from '../telemetry/follower-trace.js'
import { readInBatches } from './projection-runners.js'

/** An event a runner could not read, to be parked instead of stopping the runner. */
export interface ParkedEvent {
  readonly runner: string
  readonly globalPosition: bigint
  readonly streamName: string | null
  readonly streamPosition: number | null
  readonly errorCode: string
  readonly message: string
}

/** A catch-up projection that writes through the store's transactions (SQL tables beside the events). */
export interface TransactionalProjection<E extends Event, Tx> {
  /** Also the checkpoint's name. */
  readonly name: string
  readonly handles: ReadonlyArray<E['type']>
  /** Create the read model's tables if missing; runs in a transaction before the first batch. */
  readonly setup?: (tx: Tx) => void | Promise<void>
  /** Write the rows for a batch of events; runs in the transaction that also saves the checkpoint. */
  readonly apply: (events: ReadonlyArray<RecordedEvent<E>>, tx: Tx) => void | Promise<void>
}

export interface TransactionalCatchUpOptions {
  /** Events per transaction (default 500). */
  readonly batchSize?: number
  /**
   * Park events that cannot be read (corrupt row, unknown type, codec failure) as dead letters and
   * go on. Default false: the runner stops with the error.
   */
  readonly deadLetters?: boolean
  /** Told of each event parked as a dead letter (`warn`). */
  readonly logger?: Logger
}

export interface CatchUpResult {
  /** The next global position the projection will read. */
  readonly position: bigint
  readonly applied: number
  readonly parked: number
}

/** What a store with transactions provides to `catchUpInTransactions`. */
export interface CatchUpEngine<Tx> {
  /** Run `work` in one transaction: it commits when `work` settles, rolls back if it throws. */
  readonly transaction: (work: (tx: Tx) => void | Promise<void>) => Promise<void>
  readonly loadCheckpoint: (name: string) => Promise<bigint | null>
  readonly saveCheckpoint: (tx: Tx, name: string, position: bigint) => void | Promise<void>
  readonly park: (tx: Tx, letter: ParkedEvent) => void | Promise<void>
  /** The global position of the event that `failure` is about, at or after `from`; null if none. */
  readonly locate: (failure: unknown, from: bigint) => Promise<bigint | null>
}

const readErrorCodes = new Set(['CorruptEvent', 'UnknownEventType', 'EventDecodeError'])

const errorCode = (error: unknown): string | null => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

/**
 * Bring a projection that writes through a transaction (SQL tables beside the events) up to the end
 * of the log: from its checkpoint, in batches, each batch's writes and the checkpoint committed in one
 * transaction, so a crash never applies an event twice or skips one. An event that cannot be read
 * stops the run with its error or, with `deadLetters`, is parked (with the checkpoint past it, in one
 * transaction) and the run goes on. The SQLite and PostgreSQL stores run their SQL projections with it.
 */
export const catchUpInTransactions = async <E extends Event, Tx>(
  store: EventStore<E>,
  projection: TransactionalProjection<E, Tx>,
  engine: CatchUpEngine<Tx>,
  options: TransactionalCatchUpOptions = {},
): Promise<CatchUpResult> => {
  const batchSize = Math.max(1, options.batchSize ?? 500)
  let position = (await engine.loadCheckpoint(projection.name)) ?? 1n
  let applied = 0
  let parked = 0

  const batches = batchTrace(projection.name, batchSize)
  const flush = async (batch: RecordedEvent<E>[]) => {
    const last = batch[batch.length - 1]
    if (last === undefined) return
    const next = last.metadata.globalPosition + 1n
    for (const e of batch) batches.event(e)
    try {
      await engine.transaction(async (tx) => {
        await projection.apply(batch, tx)
        await engine.saveCheckpoint(tx, projection.name, next)
      })
    } finally {
      batches.end()
    }
    applied += batch.length
    position = next
  }

  for (;;) {
    const { failure } = await readInBatches(
      store,
      { from: position, types: projection.handles, batchSize },
      flush,
    )
    if (failure === null) return { position, applied, parked }
    const code = errorCode(failure)
    if (options.deadLetters !== true || code === null || !readErrorCodes.has(code)) throw failure
    const at = await engine.locate(failure, position)
    if (at === null) throw failure
    const { streamName, streamPosition } = failure as { streamName?: unknown; streamPosition?: unknown }
    await engine.transaction(async (tx) => {
      await engine.park(tx, {
        runner: projection.name,
        globalPosition: at,
        streamName: typeof streamName === 'string' ? streamName : null,
        streamPosition: typeof streamPosition === 'number' ? streamPosition : null,
        errorCode: code,
        message: (failure as Error).message,
      })
      await engine.saveCheckpoint(tx, projection.name, at + 1n)
    })
    ;(options.logger ?? silentLogger).warn(`${projection.name} parked an event it could not read`, {
      follower: projection.name,
      globalPosition: at,
      streamName: typeof streamName === 'string' ? streamName : null,
      errorCode: code,
      error: failure,
    })
    parked++
    position = at + 1n
  }
}
