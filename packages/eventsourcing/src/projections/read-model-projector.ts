import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'
import type { EventStore } from '../store/event-store.js'
import { batchWriter, type DocumentProjection } from './document-projection.js'
import { readInBatches } from './projection-runners.js'
import { checkReadModelName, checkReadModelVersion, type ReadModelStore } from './read-model-store.js'

export interface ReadModelProjectorOptions<E extends Event> {
  readonly store: EventStore<E>
  readonly readModels: ReadModelStore
  readonly projection: DocumentProjection<E>
  /** Events per transaction (default 2,000). */
  readonly batchSize?: number
  /** Told after each batch has committed (progress, tests). */
  readonly onBatch?: (committed: {
    readonly position: bigint
    readonly events: number
  }) => void | Promise<void>
}

export interface ProjectorRun {
  /** The version's next position after the run (unchanged when the run did not take place). */
  readonly position: bigint
  /** Events this run applied. */
  readonly applied: number
  /** False when another holder had the lease, or a newer version is live: nothing was done. */
  readonly ran: boolean
  /** Whether this version is the one queries read after the run. */
  readonly live: boolean
}

export interface ReadModelProjector {
  /** Bring the version up to the end of the log, then promote it if it is newer than the live one. */
  readonly catchUp: () => Promise<ProjectorRun>
}

/** Another writer committed the version past the position this run read from. */
class Moved {
  constructor(readonly position: bigint) {}
}

/**
 * The catch-up projector of a persisted read model (ADR 0017). Under the read model's lease, it
 * reads the log from the version's checkpoint and, for each batch, writes the documents and the
 * next position in one transaction, after checking in that transaction that the checkpoint is
 * still the one it read from: a crash, or a second writer without the lease, can neither apply an
 * event twice nor skip one. When caught up, a version newer than the live one is promoted
 * (blue/green): queries switch to it in the transaction that drops the old one.
 */
export const createReadModelProjector = <E extends Event>(
  options: ReadModelProjectorOptions<E>,
): ReadModelProjector => {
  const { store, readModels, projection } = options
  const name = checkReadModelName(projection.name)
  const version = checkReadModelVersion(projection.version)
  const batchSize = Math.max(1, options.batchSize ?? 2000)

  const apply = async (batch: ReadonlyArray<RecordedEvent<E>>, from: bigint): Promise<bigint> =>
    readModels.transaction(async (tx) => {
      const at = await tx.claim(name, version)
      if (at !== from) throw new Moved(at)
      const writer = batchWriter(tx, name, version)
      let next = from
      for (const event of batch) {
        if (event.metadata.globalPosition < next) continue // delivered twice by the log
        await projection.apply(event, writer)
        next = event.metadata.globalPosition + 1n
      }
      await tx.write(name, version, writer.changes())
      await tx.advance(name, version, next)
      return next
    })

  /** Move the checkpoint over events the projection does not handle, with the same check as `apply`. */
  const skipTo = async (next: bigint, from: bigint): Promise<bigint> =>
    readModels.transaction(async (tx) => {
      const at = await tx.claim(name, version)
      if (at !== from) throw new Moved(at)
      await tx.advance(name, version, next)
      return next
    })

  const run = async (): Promise<ProjectorRun> => {
    const start = await readModels.transaction(async (tx) => {
      const live = (await tx.versions(name)).find((v) => v.live)
      if (live !== undefined && live.version > version) return null
      return tx.claim(name, version)
    })
    if (start === null) return { position: 0n, applied: 0, ran: false, live: false }
    // Up to the head as it is now, then past it: a read model of rare types would otherwise stay
    // at its last event, look behind, and scan the same unrelated events on every run.
    const head = store.log.headPosition === undefined ? null : await store.log.headPosition()
    let position = start
    let applied = 0
    for (;;) {
      try {
        const { failure } = await readInBatches(
          store,
          { from: position, types: projection.handles, batchSize, ...(head === null ? {} : { to: head }) },
          async (batch) => {
            position = await apply(batch, position)
            applied += batch.length
            await options.onBatch?.({ position, events: batch.length })
          },
        )
        if (failure !== null) throw failure
        if (head !== null && position <= head) position = await skipTo(head + 1n, position)
        break
      } catch (error) {
        if (!(error instanceof Moved)) throw error
        position = error.position
      }
    }
    const live = await readModels.transaction(async (tx) => {
      const versions = await tx.versions(name)
      const current = versions.find((v) => v.live)
      if (current?.version === version) return true
      if (current !== undefined && current.version > version) return false
      await tx.promote(name, version)
      return true
    })
    return { position, applied, ran: true, live }
  }

  return {
    catchUp: async () => {
      const lease = await readModels.lease(name)
      if (lease === null) {
        const live = await readModels.live(name)
        const mine = live?.version === version
        return { position: mine ? live.position : 0n, applied: 0, ran: false, live: mine }
      }
      try {
        return await run()
      } finally {
        await lease.release()
      }
    },
  }
}
