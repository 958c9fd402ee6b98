import {
  createEventStore,
  createInMemoryEventLog,
  type Event,
  type EventLog,
  type EventStore,
  type EventStoreOptions,
  type MemoryTransaction,
  type StoredEvent,
  StoreError,
} from '@dealer-crm/eventsourcing'

/** Which faults a wrapped log injects. Appends are counted from 1, from when the wrapper was made. */
export interface FaultOptions {
  /** These appends (the 1st, 2nd, …) reject with a StoreError and write nothing. */
  readonly failAppendAt?: number | ReadonlyArray<number>
  /** These appends are written, but the caller gets a StoreError (a lost acknowledgement). */
  readonly loseAckAt?: number | ReadonlyArray<number>
  /**
   * Readers of the log — subscriptions, projection and process-manager runners, `readAll` — receive
   * every event twice in a row (`true`), or those the function picks.
   */
  readonly duplicateDelivery?: boolean | ((event: StoredEvent) => boolean)
  /**
   * Appended events stay invisible to readers (reads, stream versions, subscriptions) for this many
   * milliseconds, or until `faults.reveal()` when `'manual'` — like a lagging read replica. Events
   * become visible in global order, never with a gap.
   */
  readonly visibilityDelay?: number | 'manual'
}

export interface FaultControls {
  /** Append attempts seen so far (failed ones included). */
  readonly appends: () => number
  /** Make the next `count` appends (default 1) reject with a StoreError and write nothing. */
  readonly failNextAppend: (count?: number) => void
  /** Change duplicate delivery from now on. */
  readonly duplicateDelivery: (duplicate: boolean | ((event: StoredEvent) => boolean)) => void
  /** Make every hidden event visible now. */
  readonly reveal: () => void
  /** Events written but not yet visible to readers. */
  readonly hidden: () => number
}

export type FaultyEventLog<Tx = unknown> = EventLog<Tx> & { readonly faults: FaultControls }

const numbers = (n: number | ReadonlyArray<number> | undefined): ReadonlySet<number> =>
  new Set(n === undefined ? [] : typeof n === 'number' ? [n] : n)

interface HiddenBatch {
  readonly first: bigint
  readonly count: number
  revealed: boolean
}

/**
 * Wrap any EventLog so that it misbehaves on purpose: failed appends, lost acknowledgements,
 * duplicate delivery and delayed visibility. Build a store over it with `createEventStore`
 * (or use `createFaultyInMemoryEventStore`) to see how runners and command handling cope.
 */
export const injectFaults = <Tx>(log: EventLog<Tx>, options: FaultOptions = {}): FaultyEventLog<Tx> => {
  const failAt = numbers(options.failAppendAt)
  const loseAckAt = numbers(options.loseAckAt)
  const delay = options.visibilityDelay
  let duplicate = options.duplicateDelivery ?? false
  let attempts = 0
  let forcedFailures = 0
  const hidden: HiddenBatch[] = []
  const listeners = new Set<() => void>()
  const timers = new Set<ReturnType<typeof setTimeout>>()

  const hiddenFrom = (): bigint | null => hidden[0]?.first ?? null
  const visible = (e: StoredEvent) => {
    const from = hiddenFrom()
    return from === null || e.globalPosition < from
  }
  const isDuplicated = (e: StoredEvent) => (typeof duplicate === 'function' ? duplicate(e) : duplicate)
  const flush = () => {
    let changed = false
    while (hidden[0]?.revealed === true) {
      hidden.shift()
      changed = true
    }
    if (changed) for (const listener of listeners) listener()
  }
  const reveal = (batch: HiddenBatch) => {
    batch.revealed = true
    flush()
  }
  const unhide = (batch: HiddenBatch | undefined) => {
    if (batch === undefined) return
    const at = hidden.indexOf(batch)
    if (at >= 0) hidden.splice(at, 1)
    flush()
  }

  const append: EventLog<Tx>['append'] = async (streamName, events, expected, inTransaction) => {
    const n = ++attempts
    if (failAt.has(n) || forcedFailures > 0) {
      if (!failAt.has(n)) forcedFailures--
      throw new StoreError(`injected fault: append #${n} to ${streamName} failed; nothing was written`)
    }
    let batch: HiddenBatch | undefined
    const stored = await (delay === undefined
      ? log.append(streamName, events, expected, inTransaction)
      : log
          .append(streamName, events, expected, async (written, tx) => {
            const first = written[0]
            if (first !== undefined) {
              batch = { first: first.globalPosition, count: written.length, revealed: false }
              hidden.push(batch)
            }
            try {
              await inTransaction?.(written, tx)
            } catch (error) {
              unhide(batch)
              throw error
            }
          })
          .catch((error: unknown) => {
            unhide(batch)
            throw error
          }))
    const written = batch
    if (written !== undefined && typeof delay === 'number') {
      const timer = setTimeout(() => {
        timers.delete(timer)
        reveal(written)
      }, delay)
      timers.add(timer)
    }
    if (loseAckAt.has(n))
      throw new StoreError(`injected fault: append #${n} to ${streamName} was written but not acknowledged`)
    return stored
  }

  return {
    append,
    readStream: async function* (streamName, range) {
      for await (const e of log.readStream(streamName, range)) {
        if (!visible(e)) return
        yield e
      }
    },
    readAll: async function* (filter) {
      for await (const e of log.readAll(filter)) {
        if (!visible(e)) return
        yield e
        if (isDuplicated(e)) yield e
      }
    },
    streamVersion: async (streamName) => {
      if (hiddenFrom() === null) return log.streamVersion(streamName)
      let version = 0
      for await (const e of log.readStream(streamName, {
        from: 1,
        to: Number.MAX_SAFE_INTEGER,
        maxCount: Number.MAX_SAFE_INTEGER,
      })) {
        if (!visible(e)) break
        version = e.streamPosition
      }
      return version
    },
    onAppended: (listener) => {
      listeners.add(listener)
      const off = log.onAppended(listener)
      return () => {
        off()
        listeners.delete(listener)
      }
    },
    ...(log.pollIntervalMs === undefined ? {} : { pollIntervalMs: log.pollIntervalMs }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const batch of hidden) batch.revealed = true
      flush()
      await log.close()
    },
    faults: {
      appends: () => attempts,
      failNextAppend: (count = 1) => {
        forcedFailures += count
      },
      duplicateDelivery: (d) => {
        duplicate = d
      },
      reveal: () => {
        for (const batch of hidden) batch.revealed = true
        flush()
      },
      hidden: () => hidden.reduce((n, b) => n + b.count, 0),
    },
  }
}

/** An in-memory EventStore over a fault-injecting log, and the controls of its faults. */
export const createFaultyInMemoryEventStore = <E extends Event>(
  options: EventStoreOptions<E, MemoryTransaction> & { readonly faults?: FaultOptions },
): { readonly store: EventStore<E>; readonly faults: FaultControls } => {
  const { faults: faultOptions, ...storeOptions } = options
  const log = injectFaults(createInMemoryEventLog(), faultOptions)
  return { store: createEventStore(log, storeOptions), faults: log.faults }
}
