import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
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
  /**
   * Open the file read-only (SQLite's read-only mode; ADR 0016): it must exist and already be a
   * store of the latest schema version. Nothing is migrated and no pragma that writes (journal
   * mode) is set, so the file is left byte for byte as it was; an append fails.
   */
  readonly readOnly?: boolean
}

export interface Connection {
  readonly db: Database.Database
  readonly location: string
  readonly owned: boolean
  readonly synchronous: SynchronousLevel
  readonly readOnly: boolean
}

/**
 * May nobody (we, at least) write the file or create files beside it, and is there no WAL? A
 * WAL-mode reader needs to create the WAL index beside the file, which fails in a read-only folder.
 */
const unwritable = (path: string): boolean => {
  const writable = (p: string) => {
    try {
      accessSync(p, constants.W_OK)
      return true
    } catch {
      return false
    }
  }
  return !writable(path) && !writable(dirname(resolve(path))) && !existsSync(`${path}-wal`)
}

/**
 * SQLite's read-only mode. A file that cannot change (read-only, in a read-only folder, without a
 * WAL) is read into memory instead (better-sqlite3 is built without URI filenames, so there is no
 * `immutable=1`); the copy is marked rollback-journal, as an image in memory cannot be WAL.
 * Memory then holds the whole file (ADR 0016).
 */
const openReadOnly = (path: string): Database.Database => {
  if (!unwritable(path)) return new Database(path, { readonly: true, fileMustExist: true })
  const image = readFileSync(path)
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) image.fill(1, 18, 20)
  return new Database(image, { readonly: true })
}

const levels: ReadonlyArray<SynchronousLevel> = ['FULL', 'NORMAL', 'EXTRA']

export const openConnection = (options: ConnectionOptions): Connection => {
  const synchronous = options.synchronous ?? 'FULL'
  if (!levels.includes(synchronous))
    throw new RangeError(`synchronous must be one of ${levels.join(', ')}, not ${String(synchronous)}`)
  if ((options.path === undefined) === (options.database === undefined))
    throw new TypeError('openSqliteEventLog needs exactly one of `path` and `database`')
  const readOnly = options.readOnly === true
  const db = options.database ?? (readOnly ? openReadOnly(options.path ?? '') : new Database(options.path))
  const location = options.path ?? (db.name === '' ? ':memory:' : db.name)
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
  if (!readOnly) {
    if (!db.memory) db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${synchronous}`)
  }
  db.pragma('foreign_keys = ON')
  return { db, location, owned: options.database === undefined, synchronous, readOnly }
}
