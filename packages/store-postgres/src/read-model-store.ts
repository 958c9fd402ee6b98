import {
  checkDocumentChanges,
  checkIndexQuery,
  checkReadModelName,
  checkReadModelVersion,
  defaultTenant,
  documentFromRow,
  type Lease,
  lastChangeOfEach,
  type ReadModelStore,
  type ReadModelTransaction,
  type StoredDocumentRow,
  type StoredVersionRow,
  versionFromRow,
} from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { lockKeyOf, readModelLeaseClass } from './identifiers.js'
import { flagTransient, type Queryable, withTransaction } from './pool.js'

const query = async <R extends pg.QueryResultRow>(
  db: Queryable,
  what: string,
  text: string,
  values: unknown[],
): Promise<R[]> => (await db.query<R>(text, values).catch(flagTransient(what))).rows

/** Parameter `$1` of every statement is the tenant. */
const transactionOn = (client: pg.PoolClient, s: string, tenant: string): ReadModelTransaction => {
  const versions = async (name: string) =>
    (
      await query<StoredVersionRow>(
        client,
        `reading the versions of ${name}`,
        `SELECT version, position::text AS position, live FROM ${s}.read_model_versions
         WHERE tenant = $1 AND name = $2 ORDER BY version`,
        [tenant, name],
      )
    ).map((row) => versionFromRow(name, row))
  const dropVersion = async (name: string, version: number) => {
    for (const table of ['read_model_keys', 'read_model_documents', 'read_model_versions'])
      await query(
        client,
        `dropping ${name} v${version}`,
        `DELETE FROM ${s}.${table} WHERE tenant = $1 AND name = $2 AND version = $3`,
        [tenant, name, version],
      )
  }
  return {
    versions: async (name) => versions(checkReadModelName(name)),
    claim: async (name, version) => {
      checkReadModelName(name)
      checkReadModelVersion(version)
      await query(
        client,
        `creating ${name} v${version}`,
        `INSERT INTO ${s}.read_model_versions (tenant, name, version, position) VALUES ($1, $2, $3, 0)
         ON CONFLICT (tenant, name, version) DO NOTHING`,
        [tenant, name, version],
      )
      // Held until commit: a second writer of this version waits here, then sees the new position.
      const [row] = await query<{ position: string }>(
        client,
        `claiming ${name} v${version}`,
        `SELECT position::text AS position FROM ${s}.read_model_versions
         WHERE tenant = $1 AND name = $2 AND version = $3 FOR UPDATE`,
        [tenant, name, version],
      )
      return BigInt(row?.position ?? '0')
    },
    documents: async (name, version, ids) => {
      const rows = await query<StoredDocumentRow>(
        client,
        `reading documents of ${name}`,
        `SELECT id, data::text AS data, keys::text AS keys FROM ${s}.read_model_documents
         WHERE tenant = $1 AND name = $2 AND version = $3 AND id = ANY($4::text[])`,
        [tenant, name, version, [...ids]],
      )
      return new Map(rows.map((row) => [row.id, documentFromRow(row)]))
    },
    write: async (name, version, all) => {
      checkReadModelName(name)
      checkReadModelVersion(version)
      checkDocumentChanges(all)
      const changes = lastChangeOfEach(all)
      if (changes.length === 0) return
      const what = `writing documents of ${name}`
      const ids = changes.map((c) => c.id)
      await query(
        client,
        what,
        `DELETE FROM ${s}.read_model_keys WHERE tenant = $1 AND name = $2 AND version = $3 AND id = ANY($4::text[])`,
        [tenant, name, version, ids],
      )
      const deleted = changes.filter((c) => c.document === null).map((c) => c.id)
      if (deleted.length > 0)
        await query(
          client,
          what,
          `DELETE FROM ${s}.read_model_documents WHERE tenant = $1 AND name = $2 AND version = $3 AND id = ANY($4::text[])`,
          [tenant, name, version, deleted],
        )
      const puts = changes.flatMap((c) => {
        if (c.document === null) return []
        const keys = Object.entries(c.document.keys).filter((e): e is [string, string] => e[1] !== null)
        return [{ id: c.id, data: JSON.stringify(c.document.data), keys }]
      })
      if (puts.length === 0) return
      await query(
        client,
        what,
        `INSERT INTO ${s}.read_model_documents (tenant, name, version, id, data, keys)
         SELECT $1, $2, $3, u.id, u.data::jsonb, u.keys::jsonb FROM unnest($4::text[], $5::text[], $6::text[]) AS u(id, data, keys)
         ON CONFLICT (tenant, name, version, id) DO UPDATE SET data = excluded.data, keys = excluded.keys`,
        [
          tenant,
          name,
          version,
          puts.map((p) => p.id),
          puts.map((p) => p.data),
          puts.map((p) => JSON.stringify(Object.fromEntries(p.keys))),
        ],
      )
      const keys = puts.flatMap((p) => p.keys.map(([index, key]) => ({ id: p.id, index, key })))
      if (keys.length > 0)
        await query(
          client,
          what,
          `INSERT INTO ${s}.read_model_keys (tenant, name, version, index_name, key, id)
           SELECT $1, $2, $3, u.index_name, u.key, u.id FROM unnest($4::text[], $5::text[], $6::text[]) AS u(index_name, key, id)`,
          [tenant, name, version, keys.map((k) => k.index), keys.map((k) => k.key), keys.map((k) => k.id)],
        )
    },
    advance: async (name, version, position) => {
      await query(
        client,
        `saving the checkpoint of ${name} v${version}`,
        `UPDATE ${s}.read_model_versions SET position = $4, updated_at = now()
         WHERE tenant = $1 AND name = $2 AND version = $3`,
        [tenant, name, version, position.toString()],
      )
    },
    promote: async (name, version) => {
      checkReadModelName(name)
      checkReadModelVersion(version)
      for (const other of await versions(name))
        if (other.version !== version) await dropVersion(name, other.version)
      await query(
        client,
        `promoting ${name} v${version}`,
        `UPDATE ${s}.read_model_versions SET live = true, updated_at = now()
         WHERE tenant = $1 AND name = $2 AND version = $3`,
        [tenant, name, version],
      )
    },
    drop: async (name, version) => {
      checkReadModelName(name)
      for (const other of await versions(name))
        if (version === undefined || other.version === version) await dropVersion(name, other.version)
    },
  }
}

