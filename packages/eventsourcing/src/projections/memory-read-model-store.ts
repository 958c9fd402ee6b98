import { serial } from '../decider/algebra.js'
import {
  checkDocumentChanges,
  checkIndexQuery,
  checkReadModelName,
  checkReadModelVersion,
  type DocumentKeys,
  type ReadModelDocument,
  type ReadModelStore,
  type ReadModelTransaction,
  type ReadModelVersion,
} from './read-model-store.js'

interface Stored {
  readonly json: string
  readonly keys: DocumentKeys
}

interface VersionState {
  position: bigint
  live: boolean
  documents: Map<string, Stored>
}

const toDocument = (id: string, stored: Stored): ReadModelDocument => ({
  id,
  data: JSON.parse(stored.json),
  keys: { ...stored.keys },
})

const byKeyThenId = (a: [string, string], b: [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0

/**
 * Persisted read models in memory, for tests and single-process apps: documents are kept as JSON
 * text, as the SQL stores keep them, and a transaction works on copies that replace the originals
 * when it commits.
 */
export const createInMemoryReadModelStore = (): ReadModelStore => {
  let models = new Map<string, Map<number, VersionState>>()
  const leases = new Set<string>()
  const once = serial()

  const liveOf = (name: string): [number, VersionState] | undefined =>
    [...(models.get(name) ?? new Map<number, VersionState>()).entries()].find(([, v]) => v.live)

  const versionRow = (name: string, version: number, v: VersionState): ReadModelVersion => ({
    name,
    version,
    position: v.position,
    live: v.live,
  })

  const transaction: ReadModelStore['transaction'] = (work) =>
    once(async () => {
      // Copy on first touch: a version's document map is copied before its first change.
      const draft = new Map([...models].map(([name, versions]) => [name, new Map(versions)]))
      const copied = new Set<VersionState>()
      const writable = (name: string, version: number): VersionState => {
        const versions = draft.get(name) ?? new Map<number, VersionState>()
        draft.set(name, versions)
        let state = versions.get(version)
        if (state !== undefined && copied.has(state)) return state
        state =
          state === undefined
            ? { position: 0n, live: false, documents: new Map() }
            : { ...state, documents: new Map(state.documents) }
        copied.add(state)
        versions.set(version, state)
        return state
      }
      const tx: ReadModelTransaction = {
        versions: async (name) =>
          [...(draft.get(checkReadModelName(name)) ?? new Map<number, VersionState>())].map(([version, v]) =>
            versionRow(name, version, v),
          ),
        claim: async (name, version) =>
          writable(checkReadModelName(name), checkReadModelVersion(version)).position,
        documents: async (name, version, ids) => {
          const state = draft.get(name)?.get(version)
          const found = new Map<string, ReadModelDocument>()
          for (const id of ids) {
            const stored = state?.documents.get(id)
            if (stored !== undefined) found.set(id, toDocument(id, stored))
          }
          return found
        },
        write: async (name, version, changes) => {
          checkDocumentChanges(changes)
          const state = writable(checkReadModelName(name), checkReadModelVersion(version))
          for (const { id, document } of changes) {
            if (document === null) state.documents.delete(id)
            else state.documents.set(id, { json: JSON.stringify(document.data), keys: { ...document.keys } })
          }
        },
        advance: async (name, version, position) => {
          writable(checkReadModelName(name), checkReadModelVersion(version)).position = position
        },
        promote: async (name, version) => {
          const state = writable(checkReadModelName(name), checkReadModelVersion(version))
          state.live = true
          draft.set(name, new Map([[version, state]]))
        },
        drop: async (name, version) => {
          checkReadModelName(name)
          if (version === undefined) draft.delete(name)
          else draft.get(name)?.delete(version)
        },
      }
      const result = await work(tx)
      models = draft
      return result
    })

  return {
    transaction,
    live: async (name) => {
      const live = liveOf(checkReadModelName(name))
      return live === undefined ? null : versionRow(name, live[0], live[1])
    },
    get: async (name, id) => {
      const stored = liveOf(checkReadModelName(name))?.[1].documents.get(id)
      return stored === undefined ? undefined : toDocument(id, stored)
    },
    find: async (name, index, key) => {
      checkIndexQuery(name, index, key)
      const documents = liveOf(name)?.[1].documents ?? new Map<string, Stored>()
      return [...documents]
        .filter(([, stored]) => stored.keys[index] === key)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, stored]) => toDocument(id, stored))
    },
    ordered: async (name, index, options = {}) => {
      checkIndexQuery(name, index)
      const documents = liveOf(name)?.[1].documents ?? new Map<string, Stored>()
      const { from, to, limit } = options
      return [...documents]
        .flatMap(([id, stored]): Array<[string, string]> => {
          const key = stored.keys[index]
          if (key === undefined || key === null) return []
          if ((from !== undefined && key < from) || (to !== undefined && key >= to)) return []
          return [[key, id]]
        })
        .sort(byKeyThenId)
        .slice(0, limit ?? Number.POSITIVE_INFINITY)
        .map(([, id]) => toDocument(id, documents.get(id) as Stored))
    },
    lease: async (name) => {
      checkReadModelName(name)
      if (leases.has(name)) return null
      leases.add(name)
      return { release: async () => void leases.delete(name) }
    },
  }
}
