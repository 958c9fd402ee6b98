/**
 * A bounded cache of aggregate state by stream and version, and the snapshot port behind it
 * (docs/adr/0018-command-state-cache.md). The command handler reads from the store only the events
 * after a cached version; the append's expected-version check makes a stale entry harmless.
 */

import { EventSourcingError } from '../errors.js'

/** A cache option that is not a positive whole number: names the option and the value given. */
export class InvalidCacheOptionError extends EventSourcingError {
  readonly code = 'InvalidCacheOption' as const
  constructor(
    readonly option: string,
    readonly value: unknown,
  ) {
    super(`${option} must be a positive whole number, not ${String(value)}`)
    this.name = 'InvalidCacheOptionError'
  }
}

const positive = (option: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidCacheOptionError(option, value)
  return value
}

/** A stream's state at a version, and the command ids of its events up to that version. */
export interface CachedStream<S> {
  readonly state: S
  readonly version: number
  /**
   * Command ids of the stream's events (the idempotency index). It may also hold ids of events
   * after `version` (it is shared with later entries and only grows): a hit then costs a full read,
   * never a wrong answer. It never lacks an id of an event at or before `version`.
   */
  readonly commandIds: Set<string>
}

/** A stream's state saved where a cold cache can start from it instead of position 1. */
export interface Snapshot<S = unknown> {
  readonly state: S
  readonly version: number
  readonly commandIds: ReadonlySet<string>
}

/**
 * Where snapshots are kept. `owner` tells deciders apart (the decider object in process memory; a
 * persisted store would need a stable name and version of the decider instead: see ADR 0018).
 */
export interface SnapshotStore {
  readonly load: (streamName: string, owner: object) => Promise<Snapshot | undefined>
  readonly save: (streamName: string, owner: object, snapshot: Snapshot) => Promise<void>
}

/** Snapshots in process memory, the least recently saved or used dropped past `maxStreams`. */
export const inMemorySnapshots = (maxStreams = 10_000): SnapshotStore => {
  positive('maxStreams', maxStreams)
  const saved = new Map<string, { readonly owner: object; readonly snapshot: Snapshot }>()
  return {
    load: async (streamName, owner) => {
      const found = saved.get(streamName)
      if (found === undefined || found.owner !== owner) return undefined
      saved.delete(streamName)
      saved.set(streamName, found)
      return found.snapshot
    },
    save: async (streamName, owner, snapshot) => {
      saved.delete(streamName)
      saved.set(streamName, { owner, snapshot })
      if (saved.size > maxStreams) saved.delete(saved.keys().next().value as string)
    },
  }
}

export const defaultCacheStreams = 10_000
export const defaultSnapshotEvery = 100

export interface StateCacheOptions {
  /** Streams kept; past it the least recently used is dropped (default 10,000). */
  readonly maxStreams?: number
  /** Snapshots of long streams for when the cache is cold (default: in memory, 10,000 streams). */
  readonly snapshots?: SnapshotStore | null
  /** A snapshot is saved when a stream has grown this many events past its last one (default 100). */
  readonly snapshotEvery?: number
}

export interface StateCacheStats {
  readonly hits: number
  readonly misses: number
  readonly snapshotHits: number
  readonly invalidations: number
  readonly evictions: number
  readonly size: number
}

export interface StateCache {
  readonly maxStreams: number
  /** The cached entry of the stream, if `owner` (the decider) wrote it. */
  readonly get: <S>(streamName: string, owner: object) => CachedStream<S> | undefined
  /** Keep an entry read from or appended to the store; an older version than the kept one is ignored. */
  readonly set: <S>(streamName: string, owner: object, entry: CachedStream<S>) => void
  /** The snapshot of a stream the cache does not hold (null when snapshots are off). */
  readonly snapshot: <S>(streamName: string, owner: object) => Promise<CachedStream<S> | undefined>
  /** Drop a stream's entry (a conflict on append, a failure, an erasure). */
  readonly invalidate: (streamName: string) => void
  readonly clear: () => void
  readonly stats: () => StateCacheStats
}

interface Entry {
  readonly owner: object
  readonly value: CachedStream<unknown>
  /** The version of the stream's last snapshot (0: none). */
  readonly snapshotAt: number
}

/** A least-recently-used cache of aggregate state (a Map keeps insertion order: first is oldest). */
export const createStateCache = (options: StateCacheOptions = {}): StateCache => {
  const maxStreams = positive('maxStreams', options.maxStreams ?? defaultCacheStreams)
  const snapshotEvery = positive('snapshotEvery', options.snapshotEvery ?? defaultSnapshotEvery)
  const snapshots = options.snapshots === undefined ? inMemorySnapshots(maxStreams) : options.snapshots
  const entries = new Map<string, Entry>()
  let hits = 0
  let misses = 0
  let snapshotHits = 0
  let invalidations = 0
  let evictions = 0

  const saveSnapshot = (streamName: string, owner: object, value: CachedStream<unknown>) => {
    // A copy of the index: the entry's own set keeps growing past this version.
    const snapshot = { state: value.state, version: value.version, commandIds: new Set(value.commandIds) }
    // In memory this cannot fail; a persisted store's failure only costs a longer read later.
    snapshots?.save(streamName, owner, snapshot).catch(() => undefined)
  }

  return {
    maxStreams,
    get: <S>(streamName: string, owner: object) => {
      const entry = entries.get(streamName)
      if (entry === undefined || entry.owner !== owner) {
        misses++
        return undefined
      }
      hits++
      entries.delete(streamName)
      entries.set(streamName, entry)
      return entry.value as CachedStream<S>
    },
    set: (streamName, owner, value) => {
      const kept = entries.get(streamName)
      if (kept !== undefined && kept.owner === owner && kept.value.version > value.version) return
      let snapshotAt = kept?.owner === owner ? kept.snapshotAt : 0
      if (snapshots !== null && value.version - snapshotAt >= snapshotEvery) {
        saveSnapshot(streamName, owner, value)
        snapshotAt = value.version
      }
      entries.delete(streamName)
      entries.set(streamName, { owner, value, snapshotAt })
      if (entries.size > maxStreams) {
        entries.delete(entries.keys().next().value as string)
        evictions++
      }
    },
    snapshot: async <S>(streamName: string, owner: object) => {
      const found = await snapshots?.load(streamName, owner)
      if (found === undefined) return undefined
      snapshotHits++
      return {
        state: found.state as S,
        version: found.version,
        commandIds: new Set(found.commandIds),
      }
    },
    invalidate: (streamName) => {
      if (entries.delete(streamName)) invalidations++
    },
    clear: () => entries.clear(),
    stats: () => ({ hits, misses, snapshotHits, invalidations, evictions, size: entries.size }),
  }
}
