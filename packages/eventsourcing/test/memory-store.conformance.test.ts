import { createInMemoryEventStore } from '@dealer-crm/eventsourcing'
import { runEventStoreConformance } from '@dealer-crm/testing'

runEventStoreConformance('in-memory', async ({ registry }) => ({
  store: createInMemoryEventStore({ registry }),
}))
