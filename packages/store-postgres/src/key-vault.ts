import { randomBytes } from 'node:crypto'
import {
  defaultTenant,
  type Erasure,
  KeyEncryptionKeyMissingError,
  type KeyEncryptionKeys,
  type KeyVault,
  PersonalDataError,
  unwrapKey,
  wrapKey,
} from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { keyVaultLockClass, lockKeyOf } from './identifiers.js'
import { flagTransient, type Queryable, withTransaction } from './pool.js'

export interface PostgresKeyVaultOptions {
  /**
   * Store every subject key wrapped under these key-encryption keys, and rotate them on each forget
   * (ADR 0010): the only way for a forget on PostgreSQL to leave no readable copy of the key.
   */
  readonly keyEncryptionKeys?: KeyEncryptionKeys
  /** The tenant whose keys these are (default `default`); each tenant's forgets rotate only its keys. */
  readonly tenant?: string
}

const logicalOnly: Erasure = {
  state: 'logical',
  reason:
    'PostgreSQL keeps the old key in dead row versions and in the free space VACUUM leaves, in WAL records and full-page images, archived WAL, replicas and backups; store keys wrapped by key-encryption keys to make those copies undecryptable (docs/privacy.md)',
}

interface KeyRow {
  readonly key: Buffer | null
  readonly kek: string | null
  readonly created_wrapped: boolean
}

const isPool = (db: Queryable): db is pg.Pool => 'totalCount' in db && 'connect' in db

/** A transaction of its own on a pool; on a client, the caller's (the locks are held until it ends). */
const inTransaction = <T>(db: Queryable, work: (q: Queryable) => Promise<T>): Promise<T> =>
  isPool(db) ? withTransaction(db, work) : work(db)

/**
 * Per-person keys in table `subject_keys`. Forgetting sets the key to NULL (the row stays, so the
 * subject can never get a new one).
 *
 * Without key-encryption keys, keys are stored as they are and forget is `logical`: PostgreSQL keeps
 * the old bytes in dead row versions, page free space, WAL and backups. With `keyEncryptionKeys`,
 * a key is stored only wrapped (`kek` names the version) and each forget, under an exclusive
 * advisory lock that new keys wait for, rotates to a new version, re-wraps every remaining key under
 * it in the same transaction, records the versions it replaced in `kek_retired`, and after the commit
 * destroys them: every old copy of the forgotten key is then wrapped under a destroyed key
 * (`complete`). A destruction that failed (or a crash before it) is retried by the next forget or by
 * `completeErasure()`.
 */
