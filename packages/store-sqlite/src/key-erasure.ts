import type { Erasure } from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { prepared } from './statements.js'

/**
 * Run work with `PRAGMA secure_delete = ON` (the caller's setting is restored after): SQLite then
 * overwrites with zeros the bytes it frees — a deleted or moved cell, a page put on the freelist,
 * a page it reuses — instead of leaving them in the file.
 */
export const withSecureDelete = <T>(db: Database.Database, work: () => T): T => {
  const before = db.pragma('secure_delete', { simple: true }) as number
  if (before === 1) return work()
  db.pragma('secure_delete = ON')
  try {
    return work()
  } finally {
    db.pragma(`secure_delete = ${before === 2 ? 'FAST' : before === 0 ? 'OFF' : 'ON'}`)
  }
}

interface KeyRow {
  readonly rowid: number
  readonly subject_id: string
  readonly key: Buffer | null
  readonly created_at: string
  readonly forgotten_at: string | null
  readonly kek: string | null
  readonly created_wrapped: number
}

/**
 * Rewrite `es_subject_keys` into fresh pages: every row is read, the table is cleared with
 * `secure_delete` on (each of its pages, the root included, is zeroed) and the rows are written
 * back in rowid order. Whatever copies of keys the table's history left in its pages — cells left
 * behind when the root page split or when SQLite rebuilt a page (it does not zero the space a
 * rebuild frees, even with secure_delete), keys written by an older version or another program
 * without secure_delete — are gone with it.
 */
const rewriteKeyTable = (db: Database.Database): void => {
  const rows = prepared(
    db,
    `SELECT rowid, subject_id, key, created_at, forgotten_at, kek, created_wrapped
     FROM es_subject_keys ORDER BY rowid`,
  ).all() as KeyRow[]
  prepared(db, 'DELETE FROM es_subject_keys').run()
  const insert = prepared(
    db,
    `INSERT INTO es_subject_keys (rowid, subject_id, key, created_at, forgotten_at, kek, created_wrapped)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  for (const r of rows)
    insert.run(r.rowid, r.subject_id, r.key, r.created_at, r.forgotten_at, r.kek, r.created_wrapped)
}

const complete: Erasure = { state: 'complete', reason: null }

/**
 * Apply `change` (a forget's tombstone, or nothing) and erase every copy of a destroyed key from the
 * files of the database: in one IMMEDIATE transaction with `secure_delete` on, the change and the
 * table's rewrite; then, in WAL mode, `wal_checkpoint(TRUNCATE)`, which copies the zeroed pages over
 * the old ones in the database file and truncates the WAL (whose older frames hold the old pages).
 *
 * The checkpoint waits (with the busy handler, up to `busy_timeout`) for readers of older
 * snapshots, which still need those frames; if one still reads when it gives up, the result is
 * `pending`, and `completeErasure()` (or the last connection's close, which checkpoints and deletes
 * the WAL) finishes the erasure later. Inside a transaction the caller opened, the pages cannot be
 * checkpointed before it commits: `pending` too.
 */
export const eraseKeyCopies = (db: Database.Database, change: () => void): Erasure => {
  withSecureDelete(db, () =>
    db
      .transaction(() => {
        change()
        rewriteKeyTable(db)
      })
      .immediate(),
  )
  if (db.memory) return complete
  if (db.inTransaction)
    return {
      state: 'pending',
      reason:
        'forgotten inside an open transaction: the old pages stay in the WAL until it commits; call completeErasure() after the commit',
    }
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase()
  if (mode === 'wal') {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number }>
    if (result === undefined || result.busy !== 0 || result.log !== 0)
      return {
        state: 'pending',
        reason:
          'another connection still reads an older snapshot, whose WAL frames hold the old pages; call completeErasure() once it is done (closing the last connection also erases them)',
      }
    return complete
  }
  if (mode === 'persist')
    return {
      state: 'pending',
      reason:
        'journal_mode PERSIST keeps the old pages in the -journal file; use WAL (the store sets it) or DELETE',
    }
  // DELETE, TRUNCATE: the rollback journal, which held the old pages, is gone with the commit.
  return complete
}
