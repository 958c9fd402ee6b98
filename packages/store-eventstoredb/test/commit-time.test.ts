import { type Projection, projectAsOf } from '@dealer-crm/eventsourcing'
import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { type ConformanceEvent, collect, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { InMemoryLog } from '../../../test/esdb-test-server/index.js'
import { startEsdbTestServer } from './test-server.js'

const note = (text: string) => NoteAdded.make({ text, tags: [] })
const texts: Projection<string[], ConformanceEvent> = {
  name: 'texts',
  version: 1,
  handles: ['NoteAdded'],
  init: () => [],
  apply: (state, e) => [...state, (e.data as { text: string }).text],
}

describe('EventStoreDB commit times (the server’s created time)', () => {
  it('are the server clock’s, reported as they are; when that clock steps back, as-of a time is still a prefix', async () => {
    // The leader's clock as a test can drive it: 10:00:10, then stepped back to 10:00:05, then 10:00:20.
    const times = ['2026-03-01T10:00:10.000Z', '2026-03-01T10:00:05.000Z', '2026-03-01T10:00:20.000Z']
    let next = 0
    const server = await startEsdbTestServer({ log: new InMemoryLog(() => Date.parse(times[next++] ?? '')) })
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
    })
    try {
      for (const text of ['a', 'b', 'c']) await store.appendToStream(`order-${text}`, [note(text)])
      const events = await collect(store.readAll())
      expect(events.map((e) => e.metadata.committedAt.toISOString())).toEqual(times)
      const asOf = (iso: string) => projectAsOf(store, texts, { time: new Date(iso) })
      // b carries 10:00:05 but came after a (10:00:10): as of 10:00:07 the log held nothing yet.
      expect(await asOf('2026-03-01T10:00:07.000Z')).toEqual([])
      expect(await asOf('2026-03-01T10:00:10.000Z')).toEqual(['a', 'b'])
      expect(await asOf('2026-03-01T10:00:20.000Z')).toEqual(['a', 'b', 'c'])
    } finally {
      await store.close()
      await server.close()
    }
  })
})
