import {
  checkDocumentChanges,
  checkIndexQuery,
  checkReadModelName,
  checkReadModelVersion,
  documentFromRow,
  type Lease,
  type ReadModelDocument,
  type ReadModelStore,
  type ReadModelTransaction,
  type StoredDocumentRow,
  type StoredVersionRow,
  versionFromRow,
} from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { withSecureDelete } from './key-erasure.js'
import type { SqliteEventLog } from './sqlite-event-log.js'
import { prepared } from './statements.js'

const liveDocuments = `SELECT d.id, d.data, d.keys FROM es_read_model_documents d
  JOIN es_read_model_versions v ON v.name = d.name AND v.version = d.version AND v.live = 1`

/**
 * Leases of this process, by file (or in-memory connection) and read model. Across processes the
 * write lock already serialises writers, and the projector's checkpoint check applies each event once.
 */
const heldInFiles = new Map<string, Set<string>>()
const heldInMemory = new WeakMap<Database.Database, Set<string>>()

const leasesOf = (log: SqliteEventLog): Set<string> => {
  const inMemory = log.location === ':memory:'
  let held = inMemory ? heldInMemory.get(log.database) : heldInFiles.get(log.location)
  if (held === undefined) {
    held = new Set()
    if (inMemory) heldInMemory.set(log.database, held)
    else heldInFiles.set(log.location, held)
  }
  return held
}

const transactionOn = (db: Database.Database): ReadModelTransaction => {
  const versions = (name: string) =>
    (
      prepared(
        db,
        'SELECT version, position, live FROM es_read_model_versions WHERE name = ? ORDER BY version',
      )
        .safeIntegers(true)
        .all(name) as StoredVersionRow[]
    ).map((row) => versionFromRow(name, row))
  return {
    versions: async (name) => versions(checkReadModelName(name)),
    claim: async (name, version) => {
      checkReadModelName(name)
      checkReadModelVersion(version)
      prepared(
        db,
        `INSERT INTO es_read_model_versions (name, version, position, live, updated_at) VALUES (?, ?, 0, 0, ?)
         ON CONFLICT (name, version) DO NOTHING`,
      ).run(name, version, new Date().toISOString())
      const row = prepared(db, 'SELECT position FROM es_read_model_versions WHERE name = ? AND version = ?')
        .safeIntegers(true)
        .get(name, version) as { position: bigint }
      return row.position
    },
    documents: async (name, version, ids) => {
      const found = new Map<string, ReadModelDocument>()
      const select = prepared(
        db,
        'SELECT id, data, keys FROM es_read_model_documents WHERE name = ? AND version = ? AND id = ?',
      )
      for (const id of ids) {
        const row = select.get(name, version, id) as StoredDocumentRow | undefined
        if (row !== undefined) found.set(id, documentFromRow(row))
      }
      return found
    },
    write: async (name, version, changes) => {
      checkReadModelName(name)
      checkReadModelVersion(version)
      checkDocumentChanges(changes)
      const dropKeys = prepared(
        db,
        'DELETE FROM es_read_model_keys WHERE name = ? AND version = ? AND id = ?',
      )
      const dropDocument = prepared(
        db,
        'DELETE FROM es_read_model_documents WHERE name = ? AND version = ? AND id = ?',
      )
      const putDocument = prepared(
        db,
        `INSERT INTO es_read_model_documents (name, version, id, data, keys) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name, version, id) DO UPDATE SET data = excluded.data, keys = excluded.keys`,
      )
      const putKey = prepared(
        db,
        'INSERT INTO es_read_model_keys (name, version, index_name, key, id) VALUES (?, ?, ?, ?, ?)',
      )
      for (const { id, document } of changes) {
        dropKeys.run(name, version, id)
        if (document === null) {
          dropDocument.run(name, version, id)
          continue
        }
        const keys = Object.entries(document.keys).filter(
          (entry): entry is [string, string] => entry[1] !== null,
        )
        putDocument.run(
          name,
          version,
          id,
          JSON.stringify(document.data),
          JSON.stringify(Object.fromEntries(keys)),
        )
        for (const [index, key] of keys) putKey.run(name, version, index, key, id)
      }
    },
    advance: async (name, version, position) => {
      prepared(
        db,
        'UPDATE es_read_model_versions SET position = ?, updated_at = ? WHERE name = ? AND version = ?',
      ).run(position, new Date().toISOString(), name, version)
    },
    promote: async (name, version) => {
      checkReadModelName(name)
      checkReadModelVersion(version)
      for (const other of versions(name)) if (other.version !== version) dropVersion(db, name, other.version)
      prepared(
        db,
        'UPDATE es_read_model_versions SET live = 1, updated_at = ? WHERE name = ? AND version = ?',
      ).run(new Date().toISOString(), name, version)
    },
    drop: async (name, version) => {
      checkReadModelName(name)
      for (const other of versions(name))
        if (version === undefined || other.version === version) dropVersion(db, name, other.version)
    },
  }
}

