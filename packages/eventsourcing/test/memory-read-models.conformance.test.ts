import { createInMemoryEventStore, createInMemoryReadModelStore } from '@dealer-crm/eventsourcing'
import { runReadModelStoreConformance } from '@dealer-crm/testing'

runReadModelStoreConformance('in-memory', async ({ registry }) => ({
  store: createInMemoryEventStore({ registry }),
  readModels: createInMemoryReadModelStore(),
}))
