import type { EventLog, StoredEvent } from './event-log.js'

/** A catch-up subscription: it delivers history from `from`, then live events, in global order. */
export interface Subscription {
  /** Stop delivering; resolves once the handler in flight has finished. */
  readonly close: () => Promise<void>
  /** Settles when the subscription ends: resolves on close, rejects with the handler's error. */
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
  /** Settles when the repetition ends: resolves on close, rejects with the work's error. */
  readonly done: Promise<void>
}

/**
 * Run `work` now, then again whenever the log reports an append, or after its poll interval
 * when it cannot notify. Appends reported while `work` runs are not lost: they trigger one
 * more run. `work` receives a `stopped` check so it can end early on close.
 */
export const onEveryAppend = (log: EventLog, work: (stopped: () => boolean) => Promise<void>): Repeater => {
  let stopped = false
  let dirty = true
  let wake: (() => void) | null = null
  const unlisten = log.onAppended(() => {
    dirty = true
    wake?.()
  })
  const done = (async () => {
    try {
      while (!stopped) {
        if (!dirty) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, log.pollIntervalMs ?? 1000)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = null
        }
        dirty = false
        if (!stopped) await work(() => stopped)
      }
    } finally {
      unlisten()
    }
  })()
  return {
    close: async () => {
      stopped = true
      wake?.()
      await done.catch(() => undefined)
    },
    done,
  }
}

/**
 * Follow a log: read everything from `from` in batches, then wait for the log's append
 * notification (or its poll interval) and read again from where it stopped. Because a log's
 * readAll never reveals a position below one it has shown, nothing is lost or repeated.
 */
export const tailLog = (
  log: EventLog,
  filter: TailFilter,
  handler: (event: StoredEvent) => void | Promise<void>,
): Subscription => {
  let position = filter.from
  const repeater = onEveryAppend(log, async (stopped) => {
    for await (const event of log.readAll({ ...filter, from: position, to: null })) {
      if (stopped()) break
      await handler(event)
      position = event.globalPosition + 1n
    }
  })
  return { ...repeater, position: () => position }
}
