import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import type { RecordedEvent } from '@dealer-crm/eventsourcing'
import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { type ConformanceEvent, collect, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type EsdbTestServer, startEsdbTestServer, testRetries } from './test-server.js'

const note = (text: string) => NoteAdded.make({ text, tags: ['fault'] })

const waitFor = async (condition: () => boolean, timeoutMs = 10_000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

describe('EventStoreDB adapter faults (against the protocol-level test server)', () => {
  let server: EsdbTestServer
  beforeEach(async () => {
    server = await startEsdbTestServer()
  })
  afterEach(async () => {
    await server.close()
  })

  it('an unreachable server gives a typed StoreError, not a hang', async () => {
    const port = await freePort()
    const store = createEventStoreDbEventStore({
      connectionString: `esdb://127.0.0.1:${port}?tls=false`,
      registry: conformanceRegistry,
      readRetries: 1,
      retryDelayMs: 10,
    })
    const started = Date.now()
    await expect(store.appendToStream('order-x', [note('a')])).rejects.toMatchObject({
      code: 'StoreError',
      message: expect.stringContaining('unreachable'),
    })
    await expect(collect(store.readAll())).rejects.toMatchObject({ code: 'StoreError' })
    await expect(store.streamVersion('order-x')).rejects.toMatchObject({ code: 'StoreError' })
    expect(Date.now() - started).toBeLessThan(10_000)
    await store.close()
  })

  it('a connection dropped during a subscription resumes without loss or duplicates', async () => {
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
      ...testRetries,
    })
    const s = 'order-drop'
    const received: RecordedEvent<ConformanceEvent>[] = []
    await store.appendToStream(s, ['1', '2', '3'].map(note))
    const sub = store.subscribe(
      (e) => {
        received.push(e)
      },
      { categories: ['order'] },
    )
    await waitFor(() => received.length >= 3)
    await server.dropConnections()
    for (const text of ['4', '5', '6', '7']) {
      // The first call after the cut may itself see the lost connection; the caller retries.
      for (let attempt = 0; ; attempt++) {
        try {
          await store.appendToStream(s, [note(text)])
          break
        } catch (error) {
          if (attempt > 5) throw error
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      if (text === '5') await server.dropConnections()
    }
    await waitFor(() => received.length >= 7)
    await new Promise((r) => setTimeout(r, 300))
    await sub.close()
    expect(received.map((e) => (e.data as { text: string }).text)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ])
    expect(received.map((e) => e.metadata.streamPosition)).toEqual([1, 2, 3, 4, 5, 6, 7])
    await store.close()
  })

  it('an event with undecodable JSON written by another program is a CorruptEventError naming stream and revision', async () => {
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
      ...testRetries,
    })
    const s = 'order-foreign'
    await store.appendToStream(s, [note('ours')])
    const [ours] = await collect(store.log.readStream(s, { from: 1, to: 1, maxCount: 1 }))
    server.log.append(s, { kind: 'any' }, [
      {
        id: randomUUID(),
        type: 'NoteAdded',
        contentType: 'application/json',
        data: Buffer.from('{"text": "half written'),
        metadata: Buffer.from(
          JSON.stringify({
            streamPosition: 2,
            recordedAt: new Date().toISOString(),
            schemaVersion: 1,
            commandId: null,
            actor: null,
            prevHash: ours?.hash,
            hash: 'f'.repeat(64),
          }),
        ),
      },
    ])
    const error = await collect(store.readStream(s)).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CorruptEvent', streamName: s, streamPosition: 2 })
    expect((error as Error).message).toContain('revision 1')
    expect((error as Error).message).toContain('not valid JSON')
    await expect(collect(store.readAll())).rejects.toMatchObject({ code: 'CorruptEvent', streamName: s })
    await store.close()
  })

  it('an event without our envelope in its metadata is a CorruptEventError, never skipped', async () => {
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
    })
    server.log.append('order-bare', { kind: 'any' }, [
      {
        id: randomUUID(),
        type: 'NoteAdded',
        contentType: 'application/json',
        data: Buffer.from('{"text":"x","tags":[]}'),
        metadata: new Uint8Array(),
      },
    ])
    await expect(collect(store.readStream('order-bare'))).rejects.toMatchObject({
      code: 'CorruptEvent',
      streamName: 'order-bare',
      streamPosition: 1,
    })
    await store.close()
  })

  it('refuses inline projections with a typed error: this store has no transaction for them', () => {
    expect(() =>
      createEventStoreDbEventStore({
        connectionString: server.connectionString,
        registry: conformanceRegistry,
        inline: [{ name: 'p', handles: ['NoteAdded'], apply: () => undefined }],
      }),
    ).toThrow(expect.objectContaining({ code: 'StoreError' }))
  })

  it('keeps our metadata and the server-facing $correlationId/$causationId in the event metadata', async () => {
    const store = createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
    })
    await store.appendToStream('order-meta', [note('m')], {
      metadata: { correlationId: 'c-1', causationId: 'k-1', commandId: 'cmd', actor: { id: 'u', role: 'r' } },
    })
    const record = server.log.stream('order-meta')?.[0]
    const metadata = JSON.parse(Buffer.from(record?.metadata ?? new Uint8Array()).toString('utf8'))
    expect(metadata).toMatchObject({
      $correlationId: 'c-1',
      $causationId: 'k-1',
      commandId: 'cmd',
      actor: { id: 'u', role: 'r' },
      streamPosition: 1,
      schemaVersion: 1,
      prevHash: '',
    })
    expect(record?.revision).toBe(0n)
    expect(record?.contentType).toBe('application/json')
    await store.close()
  })
})
