import { randomBytes } from 'node:crypto'
import { type Erasure, type KeyVault, PersonalDataError } from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { eraseKeyCopies, withSecureDelete } from './key-erasure.js'
import { direct, type Gate, prepared } from './statements.js'

const keyOf = (row: { key: unknown } | undefined): Uint8Array | null | undefined => {
  if (row === undefined) return undefined
  return row.key instanceof Uint8Array ? new Uint8Array(row.key) : null
}

/**
 * The personal-data key vault in table `es_subject_keys`: one 256-bit key per subject, and a
 * tombstone (key NULL, forgotten_at set) once the subject is forgotten, so no new key can be made
 * for them. Every write to the table runs with `secure_delete` on; `forget` then rewrites the whole
 * table into zeroed pages and truncates the WAL, so that no copy of a destroyed key stays in the
 * database, WAL or journal file (see `eraseKeyCopies` and docs/privacy.md for what it reports when
 * another connection's snapshot prevents that).
 *
 * Pass `gate` (the log's `run`) when the vault is used outside a transaction of the store; use
 * it without a gate inside an inline projection or `log.transaction`, on the `tx` you were given
 * (a forget there stays `pending` until `completeErasure()` runs after the commit).
 */
export const sqliteKeyVault = (db: Database.Database, gate: Gate = direct(db)): KeyVault => {
  const select = () => prepared(db, 'SELECT key FROM es_subject_keys WHERE subject_id = ?')
  return {
    keyFor: (subjectId) =>
      gate(() => {
        const existing = keyOf(select().get(subjectId) as { key: unknown } | undefined)
        if (existing === null)
          throw new PersonalDataError(
            '(any)',
            `subject ${subjectId} was forgotten; no new personal data may be stored for them`,
          )
        if (existing !== undefined) return existing
        const created = new Uint8Array(randomBytes(32))
        // Cells moved by this insert (page splits, defragmentation, freed pages) are zeroed.
        withSecureDelete(db, () =>
          prepared(db, 'INSERT INTO es_subject_keys (subject_id, key, created_at) VALUES (?, ?, ?)').run(
            subjectId,
            Buffer.from(created),
            new Date().toISOString(),
          ),
        )
        return created
      }),
    existingKey: (subjectId) =>
      gate(() => keyOf(select().get(subjectId) as { key: unknown } | undefined) ?? null),
    forget: (subjectId) =>
      gate(
        (): Erasure =>
          eraseKeyCopies(db, () => {
            const now = new Date().toISOString()
            prepared(
              db,
              `INSERT INTO es_subject_keys (subject_id, key, created_at, forgotten_at) VALUES (?, NULL, ?, ?)
               ON CONFLICT (subject_id) DO UPDATE SET key = NULL,
                 forgotten_at = coalesce(es_subject_keys.forgotten_at, excluded.forgotten_at)`,
            ).run(subjectId, now, now)
          }),
      ),
    completeErasure: () => gate(() => eraseKeyCopies(db, () => undefined)),
  }
}
