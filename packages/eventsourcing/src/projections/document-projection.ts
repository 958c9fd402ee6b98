import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'
import type { DocumentChange, DocumentKeys, ReadModelTransaction } from './read-model-store.js'

/**
 * The documents of one read model version, as a projection sees them while it applies a batch:
 * reads go to the store once per id, writes are kept and written with the batch's checkpoint.
 */
export interface DocumentWriter {
  /** The document's data, or undefined. The object is the projection's own: change it, then `put` it. */
  readonly get: <D = unknown>(id: string) => Promise<D | undefined>
  /** Replace the document's data and keys (default: in no index). */
  readonly put: (id: string, data: unknown, keys?: DocumentKeys) => void
  readonly delete: (id: string) => void
}

/**
 * A read model persisted as documents (ADR 0017): a name, a version (bump it to rebuild beside the
 * live one), the event types it handles and how an event changes its documents.
 */
export interface DocumentProjection<E extends Event = Event> {
  readonly name: string
  readonly version: number
  readonly handles: ReadonlyArray<E['type']>
  readonly apply: (event: RecordedEvent<E>, documents: DocumentWriter) => void | Promise<void>
}

/** A writer over one transaction: each id is read at most once, the changes are collected. */
export const batchWriter = (
  tx: ReadModelTransaction,
  name: string,
  version: number,
): DocumentWriter & { readonly changes: () => ReadonlyArray<DocumentChange> } => {
  const seen = new Map<string, { data: unknown; keys: DocumentKeys } | null>()
  const dirty = new Set<string>()
  return {
    get: async <D>(id: string) => {
      if (!seen.has(id)) {
        const found = (await tx.documents(name, version, [id])).get(id)
        seen.set(id, found === undefined ? null : { data: found.data, keys: found.keys })
      }
      return seen.get(id)?.data as D | undefined
    },
    put: (id, data, keys = {}) => {
      seen.set(id, { data, keys })
      dirty.add(id)
    },
    delete: (id) => {
      seen.set(id, null)
      dirty.add(id)
    },
    changes: () => [...dirty].map((id) => ({ id, document: seen.get(id) ?? null })),
  }
}
