import { EventSourcingError } from '../errors.js'

/**
 * The keys a document is found by, one per index: `{ customer: 'c-1', due: '2026-03-02T…' }`. An
 * index the document is not in is left out (or null). Keys are text and ordered as text, so times
 * are ISO-8601 UTC and numbers are zero-padded by the projection that writes them.
 */
export type DocumentKeys = Readonly<Record<string, string | null>>

/** One document of a persisted read model: JSON data under an id, with its index keys. */
export interface ReadModelDocument<D = unknown> {
  readonly id: string
  readonly data: D
  readonly keys: DocumentKeys
}

/** Put a document (replacing data and keys) or, with `document: null`, delete it. */
export interface DocumentChange {
  readonly id: string
  readonly document: { readonly data: unknown; readonly keys: DocumentKeys } | null
}

/** One version of a read model: where its catch-up stands and whether queries read it. */
export interface ReadModelVersion {
  readonly name: string
  readonly version: number
  /** The next global position to read. */
  readonly position: bigint
  readonly live: boolean
}

/** What a catch-up writes in one transaction of the store: a batch's documents and its checkpoint. */
export interface ReadModelTransaction {
  readonly versions: (name: string) => Promise<ReadonlyArray<ReadModelVersion>>
  /**
   * The version's next position, creating the version at 0 if missing; the version's row is held
   * until the transaction ends (PostgreSQL `FOR UPDATE`), so two writers of one version serialise.
   */
  readonly claim: (name: string, version: number) => Promise<bigint>
  readonly documents: (
    name: string,
    version: number,
    ids: ReadonlyArray<string>,
  ) => Promise<ReadonlyMap<string, ReadModelDocument>>
  readonly write: (name: string, version: number, changes: ReadonlyArray<DocumentChange>) => Promise<void>
  readonly advance: (name: string, version: number, position: bigint) => Promise<void>
  /** Make `version` the one queries read; the other versions of `name` and their documents are dropped. */
  readonly promote: (name: string, version: number) => Promise<void>
  /** Drop one version (documents and checkpoint), or every version of the read model. */
  readonly drop: (name: string, version?: number) => Promise<void>
}

export interface OrderedOptions {
  /** Keys at or after this one. */
  readonly from?: string
  /** Keys before this one. */
  readonly to?: string
  readonly limit?: number
}

/** A lease on a read model's catch-up: while held, no other process of the store runs it. */
export interface Lease {
  readonly release: () => Promise<void>
}

/**
 * Persisted read models (ADR 0017, docs/read-models.md): documents keyed by id, found by id or by
 * an index key, in tables beside the events. Queries read the live version of a read model; a
 * new version is built beside it and promoted when caught up.
 */
export interface ReadModelStore {
  /** Run `work` in one transaction: it commits when `work` resolves, rolls back if it throws. */
  readonly transaction: <T>(work: (tx: ReadModelTransaction) => Promise<T>) => Promise<T>
  /** The version queries read, or null before any version has been promoted. */
  readonly live: (name: string) => Promise<ReadModelVersion | null>
  readonly get: (name: string, id: string) => Promise<ReadModelDocument | undefined>
  /** The documents whose key in `index` is `key`, by id. */
  readonly find: (name: string, index: string, key: string) => Promise<ReadonlyArray<ReadModelDocument>>
  /** The documents in `index`, by key then id. */
  readonly ordered: (
    name: string,
    index: string,
    options?: OrderedOptions,
  ) => Promise<ReadonlyArray<ReadModelDocument>>
  /**
   * Try to take the lease on a read model's catch-up; null if another holder has it. A lease dies
   * with its holder (PostgreSQL: a session advisory lock, released when the connection ends).
   */
  readonly lease: (name: string) => Promise<Lease | null>
}

/** A read model's name, id, index or key, or a document, that cannot be stored. Nothing is written. */
export class ReadModelInputError extends EventSourcingError {
  readonly code = 'ReadModelInputError' as const
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`read model ${field} ${safeText(value)}: ${reason}`)
    this.name = 'ReadModelInputError'
  }
}

const safeText = (value: unknown): string => {
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value)
  } catch {
    return String(value)
  }
}

const namePattern = /^[a-z0-9][a-z0-9._-]{0,119}$/

export const checkReadModelName = (name: unknown): string => {
  if (typeof name !== 'string' || !namePattern.test(name))
    throw new ReadModelInputError('name', name, 'use 1-120 characters of a-z, 0-9, ".", "_" and "-"')
  return name
}

export const checkReadModelVersion = (version: unknown): number => {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    throw new ReadModelInputError('version', version, 'a version is a whole number from 1')
  return version
}

const checkText = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 500 || value.includes('\u0000'))
    throw new ReadModelInputError(field, value, 'expected text of 1-500 characters without NUL')
  return value
}

/** True for values that JSON keeps as they are: null, booleans, finite numbers, text, arrays, plain objects. */
const isJson = (value: unknown): boolean => {
  if (typeof value === 'string') return !value.includes('\u0000') // PostgreSQL's jsonb refuses NUL
  if (value === null || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every(isJson)
  if (typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  return Object.values(value).every((v) => v === undefined || isJson(v))
}

/** Check a batch of changes before any of it is written: names, ids, keys and JSON data. */
export const checkDocumentChanges = (changes: ReadonlyArray<DocumentChange>): void => {
  for (const change of changes) {
    checkText('document id', change.id)
    if (change.document === null) continue
    if (!isJson(change.document.data))
      throw new ReadModelInputError(
        `document ${change.id} data`,
        String(change.document.data),
        'documents are plain JSON (no Map, Set, Date, bigint, NaN, NUL character or class instance)',
      )
    for (const [index, key] of Object.entries(change.document.keys)) {
      checkText(`document ${change.id} index`, index)
      if (key !== null) checkText(`document ${change.id} key of ${index}`, key)
    }
  }
}

export const checkIndexQuery = (name: string, index: string, key?: string): void => {
  checkReadModelName(name)
  checkText('index', index)
  if (key !== undefined) checkText('key', key)
}

/** The last change of each id, in the order ids were first changed: what a batch leaves behind. */
export const lastChangeOfEach = (changes: ReadonlyArray<DocumentChange>): ReadonlyArray<DocumentChange> => [
  ...new Map(changes.map((change) => [change.id, change])).values(),
]
