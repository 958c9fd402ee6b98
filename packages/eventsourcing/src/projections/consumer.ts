import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'
import { silentLogger } from '../ports.js'
import { isTransient } from '../retry.js'
import type { StoredEvent } from '../store/event-log.js'
import type { EventStore } from '../store/event-store.js'
import { type FollowOptions, type Subscription, tailLog } from '../store/tail.js'

/** What a runner does with an event that cannot be decoded (corrupt row, unknown type, codec failure). */
export type OnBadEvent = 'stop' | ((stored: StoredEvent, error: unknown) => void | Promise<void>)

export interface ConsumerOptions<E extends Event> extends FollowOptions {
  readonly store: EventStore<E>
  readonly types: ReadonlyArray<string>
  readonly batchSize?: number
  /**
   * Default 'stop': the runner ends with the error; a function parks the event (dead letter) and goes
   * on. A transient failure while decoding (the key vault's connection lost) is neither: it is
   * thrown, and a follower retries the event.
   */
  readonly onBadEvent?: OnBadEvent
  /** Called whenever the consumer has handled everything the log held (the end of a batch of work). */
  readonly caughtUp?: () => void
}

export interface Consumer {
  /** Process what is there now, from `from`; returns the next position. A failure rejects (no retry). */
  readonly catchUp: (from: bigint) => Promise<bigint>
  /** Process from `from`, then live; transient failures are retried (`FollowOptions`). */
  readonly follow: (from: bigint) => Subscription
}

/**
 * The loop shared by projection and process-manager runners: read stored events of the
 * handled types in order, decode each, and hand it on. A bad event stops the runner with a
 * typed error, or is parked by `onBadEvent` — it is never skipped silently.
 */
export const createConsumer = <E extends Event>(
  options: ConsumerOptions<E>,
  handle: (event: RecordedEvent<E>) => void | Promise<void>,
): Consumer => {
  const { store, types, batchSize = 1000, onBadEvent = 'stop' } = options
  const logger = options.logger ?? silentLogger
  const caughtUp = options.caughtUp ?? (() => undefined)
  const process = async (stored: StoredEvent) => {
    let event: RecordedEvent<E>
    try {
      event = await store.decode(stored)
    } catch (error) {
      if (onBadEvent === 'stop' || isTransient(error)) throw error
      await onBadEvent(stored, error)
      logger.warn(`${options.name ?? 'consumer'} parked an event it could not read`, {
        follower: options.name ?? 'consumer',
        globalPosition: stored.globalPosition,
        streamName: stored.streamName,
        streamPosition: stored.streamPosition,
        errorCode: (error as { code?: unknown } | null)?.code ?? null,
        error,
      })
      return
    }
    await handle(event)
  }
  return {
    catchUp: async (from) => {
      // Read up to the head as it is now, and move past it even when no event of ours lay there:
      // otherwise a consumer of rare types would scan the same unrelated events on every catch-up.
      const head = store.log.headPosition === undefined ? null : await store.log.headPosition()
      if (head !== null && head < from) return from
      let position = from
      for await (const stored of store.log.readAll({ from, to: head, batchSize, categories: null, types })) {
        await process(stored)
        position = stored.globalPosition + 1n
      }
      caughtUp()
      return head !== null && head + 1n > position ? head + 1n : position
    },
    follow: (from) =>
      tailLog(store.log, { from, batchSize, categories: null, types }, process, options, caughtUp),
  }
}
