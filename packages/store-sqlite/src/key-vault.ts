import { randomBytes } from 'node:crypto'
import { type KeyVault, PersonalDataError } from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { direct, type Gate, prepared } from './statements.js'

const keyOf = (row: { key: unknown } | undefined): Uint8Array | null | undefined => {
  if (row === undefined) return undefined
  return row.key instanceof Uint8Array ? new Uint8Array(row.key) : null
}

/**
 * The personal-data key vault in table `es_subject_keys`: one 256-bit key per subject, and a
 * tombstone (key NULL, forgotten_at set) once the subject is forgotten, so no new key can be
 * made for them. Forgetting overwrites the key with `secure_delete` on and then truncates the
 * WAL, so the old key bytes do not linger in the file (the file system may still keep old blocks).
 *
 * Pass `gate` (the log's `run`) when the vault is used outside a transaction of the store; use
 * it without a gate inside an inline projection or `log.transaction`, on the `tx` you were given.
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
        prepared(db, 'INSERT INTO es_subject_keys (subject_id, key, created_at) VALUES (?, ?, ?)').run(
          subjectId,
          Buffer.from(created),
          new Date().toISOString(),
        )
        return created
      }),
    existingKey: (subjectId) =>
      gate(() => keyOf(select().get(subjectId) as { key: unknown } | undefined) ?? null),
    forget: (subjectId) =>
      gate(() => {
        const now = new Date().toISOString()
        db.pragma('secure_delete = ON')
        try {
          prepared(
            db,
            `INSERT INTO es_subject_keys (subject_id, key, created_at, forgotten_at) VALUES (?, NULL, ?, ?)
             ON CONFLICT (subject_id) DO UPDATE SET key = NULL, forgotten_at = excluded.forgotten_at`,
          ).run(subjectId, now, now)
        } finally {
          db.pragma('secure_delete = OFF')
        }
        if (!db.inTransaction && !db.memory) db.pragma('wal_checkpoint(TRUNCATE)')
      }),
  }
}
