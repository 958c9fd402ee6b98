import type { DealershipEvent } from '@dealer-crm/dealership'
import type { DocumentProjection, ReadModelStore } from '@dealer-crm/eventsourcing'
import type { OpenedTarget } from './open.js'

/**
 * The store's persisted read models when the live version of `projection` is the one this build
 * writes and holds every event of the log: a read then needs no catch-up (so a read-only store can
 * serve it). Null otherwise: absent, behind, of another version, or a store without tables.
 */
export const persistedAndCurrent = async (
  opened: OpenedTarget,
  projection: DocumentProjection<DealershipEvent>,
): Promise<ReadModelStore | null> => {
  if (opened.readModels === null) return null
  const live = await opened.readModels.live(projection.name)
  if (live === null || live.version !== projection.version) return null
  const head = (await opened.lastPosition()) ?? 0n
  return live.position > head ? opened.readModels : null
}
