import type pg from 'pg'

/**
 * One pool connection that LISTENs on the log's channel while anyone listens, and calls the
 * listeners on every NOTIFY. When the connection is lost it reconnects after a pause (meanwhile
 * subscriptions fall back to polling) and wakes the listeners, since notifications may be lost.
 */
export interface Notifier {
  readonly add: (listener: () => void) => () => void
  /** Call the listeners now (after this process's own commits). */
  readonly notify: () => void
  readonly close: () => Promise<void>
}

export const createNotifier = (pool: pg.Pool, channel: string, reconnectMs = 1000): Notifier => {
  const listeners = new Set<() => void>()
  let client: pg.PoolClient | null = null
  let connecting: Promise<void> | null = null
  let timer: NodeJS.Timeout | null = null
  let closed = false

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
          schedule()
        })
        await held.query(`LISTEN ${channel}`)
        if (closed || listeners.size === 0) {
          drop(held)
          return
        }
        client = held
        notify()
      } catch {
        if (held !== null && client !== held) drop(held)
        schedule()
      } finally {
        connecting = null
      }
    })()
  }
  const schedule = () => {
    if (closed || timer !== null || listeners.size === 0) return
    timer = setTimeout(() => {
      timer = null
      connect()
    }, reconnectMs)
    timer.unref()
  }
  const disconnect = async () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
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
