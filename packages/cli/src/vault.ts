import type { KeyVault } from '@dealer-crm/eventsourcing'
import { type PostgresEventStore, withTransaction } from '@dealer-crm/store-postgres'
import type { SqliteEventStore } from '@dealer-crm/store-sqlite'

/** One row of a durable key vault, as `export --with-keys` writes it. */
export interface SubjectKey {
  readonly subjectId: string
  /** The 256-bit key, base64; null once the subject was forgotten (a tombstone that must travel too). */
  readonly key: string | null
  readonly createdAt: string
  readonly forgottenAt: string | null
}

/**
 * A durable key vault and its rows. The kernel's KeyVault port has no way to list keys, so the
 * CLI reads and writes the vault tables the SQL stores document (`es_subject_keys`, `subject_keys`).
 */
export interface VaultAccess {
  readonly description: string
  readonly keyVault: KeyVault
  readonly exportKeys: () => Promise<ReadonlyArray<SubjectKey>>
  /** Insert the rows in one transaction; a subject the vault already holds fails it whole. */
  readonly importKeys: (keys: ReadonlyArray<SubjectKey>) => Promise<void>
  readonly count: () => Promise<number>
}

const base64 = (key: unknown): string | null =>
  key instanceof Uint8Array ? Buffer.from(key).toString('base64') : null

interface SqliteKeyRow {
  subject_id: string
  key: unknown
  created_at: string
  forgotten_at: string | null
}

export const sqliteVault = (
  store: Pick<SqliteEventStore, 'keyVault' | 'sqliteLog'>,
  description: string,
): VaultAccess => ({
  description,
  keyVault: store.keyVault,
  exportKeys: () =>
    store.sqliteLog.run((db) =>
      (
        db
          .prepare(
            'SELECT subject_id, key, created_at, forgotten_at FROM es_subject_keys ORDER BY subject_id',
          )
          .all() as SqliteKeyRow[]
      ).map((r) => ({
        subjectId: r.subject_id,
        key: base64(r.key),
        createdAt: r.created_at,
        forgottenAt: r.forgotten_at,
      })),
    ),
  importKeys: (keys) =>
    store.sqliteLog.transaction((db) => {
      const insert = db.prepare(
        'INSERT INTO es_subject_keys (subject_id, key, created_at, forgotten_at) VALUES (?, ?, ?, ?)',
      )
      for (const k of keys)
        insert.run(
          k.subjectId,
          k.key === null ? null : Buffer.from(k.key, 'base64'),
          k.createdAt,
          k.forgottenAt,
        )
    }),
  count: () =>
    store.sqliteLog.run(
      (db) => (db.prepare('SELECT count(*) AS n FROM es_subject_keys').get() as { n: number }).n,
    ),
})

interface PostgresKeyRow {
  subject_id: string
  key: Buffer | null
  created_at: Date
  forgotten_at: Date | null
}

export const postgresVault = (
  store: Pick<PostgresEventStore, 'keyVault' | 'pool' | 'schema' | 'tenant'>,
  description: string,
): VaultAccess => {
  const table = `${store.schema}.subject_keys`
  return {
    description,
    keyVault: store.keyVault,
    exportKeys: async () =>
      (
        await store.pool.query<PostgresKeyRow>(
          `SELECT subject_id, key, created_at, forgotten_at FROM ${table} WHERE tenant = $1 ORDER BY subject_id`,
          [store.tenant],
        )
      ).rows.map((r) => ({
        subjectId: r.subject_id,
        key: base64(r.key),
        createdAt: r.created_at.toISOString(),
        forgottenAt: r.forgotten_at === null ? null : r.forgotten_at.toISOString(),
      })),
    importKeys: (keys) =>
      withTransaction(store.pool, async (client) => {
        for (const k of keys)
          await client.query(
            `INSERT INTO ${table} (tenant, subject_id, key, created_at, forgotten_at) VALUES ($5, $1, $2, $3, $4)`,
            [
              k.subjectId,
              k.key === null ? null : Buffer.from(k.key, 'base64'),
              k.createdAt,
              k.forgottenAt,
              store.tenant,
            ],
          )
      }),
    count: async () =>
      Number(
        (
          await store.pool.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM ${table} WHERE tenant = $1`,
            [store.tenant],
          )
        ).rows[0]?.n ?? 0,
      ),
  }
}
