import type { DocumentKeys, ReadModelDocument, ReadModelVersion } from './read-model-store.js'

/** A read-model document as a SQL store keeps it: data and keys as JSON text. */
export interface StoredDocumentRow {
  readonly id: string
  readonly data: string
  readonly keys: string
}

/** A read-model version as a SQL driver returns it: whole numbers as number, bigint or text; live as a boolean or 0/1. */
export interface StoredVersionRow {
  readonly version: number | bigint
  readonly position: bigint | string
  readonly live: boolean | number | bigint
}

/** The document a stored row holds. */
export const documentFromRow = (row: StoredDocumentRow): ReadModelDocument => ({
  id: row.id,
  data: JSON.parse(row.data),
  keys: JSON.parse(row.keys) as DocumentKeys,
})

/** The version of read model `name` a stored row holds. */
export const versionFromRow = (name: string, row: StoredVersionRow): ReadModelVersion => ({
  name,
  version: Number(row.version),
  position: BigInt(row.position),
  live: Number(row.live) === 1,
})