export const postgresKeyVault = (
  db: Queryable,
  schema: string,
  options: PostgresKeyVaultOptions = {},
): KeyVault => {
  const keks = options.keyEncryptionKeys
  const table = `${schema}.subject_keys`
  const tenant = options.tenant ?? defaultTenant
  const lock = [keyVaultLockClass, lockKeyOf(tenant === defaultTenant ? schema : `${schema}/${tenant}`)]

  const rowOf = async (q: Queryable, subjectId: string): Promise<KeyRow | null> => {
    const result = await q
      .query<KeyRow>({
        name: `dcrm_${schema}_key_row`,
        text: `SELECT key, kek, created_wrapped FROM ${table} WHERE tenant = $2 AND subject_id = $1`,
        values: [subjectId, tenant],
      })
      .catch(flagTransient(`reading the key of subject ${subjectId}`))
    return result.rows[0] ?? null
  }

  /** The key of a live row (unwrapped when it is wrapped); null for a tombstone. */
  const keyOf = async (q: Queryable, subjectId: string, row: KeyRow): Promise<Uint8Array | null> => {
    if (row.key === null) return null
    if (row.kek === null) return new Uint8Array(row.key)
    if (keks === undefined)
      throw new KeyEncryptionKeyMissingError(subjectId, row.kek, 'and the vault has no keyEncryptionKeys')
    const kek = await keks.get(row.kek)
    if (kek !== null) return unwrapKey({ id: row.kek, key: kek }, subjectId, row.key)
    // A forget in another process may have re-wrapped the row and destroyed this version since.
    const again = await rowOf(q, subjectId)
    if (again !== null && again.kek !== row.kek) return keyOf(q, subjectId, again)
    throw new KeyEncryptionKeyMissingError(subjectId, row.kek)
  }

  /** Insert a new key for the subject, or return null if another writer inserted one first. */
  const insertKey = async (subjectId: string): Promise<Uint8Array | null> => {
    const created = new Uint8Array(randomBytes(32))
    if (keks === undefined) {
      const inserted = await db
        .query({
          name: `dcrm_${schema}_key_insert`,
          text: `INSERT INTO ${table} (tenant, subject_id, key) VALUES ($3, $1, $2) ON CONFLICT (tenant, subject_id) DO NOTHING`,
          values: [subjectId, Buffer.from(created), tenant],
        })
        .catch(flagTransient(`storing a key for subject ${subjectId}`))
      return inserted.rowCount === 1 ? created : null
    }
    return inTransaction(db, async (q) => {
      // Shared with other new keys, exclusive with a forget: the version read next stays current.
      await q.query('SELECT pg_advisory_xact_lock_shared($1, $2)', lock)
      const kek = await keks.current()
      const inserted = await q.query({
        name: `dcrm_${schema}_key_insert_wrapped`,
        text: `INSERT INTO ${table} (tenant, subject_id, key, kek, created_wrapped) VALUES ($4, $1, $2, $3, true)
               ON CONFLICT (tenant, subject_id) DO NOTHING`,
        values: [subjectId, Buffer.from(wrapKey(kek, subjectId, created)), kek.id, tenant],
      })
      return inserted.rowCount === 1 ? created : null
    })
  }

  /**
   * Under the exclusive lock: wrap every live key under a new version (unwrapping each with the
   * version it is under, or taking it as it is if it predates key-encryption keys), and record the
   * versions it replaced (and `alsoRetired`, the forgotten key's) in `kek_retired`: once this
   * commits, no row is wrapped under them.
   */
  const rewrapAll = async (q: Queryable, holder: KeyEncryptionKeys, alsoRetired: string | null) => {
    const next = await holder.rotate()
    const rows = await q.query<{ subject_id: string; key: Buffer; kek: string | null }>(
      `SELECT subject_id, key, kek FROM ${table} WHERE tenant = $1 AND key IS NOT NULL`,
      [tenant],
    )
    const versions = new Map<string, Uint8Array | null>()
    const subjects: string[] = []
    const wrapped: Buffer[] = []
    for (const r of rows.rows) {
      let key: Uint8Array = new Uint8Array(r.key)
      if (r.kek !== null) {
        if (!versions.has(r.kek)) versions.set(r.kek, await holder.get(r.kek))
        const kek = versions.get(r.kek)
        if (kek == null) throw new KeyEncryptionKeyMissingError(r.subject_id, r.kek)
        key = unwrapKey({ id: r.kek, key: kek }, r.subject_id, r.key)
      }
      subjects.push(r.subject_id)
      wrapped.push(Buffer.from(wrapKey(next, r.subject_id, key)))
    }
    await q.query(
      `UPDATE ${table} AS k SET key = u.key, kek = $3
       FROM unnest($1::text[], $2::bytea[]) AS u(subject_id, key) WHERE k.tenant = $4 AND k.subject_id = u.subject_id`,
      [subjects, wrapped, next.id, tenant],
    )
    const retired = [...versions.keys()]
    if (alsoRetired !== null && !retired.includes(alsoRetired)) retired.push(alsoRetired)
    await q.query(
      `INSERT INTO ${schema}.kek_retired (tenant, id) SELECT $2, unnest($1::text[]) ON CONFLICT (tenant, id) DO NOTHING`,
      [retired, tenant],
    )
    return next
  }

  /**
   * After the commit: destroy every retired version (those of earlier forgets whose destruction
   * failed too), then forget them. Null when all went well.
   */
  const destroyRetired = async (holder: KeyEncryptionKeys, pool: pg.Pool): Promise<Erasure | null> => {
    const ids = (
      await pool.query<{ id: string }>(`SELECT id FROM ${schema}.kek_retired WHERE tenant = $1`, [tenant])
    ).rows.map((r) => r.id)
    try {
      await holder.destroy(ids)
    } catch (error) {
      return {
        state: 'pending',
        reason: `the keys are re-wrapped under a new key-encryption key, but the older ones (${ids.join(', ')}) could not be destroyed (${(error as Error).message}); call completeErasure()`,
      }
    }
    await pool.query(`DELETE FROM ${schema}.kek_retired WHERE tenant = $2 AND id = ANY($1)`, [ids, tenant])
    return null
  }

  const tombstone = (q: Queryable, subjectId: string) =>
    q
      .query({
        name: `dcrm_${schema}_key_forget`,
        text: `INSERT INTO ${table} (tenant, subject_id, key, forgotten_at) VALUES ($2, $1, NULL, now())
             ON CONFLICT (tenant, subject_id) DO UPDATE SET key = NULL, kek = NULL,
               forgotten_at = coalesce(${table}.forgotten_at, now())`,
        values: [subjectId, tenant],
      })
      .catch(flagTransient(`forgetting subject ${subjectId}`))

  return {
    keyFor: async (subjectId) => {
      for (;;) {
        const found = await rowOf(db, subjectId)
        if (found !== null) {
          const key = await keyOf(db, subjectId, found)
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
      const found = await rowOf(db, subjectId)
      return found === null ? null : keyOf(db, subjectId, found)
    },
    forget: async (subjectId) => {
      if (keks === undefined) {
        await tombstone(db, subjectId)
        return logicalOnly
      }
      const before = await inTransaction(db, async (q) => {
        await q.query('SELECT pg_advisory_xact_lock($1, $2)', lock)
        const before = await rowOf(q, subjectId)
        await tombstone(q, subjectId)
        await rewrapAll(q, keks, before?.kek ?? null)
        return before
      })
      if (!isPool(db))
        return {
          state: 'pending',
          reason:
            "forgotten inside the caller's transaction: the older key-encryption keys may be destroyed only after it commits; call completeErasure() then",
        }
      const failed = await destroyRetired(keks, db)
      if (failed !== null) return failed
      if (before?.key != null && !before.created_wrapped)
        return {
          state: 'logical',
          reason: `the key of ${subjectId} was stored unwrapped before key-encryption keys were used: its copies from then (dead rows, WAL, backups) are not covered; VACUUM ${table} and let older WAL archives and backups expire`,
        }
      return { state: 'complete', reason: null }
    },
    completeErasure: async () => {
      if (keks === undefined) return logicalOnly
      if (!isPool(db)) throw new TypeError('completeErasure needs the vault over the pool, not a client')
      await inTransaction(db, async (q) => {
        await q.query('SELECT pg_advisory_xact_lock($1, $2)', lock)
        await rewrapAll(q, keks, null)
      })
      return (await destroyRetired(keks, db)) ?? { state: 'complete', reason: null }
    },
  }
}