/** With the freed bytes zeroed: documents may hold decrypted personal data (dropped on forget). */
const dropVersion = (db: Database.Database, name: string, version: number) =>
  withSecureDelete(db, () => {
    for (const table of ['es_read_model_keys', 'es_read_model_documents', 'es_read_model_versions'])
      prepared(db, `DELETE FROM ${table} WHERE name = ? AND version = ?`).run(name, version)
  })

/**
 * Persisted read models in the store's own SQLite file (ADR 0017, docs/read-models.md): tables
 * `es_read_model_versions`, `es_read_model_documents` and `es_read_model_keys`, and the views
 * `es_read_models` and `es_read_model_index` over the live versions. Writes run in the log's
 * transactions, serialised with appends; reads run between them.
 */
export const createSqliteReadModelStore = (log: SqliteEventLog): ReadModelStore => ({
  transaction: (work) => log.transaction((db) => work(transactionOn(db))),
  live: async (name) => {
    checkReadModelName(name)
    return log.run((db) => {
      const row = prepared(
        db,
        'SELECT version, position, live FROM es_read_model_versions WHERE name = ? AND live = 1',
      )
        .safeIntegers(true)
        .get(name) as StoredVersionRow | undefined
      return row === undefined ? null : versionFromRow(name, row)
    })
  },
  get: async (name, id) => {
    checkReadModelName(name)
    return log.run((db) => {
      const row = prepared(db, `${liveDocuments} WHERE d.name = ? AND d.id = ?`).get(name, id) as
        | StoredDocumentRow
        | undefined
      return row === undefined ? undefined : documentFromRow(row)
    })
  },
  find: async (name, index, key) => {
    checkIndexQuery(name, index, key)
    return log.run((db) =>
      (
        prepared(
          db,
          `${liveDocuments} JOIN es_read_model_keys k ON k.name = d.name AND k.version = d.version AND k.id = d.id
           WHERE d.name = ? AND k.index_name = ? AND k.key = ? ORDER BY k.id`,
        ).all(name, index, key) as StoredDocumentRow[]
      ).map(documentFromRow),
    )
  },
  ordered: async (name, index, options = {}) => {
    checkIndexQuery(name, index)
    const limit = options.limit === undefined ? -1 : Math.max(0, Math.floor(options.limit))
    return log.run((db) =>
      (
        prepared(
          db,
          `${liveDocuments} JOIN es_read_model_keys k ON k.name = d.name AND k.version = d.version AND k.id = d.id
           WHERE d.name = ? AND k.index_name = ? AND (? IS NULL OR k.key >= ?) AND (? IS NULL OR k.key < ?)
           ORDER BY k.key, k.id LIMIT ?`,
        ).all(
          name,
          index,
          options.from ?? null,
          options.from ?? null,
          options.to ?? null,
          options.to ?? null,
          limit,
        ) as StoredDocumentRow[]
      ).map(documentFromRow),
    )
  },
  lease: async (name): Promise<Lease | null> => {
    checkReadModelName(name)
    const held = leasesOf(log)
    if (held.has(name)) return null
    held.add(name)
    return { release: async () => void held.delete(name) }
  },
})
