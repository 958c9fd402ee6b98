import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { collect, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import { EventStoreDBClient } from '@eventstore/db-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type EsdbTestServer, startEsdbTestServer } from './test-server.js'

const note = (text: string) => NoteAdded.make({ text, tags: [] })
const texts = (events: ReadonlyArray<{ data: unknown }>) =>
  events.map((e) => (e.data as { text: string }).text)

describe('EventStoreDB global positions (commit positions) against the test server', () => {
  let server: EsdbTestServer
  beforeEach(async () => {
    server = await startEsdbTestServer()
  })
  afterEach(async () => {
    await server.close()
  })

  const open = () =>
    createEventStoreDbEventStore({ connectionString: server.connectionString, registry: conformanceRegistry })

  it('the test server, like a real one, refuses to read $all from a position inside a record', async () => {
    const store = open()
    const { globalPositions } = await store.appendToStream('order-1', [note('a')])
    await store.close()
    const client = EventStoreDBClient.connectionString(server.connectionString)
    const at = (globalPositions[0] as bigint) + 1n
    await expect(
      collect(client.readAll({ fromPosition: { commit: at, prepare: at }, maxCount: 1 })),
    ).rejects.toThrow(/Invalid position/)
    await client.dispose()
  })

  it('a fresh process resumes from a checkpoint (last + 1) or from an exact position, filtered or not', async () => {
    const writer = open()
    await writer.appendToStream('order-1', [note('a'), note('b')])
    await writer.appendToStream('other-1', [note('x')])
    const { globalPositions } = await writer.appendToStream('order-1', [note('c'), note('d')])
    await writer.close()
    const c = globalPositions[0] as bigint
    const cold = async (options: Parameters<ReturnType<typeof open>['readAll']>[0]) => {
      const store = open()
      try {
        return await collect(store.readAll(options))
      } finally {
        await store.close()
      }
    }
    const positions = (await cold({})).map((e) => e.metadata.globalPosition)
    expect(positions.every((p, i) => i === 0 || p > (positions[i - 1] as bigint))).toBe(true)

    // A new store knows no positions: each read starts cold, as after a restart.
    const cases = {
      'exact, unfiltered': { from: c },
      'last + 1, unfiltered': { from: c + 1n },
      'exact, by category': { from: c, categories: ['order'] },
      'last + 1, by category': { from: c + 1n, categories: ['order'] },
      'last + 1, by type': { from: c + 1n, types: ['NoteAdded' as const] },
    }
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(cases).map(async ([name, o]) => [name, texts(await cold(o))] as const),
      ),
    )
    expect(results).toEqual({
      'exact, unfiltered': ['c', 'd'],
      'last + 1, unfiltered': ['d'],
      'exact, by category': ['c', 'd'],
      'last + 1, by category': ['d'],
      'last + 1, by type': ['d'],
    })
  })
})
