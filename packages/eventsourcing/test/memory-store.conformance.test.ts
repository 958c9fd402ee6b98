import { createEventStore, createInMemoryEventStore } from '@dealer-crm/eventsourcing'
import { runEventStoreConformance } from '@dealer-crm/testing'

runEventStoreConformance('in-memory', async ({ registry }) => {
  const store = createInMemoryEventStore({ registry })
  return {
    store,
    // Another writer on the same log: its clock stamps recordedAt; the log's clock gives commit times.
    // Its close leaves the shared log open.
    writer: async (clock) => ({
      ...createEventStore(store.log, { registry, clock }),
      close: async () => undefined,
    }),
  }
})
