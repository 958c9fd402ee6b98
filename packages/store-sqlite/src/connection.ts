import Database from 'better-sqlite3'

/**
 * How hard SQLite flushes in WAL mode.
 * - `FULL` (default): the WAL is fsynced at every commit. A returned append survives a process
 *   crash and an OS crash or power loss.
 * - `NORMAL`: the WAL is fsynced only at checkpoints. A process crash loses nothing; a power loss
 *   or OS crash may lose the last transactions that were reported committed (never a torn one:
 *   the database stays consistent). Faster for many small appends.
 * - `EXTRA`: as FULL, and also syncs the directory after the WAL is reset.
 */
export type SynchronousLevel = 'FULL' | 'NORMAL' | 'EXTRA'

export interface ConnectionOptions {
  /** Path of the database file (created if missing). */
  readonly path?: string
  /** An open better-sqlite3 connection to use instead; it is never closed by the store. */
  readonly database?: Database.Database
  readonly synchronous?: SynchronousLevel
  /** How long a write waits for another process's write lock (ms, default 5000). */
  readonly busyTimeoutMs?: number
}

export interface Connection {
  readonly db: Database.Database
  readonly location: string
  readonly owned: boolean
  readonly synchronous: SynchronousLevel
}

const levels: ReadonlyArray<SynchronousLevel> = ['FULL', 'NORMAL', 'EXTRA']

export const openConnection = (options: ConnectionOptions): Connection => {
  const synchronous = options.synchronous ?? 'FULL'
  if (!levels.includes(synchronous))
    throw new RangeError(`synchronous must be one of ${levels.join(', ')}, not ${String(synchronous)}`)
  if ((options.path === undefined) === (options.database === undefined))
    throw new TypeError('openSqliteEventLog needs exactly one of `path` and `database`')
  const db = options.database ?? new Database(options.path)
  const location = options.path ?? (db.name === '' ? ':memory:' : db.name)
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
  if (!db.memory) db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous}`)
  db.pragma('foreign_keys = ON')
  return { db, location, owned: options.database === undefined, synchronous }
}
