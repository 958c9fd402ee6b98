import { verify } from '@dealer-crm/eventsourcing'
import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { collect, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type EsdbTestServer, startEsdbTestServer } from './test-server.js'

const note = (text: string) => NoteAdded.make({ text, tags: [] })

describe('EventStoreDB appends against the test server', () => {
  let server: EsdbTestServer
  beforeEach(async () => {
    server = await startEsdbTestServer()
  })
  afterEach(async () => {
    await server.close()
  })

  it('concurrent `any` appends all succeed: conflicts on the exact revision are retried, the chain stays whole', async () => {
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
    })
    const s = 'order-race'
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.appendToStream(s, [note(`w${i}`)])))
    const events = await collect(store.readStream(s))
    expect(events.map((e) => e.metadata.streamPosition)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    for (let i = 1; i < events.length; i++)
      expect(events[i]?.metadata.prevHash).toBe(events[i - 1]?.metadata.hash)
    expect((await verify(store)).ok).toBe(true)
    await store.close()
  })

  it('an event by another program at the head of a stream blocks our appends with a typed error', async () => {
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
    })
    const other = EventStoreDBClient.connectionString(server.connectionString)
    const s = 'order-interleaved'
    await store.appendToStream(s, [note('a')])
    // Another program appends at revision 1 without our envelope: there is no hash to chain onto.
    await other.appendToStream(s, jsonEvent({ type: 'NoteAdded', data: { text: 'foreign', tags: [] } }), {
      expectedRevision: 0n,
    })
    await expect(store.appendToStream(s, [note('b')])).rejects.toMatchObject({
      code: 'CorruptEvent',
      streamName: s,
      streamPosition: 2,
    })
    expect(server.log.stream(s)).toHaveLength(2)
    await other.dispose()
    await store.close()
  })

  it('a reader that stops early leaves no server read open: close() returns', async () => {
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
    })
    await store.appendToStream('order-early', [note('a'), note('b'), note('c')])
    for await (const e of store.readStream('order-early')) if (e.metadata.streamPosition === 1) break
    for await (const e of store.readAll({ batchSize: 2 })) if (e.metadata.streamPosition === 1) break
    const closing = store.close().then(() => 'closed')
    const timeout = new Promise((r) => setTimeout(() => r('hung'), 3000))
    expect(await Promise.race([closing, timeout])).toBe('closed')
  })
})
