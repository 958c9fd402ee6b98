import { randomBytes } from 'node:crypto'
import {
  type Erasure,
  KeyEncryptionKeyMissingError,
  type KeyEncryptionKeys,
  type KeyVault,
  PersonalDataError,
  unwrapKey,
  wrapKey,
} from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { eraseKeyCopies, withSecureDelete } from './key-erasure.js'
import {
  destroyRetired,
  planRewrap,
  recordedVersion,
  recordVersion,
  rewrapAll,
  StaleRewrap,
  versionForNewKey,
  versionsInUse,
} from './key-wrapping.js'
import { direct, type Gate, prepared } from './statements.js'

export interface SqliteKeyVaultOptions {
  /**
   * How work reaches the connection: the log's `run` when the vault is used outside a transaction
   * of the store (the store's own vault); by default directly, for the `tx` of an inline projection
   * or `log.transaction`.
   */
  readonly gate?: Gate
  /**
   * Store every subject key wrapped under these key-encryption keys, rotated on each forget
   * (ADR 0010): copies of the file made before a forget (backups) then hold the forgotten key only
   * wrapped under a destroyed version.
   */
  readonly keyEncryptionKeys?: KeyEncryptionKeys
}

interface KeyRow {
  readonly key: Buffer | null
  readonly kek: string | null
  readonly created_wrapped: number
}

const rewrapAttempts = 5

/**
 * The personal-data key vault in table `es_subject_keys`: one 256-bit key per subject, and a
 * tombstone (key NULL, forgotten_at set) once the subject is forgotten, so no new key can be made
 * for them. Every write to the table runs with `secure_delete` on; `forget` then rewrites the whole
 * table into zeroed pages and truncates the WAL, so that no copy of a destroyed key stays in the
 * database, WAL or journal file (`eraseKeyCopies`; docs/privacy.md says what is reported when
 * another connection's snapshot prevents it).
 *
 * With `keyEncryptionKeys`, keys are stored wrapped and each forget also re-wraps the remaining keys
 * under a new version and destroys the older versions after the commit, as the PostgreSQL vault does.
 * Inside a transaction of the caller, a forget is `pending` until `completeErasure()` runs after
 * the commit.
 */
export const sqliteKeyVault = (db: Database.Database, options: SqliteKeyVaultOptions = {}): KeyVault => {
  const gate = options.gate ?? direct(db)
  const keks = options.keyEncryptionKeys
  const rowOf = (subjectId: string) =>
    prepared(db, 'SELECT key, kek, created_wrapped FROM es_subject_keys WHERE subject_id = ?').get(
      subjectId,
    ) as KeyRow | undefined

  /** The key of a live row (unwrapped when it is wrapped); null for a tombstone. */
  const keyOf = async (subjectId: string, row: KeyRow): Promise<Uint8Array | null> => {
    if (row.key === null) return null
    if (row.kek === null) return new Uint8Array(row.key)
    if (keks === undefined)
      throw new KeyEncryptionKeyMissingError(subjectId, row.kek, 'and the vault has no keyEncryptionKeys')
    const kek = await keks.get(row.kek)
    if (kek !== null) return unwrapKey({ id: row.kek, key: kek }, subjectId, row.key)
    // A forget in another process may have re-wrapped the row and destroyed this version since.
    const again = await gate(() => rowOf(subjectId))
    if (again !== undefined && again.kek !== row.kek) return keyOf(subjectId, again)
    throw new KeyEncryptionKeyMissingError(subjectId, row.kek)
  }

  /** Insert a new key; null if another writer made one first, or a forget changed the version. */
  const insertKey = async (subjectId: string): Promise<Uint8Array | null> => {
    const created = new Uint8Array(randomBytes(32))
    const kek =
      keks === undefined
        ? null
        : await versionForNewKey(await gate(() => recordedVersion(db)), keks, subjectId)
    return gate(() =>
      // Cells moved by this insert (page splits, defragmentation, freed pages) are zeroed.
      withSecureDelete(db, () =>
        db
          .transaction(() => {
            if (kek !== null) {
              const recorded = recordedVersion(db)
              if (recorded !== null && recorded !== kek.id) return null
              if (recorded === null) recordVersion(db, kek.id)
            }
            const inserted = prepared(
              db,
              `INSERT INTO es_subject_keys (subject_id, key, created_at, kek, created_wrapped) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (subject_id) DO NOTHING`,
            ).run(
              subjectId,
              Buffer.from(kek === null ? created : wrapKey(kek, subjectId, created)),
              new Date().toISOString(),
              kek?.id ?? null,
              kek === null ? 0 : 1,
            )
            return inserted.changes === 1 ? created : null
          })
          .immediate(),
      ),
    )
  }

  const tombstone = (subjectId: string) => {
    const now = new Date().toISOString()
    prepared(
      db,
      `INSERT INTO es_subject_keys (subject_id, key, created_at, forgotten_at) VALUES (?, NULL, ?, ?)
       ON CONFLICT (subject_id) DO UPDATE SET key = NULL, kek = NULL,
         forgotten_at = coalesce(es_subject_keys.forgotten_at, excluded.forgotten_at)`,
    ).run(subjectId, now, now)
  }

  /**
   * With key-encryption keys: tombstone the subject (if any) and re-wrap the others under a new
   * version in one transaction (tried again if another process re-wrapped in between), then destroy
   * the versions replaced.
   */
  const eraseWrapped = async (holder: KeyEncryptionKeys, subjectId: string | null): Promise<Erasure> => {
    const insideTransaction = await gate(() => db.inTransaction)
    for (let attempt = 1; ; attempt++) {
      const plan = await planRewrap(await gate(() => versionsInUse(db)), holder)
      let before: KeyRow | undefined
      let physical: Erasure
      try {
        physical = await gate(() =>
          eraseKeyCopies(db, () => {
            if (subjectId === null) return rewrapAll(db, plan, null)
            before = rowOf(subjectId)
            tombstone(subjectId)
            rewrapAll(db, plan, before?.kek ?? null)
          }),
        )
      } catch (error) {
        if (error instanceof StaleRewrap && attempt < rewrapAttempts) continue
        throw error
      }
      if (insideTransaction)
        return {
          state: 'pending',
          reason:
            "forgotten inside the caller's transaction: the older key-encryption keys may be destroyed only after it commits; call completeErasure() then",
        }
      const failed = await destroyRetired(gate, db, holder)
      if (failed !== null) return failed
      // A key stored unwrapped before key-encryption keys were used is erased only by the rewrite.
      if (before?.key != null && before.created_wrapped === 0) return physical
      return { state: 'complete', reason: null }
    }
  }

  return {
    keyFor: async (subjectId) => {
      for (;;) {
        const found = await gate(() => rowOf(subjectId))
        if (found !== undefined) {
          const key = await keyOf(subjectId, found)
          if (key === null)
            throw new PersonalDataError(
              '(any)',
              `subject ${subjectId} was forgotten; no new personal data may be stored for them`,
            )
          return key
        }
        const created = await insertKey(subjectId)
        if (created !== null) return created
      }
    },
    existingKey: async (subjectId) => {
      const found = await gate(() => rowOf(subjectId))
      return found === undefined ? null : keyOf(subjectId, found)
    },
    forget: (subjectId) =>
      keks === undefined
        ? gate((): Erasure => eraseKeyCopies(db, () => tombstone(subjectId)))
        : eraseWrapped(keks, subjectId),
    completeErasure: () =>
      keks === undefined ? gate(() => eraseKeyCopies(db, () => undefined)) : eraseWrapped(keks, null),
  }
}