/** The live documents of the tenant in parameter `$1`. */
const liveDocuments = (s: string) => `SELECT d.id, d.data::text AS data, d.keys::text AS keys
  FROM ${s}.read_model_documents d
  JOIN ${s}.read_model_versions v ON v.tenant = d.tenant AND v.name = d.name AND v.version = d.version AND v.live`

/**
 * Persisted read models in the store's own PostgreSQL schema (ADR 0017, docs/read-models.md):
 * tables `read_model_versions`, `read_model_documents` and `read_model_keys`, and the views
 * `read_models` and `read_model_index` over the live versions. The lease on a read model's catch-up
 * is a session advisory lock held on a connection of its own: when its process dies, the server
 * ends the session and the lock with it, and another process takes over from the checkpoint.
 * Every row read or written is `tenant`'s (ADR 0022); each tenant's read models have their own leases.
 */
export const createPostgresReadModelStore = (
  pool: pg.Pool,
  schema: string,
  tenant: string = defaultTenant,
): ReadModelStore => ({
  transaction: (work) => withTransaction(pool, (client) => work(transactionOn(client, schema, tenant))),
  live: async (name) => {
    checkReadModelName(name)
    const [row] = await query<StoredVersionRow>(
      pool,
      `reading the live version of ${name}`,
      `SELECT version, position::text AS position, live FROM ${schema}.read_model_versions
       WHERE tenant = $1 AND name = $2 AND live`,
      [tenant, name],
    )
    return row === undefined ? null : versionFromRow(name, row)
  },
  get: async (name, id) => {
    checkReadModelName(name)
    const [row] = await query<StoredDocumentRow>(
      pool,
      `reading ${name} ${id}`,
      `${liveDocuments(schema)} WHERE d.tenant = $1 AND d.name = $2 AND d.id = $3`,
      [tenant, name, id],
    )
    return row === undefined ? undefined : documentFromRow(row)
  },
  find: async (name, index, key) => {
    checkIndexQuery(name, index, key)
    const rows = await query<StoredDocumentRow>(
      pool,
      `finding ${name} by ${index}`,
      `${liveDocuments(schema)} JOIN ${schema}.read_model_keys k
         ON k.tenant = d.tenant AND k.name = d.name AND k.version = d.version AND k.id = d.id
       WHERE d.tenant = $1 AND d.name = $2 AND k.index_name = $3 AND k.key = $4 ORDER BY k.id`,
      [tenant, name, index, key],
    )
    return rows.map(documentFromRow)
  },
  ordered: async (name, index, options = {}) => {
    checkIndexQuery(name, index)
    const rows = await query<StoredDocumentRow>(
      pool,
      `listing ${name} by ${index}`,
      `${liveDocuments(schema)} JOIN ${schema}.read_model_keys k
         ON k.tenant = d.tenant AND k.name = d.name AND k.version = d.version AND k.id = d.id
       WHERE d.tenant = $1 AND d.name = $2 AND k.index_name = $3 AND ($4::text IS NULL OR k.key >= $4)
         AND ($5::text IS NULL OR k.key < $5)
       ORDER BY k.key, k.id LIMIT $6`,
      [
        tenant,
        name,
        index,
        options.from ?? null,
        options.to ?? null,
        options.limit === undefined ? null : Math.max(0, Math.floor(options.limit)),
      ],
    )
    return rows.map(documentFromRow)
  },
  lease: async (name): Promise<Lease | null> => {
    checkReadModelName(name)
    const client = await pool.connect().catch(flagTransient(`connecting for the lease on ${name}`))
    const onError = () => undefined
    client.on('error', onError)
    const key = lockKeyOf(tenant === defaultTenant ? `${schema}/${name}` : `${schema}/${tenant}/${name}`)
    try {
      const [row] = await query<{ held: boolean }>(
        client,
        `taking the lease on ${name}`,
        'SELECT pg_try_advisory_lock($1, $2) AS held',
        [readModelLeaseClass, key],
      )
      if (row?.held !== true) {
        client.removeListener('error', onError)
        client.release()
        return null
      }
    } catch (error) {
      client.removeListener('error', onError)
      client.release(error instanceof Error ? error : new Error(String(error)))
      throw error
    }
    return {
      release: async () => {
        // A failed unlock discards the connection, which ends the session and its lock.
        let broken: Error | undefined
        await client
          .query('SELECT pg_advisory_unlock($1, $2)', [readModelLeaseClass, key])
          .catch((error: unknown) => {
            broken = error instanceof Error ? error : new Error(String(error))
          })
        client.removeListener('error', onError)
        client.release(broken)
      },
    }
  },
})
