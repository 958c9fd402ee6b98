import { randomBytes } from 'node:crypto'
import { type Erasure, type KeyVault, PersonalDataError } from '@dealer-crm/eventsourcing'
import type { Queryable } from './pool.js'

const logicalOnly: Erasure = {
  state: 'logical',
  reason:
    'PostgreSQL keeps the old key in dead row versions and in the free space VACUUM leaves, in WAL records and full-page images, archived WAL, replicas and backups; store keys wrapped by key-encryption keys to make those copies undecryptable (docs/privacy.md)',
}

/**
 * Per-person keys in table `subject_keys`. Forgetting sets the key to NULL (the row stays, so the
 * subject can never get a new key). PostgreSQL keeps the old bytes in dead tuples until VACUUM,
 * and in WAL and backups until they expire: see the README on crypto-shredding.
 */
export const postgresKeyVault = (db: Queryable, schema: string): KeyVault => {
  const existing = async (subjectId: string): Promise<{ key: Uint8Array | null } | null> => {
    const result = await db.query<{ key: Buffer | null }>({
      name: `dcrm_${schema}_key`,
      text: `SELECT key FROM ${schema}.subject_keys WHERE subject_id = $1`,
      values: [subjectId],
    })
    const row = result.rows[0]
    return row === undefined ? null : { key: row.key === null ? null : new Uint8Array(row.key) }
  }
  return {
    keyFor: async (subjectId) => {
      for (;;) {
        const found = await existing(subjectId)
        if (found !== null) {
          if (found.key === null)
            throw new PersonalDataError(
              '(any)',
              `subject ${subjectId} was forgotten; no new personal data may be stored for them`,
            )
          return found.key
        }
        const created = randomBytes(32)
        const inserted = await db.query({
          name: `dcrm_${schema}_key_insert`,
          text: `INSERT INTO ${schema}.subject_keys (subject_id, key) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING`,
          values: [subjectId, created],
        })
        if (inserted.rowCount === 1) return new Uint8Array(created)
      }
    },
    existingKey: async (subjectId) => (await existing(subjectId))?.key ?? null,
    forget: async (subjectId) => {
      await db.query({
        name: `dcrm_${schema}_key_forget`,
        text: `INSERT INTO ${schema}.subject_keys (subject_id, key, forgotten_at) VALUES ($1, NULL, now())
               ON CONFLICT (subject_id) DO UPDATE SET key = NULL, forgotten_at = coalesce(${schema}.subject_keys.forgotten_at, now())`,
        values: [subjectId],
      })
      return logicalOnly
    },
    completeErasure: async () => logicalOnly,
  }
}
