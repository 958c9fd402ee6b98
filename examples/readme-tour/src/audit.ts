import { dealershipRegistry } from '@dealer-crm/dealership'
import { auditTrail, projectAsOf, rebuildProjection, renderTrail, verify } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { deliveriesByModel } from './deliveries-by-model.js'

export const audit = async (path: string) => {
  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  const chain = await verify(store) // { ok, events, streams, anchor } or the first finding
  const trail = renderTrail(await auditTrail(store, 'customer-zhang-san')) // who, when, what, why
  const now = await rebuildProjection(store, deliveriesByModel)
  const then = await projectAsOf(store, deliveriesByModel, { time: new Date('2026-03-01T00:00:00Z') })
  await store.close()
  return { chain, trail, now, then }
}
