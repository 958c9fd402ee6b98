import {
  backoffDelay,
  defaultReconnect,
  type Logger,
  type RetryPolicy,
  silentLogger,
} from '@dealer-crm/eventsourcing'
import type pg from 'pg'

/**
 * One pool connection that LISTENs on the log's channel while anyone listens, and calls the
 * listeners on every NOTIFY. When the connection is lost (its backend terminated, the server
 * restarted) it is reopened with backoff; meanwhile subscriptions fall back to polling. Once it
 * listens again it wakes the listeners, so that a notification sent while nobody listened does
 * not leave them waiting: each reads once.
 */
export interface Notifier {
  readonly add: (listener: () => void) => () => void
  /** Call the listeners now (after this process's own commits). */
  readonly notify: () => void
  readonly close: () => Promise<void>
}

export interface NotifierOptions {
  /** Backoff between attempts to reopen the connection (default: forever, 100 ms doubling to 10 s). */
  readonly retry?: RetryPolicy
  readonly logger?: Logger
}

export const createNotifier = (pool: pg.Pool, channel: string, options: NotifierOptions = {}): Notifier => {
  const retry = options.retry ?? defaultReconnect
  const logger = options.logger ?? silentLogger
  const listeners = new Set<() => void>()
  let client: pg.PoolClient | null = null
  let connecting: Promise<void> | null = null
  let timer: NodeJS.Timeout | null = null
  let closed = false
  /** Failed attempts since the connection last listened. */
  let failures = 0

  const notify = () => {
    for (const listener of listeners) listener()
  }
  const onNotification = (message: pg.Notification) => {
    if (message.channel === channel) notify()
  }
  const drop = (held: pg.PoolClient, error?: Error) => {
    held.removeListener('notification', onNotification)
    held.removeAllListeners('error')
    held.on('error', () => undefined)
    held.release(error ?? true)
  }
  const connect = () => {
    if (closed || client !== null || connecting !== null || listeners.size === 0) return
    connecting = (async () => {
      let held: pg.PoolClient | null = null
      try {
        held = await pool.connect()
        held.on('notification', onNotification)
        held.on('error', (error: Error) => {
          if (client === held) client = null
          if (held !== null) drop(held, error)
          schedule(error)
        })
        await held.query(`LISTEN ${channel}`)
        if (closed || listeners.size === 0) {
          drop(held)
          return
        }
        client = held
        if (failures > 0) logger.warn(`LISTEN ${channel} reopened`, { channel, attempts: failures })
        failures = 0
        notify()
      } catch (error) {
        if (held !== null && client !== held) drop(held)
        schedule(error)
      } finally {
        connecting = null
      }
    })()
  }
  const schedule = (error: unknown) => {
    if (closed || timer !== null || listeners.size === 0) return
    failures++
    if (failures >= retry.maxAttempts) {
      logger.error(`LISTEN ${channel} given up; subscriptions poll`, { channel, error, attempts: failures })
      return
    }
    const delayMs = Math.round(backoffDelay(retry, failures))
    logger.warn(`LISTEN ${channel} lost; reopening`, { channel, error, attempt: failures, delayMs })
    timer = setTimeout(() => {
      timer = null
      connect()
    }, delayMs)
    timer.unref()
  }
  const disconnect = async () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    failures = 0
    await connecting
    const held = client
    client = null
    if (held !== null) drop(held)
  }

  return {
    add: (listener) => {
      listeners.add(listener)
      connect()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) void disconnect()
      }
    },
    notify,
    close: async () => {
      closed = true
      listeners.clear()
      await disconnect()
    },
  }
}
