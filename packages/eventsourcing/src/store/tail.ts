import { type Logger, silentLogger } from '../ports.js'
import { backoffDelay, defaultReconnect, isTransient, type RetryPolicy } from '../retry.js'
import type { EventLog, StoredEvent } from './event-log.js'

/** A catch-up subscription: it delivers history from `from`, then live events, in global order. */
export interface Subscription {
  /** Stop delivering; resolves once the handler in flight has finished. */
  readonly close: () => Promise<void>
  /** Settles when the subscription ends: resolves on close, rejects with the error that stopped it. */
  readonly done: Promise<void>
  /** The next global position the subscription will deliver from. */
  readonly position: () => bigint
}

export interface TailFilter {
  readonly from: bigint
  readonly batchSize: number
  readonly categories: ReadonlyArray<string> | null
  readonly types: ReadonlyArray<string> | null
}

/** Work repeated after every append the log reports (or its poll interval), until closed. */
export interface Repeater {
  /** Stop; resolves once the work in flight has finished. */
  readonly close: () => Promise<void>
  /** Settles when the repetition ends: resolves on close, rejects with the error that stopped it. */
  readonly done: Promise<void>
}

/** How a follower of the log copes with failures. */
export interface FollowOptions {
  /**
   * The backoff between retries of a transient failure (`isTransient`); default `defaultReconnect`:
   * retry without end, 100 ms doubling to 10 s, jittered. A permanent failure, or `maxAttempts`
   * transient ones in a row (with no progress between them), stops the follower.
   */
  readonly retry?: RetryPolicy
  /** Told of each retried failure (`warn`) and of the failure that stops the follower (`error`). */
  readonly logger?: Logger
  /** Names the follower in what it logs (a runner's checkpoint name, say). */
  readonly name?: string
}

/**
 * Run `work` now, then again whenever the log reports an append, or after its poll interval
 * when it cannot notify. Appends reported while `work` runs are not lost: they trigger one
 * more run. `work` receives a `stopped` check so it can end early on close, and a `progressed`
 * call to make after each step it completes (it resets the count of failures in a row).
 *
 * When `work` fails with a transient error (a lost connection, a terminated backend), it runs again
 * after a backoff (`options.retry`), as if the log had reported an append; the backoff is not cut
 * short by appends, only by close. Any other failure ends the repetition with that error.
 */
export const onEveryAppend = (
  log: EventLog,
  work: (stopped: () => boolean, progressed: () => void) => Promise<void>,
  options: FollowOptions = {},
): Repeater => {
  const retry = options.retry ?? defaultReconnect
  const logger = options.logger ?? silentLogger
  const follower = options.name ?? 'follower'
  let stopped = false
  let dirty = true
  /** Ends the current wait: an append ends a wait for appends, close ends any wait. */
  let wake: ((byAppend: boolean) => void) | null = null
  const wait = (ms: number, untilAppend: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = (byAppend) => {
        if (byAppend && !untilAppend) return
        clearTimeout(timer)
        resolve()
      }
    }).finally(() => {
      wake = null
    })
  const unlisten = log.onAppended(() => {
    dirty = true
    wake?.(true)
  })
  let failures = 0
  const progressed = () => {
    failures = 0
  }
  const done = (async () => {
    try {
      while (!stopped) {
        if (!dirty) await wait(log.pollIntervalMs ?? 1000, true)
        dirty = false
        if (stopped) break
        try {
          await work(() => stopped, progressed)
          failures = 0
        } catch (error) {
          if (stopped) break // closed meanwhile: what failed no longer matters
          failures++
          if (!isTransient(error) || failures >= retry.maxAttempts) {
            logger.error(`${follower} stopped`, { follower, error, attempts: failures })
            throw error
          }
          const delayMs = Math.round(backoffDelay(retry, failures))
          logger.warn(`${follower} failed; retrying`, { follower, error, attempt: failures, delayMs })
          await wait(delayMs, false)
          dirty = true
        }
      }
    } finally {
      unlisten()
    }
  })()
  return {
    close: async () => {
      stopped = true
      wake?.(false)
      await done.catch(() => undefined)
    },
    done,
  }
}

/**
 * Follow a log: read everything from `from` in batches, then wait for the log's append
 * notification (or its poll interval) and read again from where it stopped. Because a log's
 * readAll never reveals a position below one it has shown, nothing is lost or repeated.
 *
 * The position moves past an event once `handler` has returned for it, so after a transient
 * failure the follower reads again from the first event not handled: an event is handed over
 * again only when `handler` itself failed on it (transiently) — it must then cope with seeing it
 * twice, as after a restart from a checkpoint.
 */
export const tailLog = (
  log: EventLog,
  filter: TailFilter,
  handler: (event: StoredEvent) => void | Promise<void>,
  options: FollowOptions = {},
  caughtUp: () => void = () => undefined,
): Subscription => {
  let position = filter.from
  const repeater = onEveryAppend(
    log,
    async (stopped, progressed) => {
      for await (const event of log.readAll({ ...filter, from: position, to: null })) {
        if (stopped()) break
        await handler(event)
        position = event.globalPosition + 1n
        progressed()
      }
      caughtUp()
    },
    options,
  )
  return { ...repeater, position: () => position }
}
