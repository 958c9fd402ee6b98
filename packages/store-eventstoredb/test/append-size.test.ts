import { createEventStoreDbEventStore, DEFAULT_MAX_APPEND_SIZE } from '@dealer-crm/store-eventstoredb'
import { CarOrdered, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { type EsdbTestServer, startEsdbTestServer } from './test-server.js'

const note = (text: string) => NoteAdded.make({ text, tags: [] })
const KB = 1000
const MiB = 1024 * 1024

describe('EventStoreDB: appends over the server maximum append size are refused before they are sent', () => {
  let server: EsdbTestServer
  afterEach(async () => {
    await server.close()
  })
  const open = async (options: { server?: number; adapter?: number } = {}) => {
    server = await startEsdbTestServer(options.server === undefined ? {} : { maxAppendSize: options.server })
    return createEventStoreDbEventStore({
      connectionString: server.connectionString,
      registry: conformanceRegistry,
      ...(options.adapter === undefined ? {} : { maxAppendSize: options.adapter }),
    })
  }
  /** What reached the server: its append calls and what it wrote. */
  const sent = () => ({ appends: server.calls.append, records: server.log.records.length })

  it('refuses an event over 1 MiB with AppendTooLargeError naming the stream, the type and the limit; nothing is sent', async () => {
    const store = await open()
    const before = sent()
    const error = await store
      .appendToStream('order-big', [note('x'.repeat(2 * MiB))])
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'AppendTooLarge',
      streamName: 'order-big',
      eventType: 'NoteAdded',
      eventCount: 1,
      maxAppendSize: DEFAULT_MAX_APPEND_SIZE,
    })
    expect((error as Error).message).toMatch(/order-big.*NoteAdded.*1048576 bytes/)
    expect(sent()).toEqual(before)
    expect(await store.streamVersion('order-big')).toBe(0)
    await store.close()
  })

  it('refuses personal fields of 900 KB, which encryption takes over 1 MiB', async () => {
    const store = await open()
    const before = sent()
    const order = CarOrdered.make({
      orderId: 'o-1',
      amountFen: 100 as Parameters<typeof CarOrdered.make>[0]['amountFen'],
      customer: { subjectId: 'customer-1', name: '张'.repeat(300 * KB), phone: '13800138000' },
    })
    const error = await store.appendToStream('order-personal', [order]).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'AppendTooLarge',
      streamName: 'order-personal',
      eventType: 'CarOrdered',
    })
    // 900 KB of text is 1.2 MB as base64 ciphertext.
    expect((error as { eventSize: number }).eventSize).toBeGreaterThan(1_200_000)
    expect(sent()).toEqual(before)
    await store.close()
  })

  it('counts the whole append, as the server does: events that fit alone are refused together, whole', async () => {
    const store = await open()
    const before = sent()
    const part = () => note('x'.repeat(400 * KB))
    const error = await store.appendToStream('order-parts', [part(), part(), part()]).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'AppendTooLarge', eventCount: 3, eventType: 'NoteAdded' })
    const { appendSize, eventSize } = error as { appendSize: number; eventSize: number }
    expect(appendSize).toBeGreaterThan(MiB)
    expect(eventSize).toBeLessThan(MiB)
    expect(sent()).toEqual(before)
    await store.appendToStream('order-parts', [part()])
    expect(await store.streamVersion('order-parts')).toBe(1)
    await store.close()
  })

  it('counts exactly what the server counts, so maxAppendSize can be set to a server MaxAppendSize', async () => {
    // The size of one event as the server counted it: data, metadata and the type twice.
    let store = await open()
    await store.appendToStream('order-a', [note('y'.repeat(5 * KB))])
    const record = server.log.stream('order-a')?.[0]
    const size = (record?.data.length ?? 0) + (record?.metadata.length ?? 0) + 2 * (record?.type.length ?? 0)
    await store.close()
    await server.close()

    // At exactly the server's limit, both accept the same event; one byte less, the adapter refuses it first.
    store = await open({ server: size, adapter: size })
    await store.appendToStream('order-a', [note('y'.repeat(5 * KB))])
    expect(server.log.stream('order-a')).toHaveLength(1)
    await store.close()
    await server.close()

    store = await open({ server: size - 1, adapter: size - 1 })
    const before = sent()
    await expect(store.appendToStream('order-a', [note('y'.repeat(5 * KB))])).rejects.toMatchObject({
      code: 'AppendTooLarge',
      appendSize: size,
      maxAppendSize: size - 1,
    })
    expect(sent()).toEqual(before)
    await store.close()
  })

  it('without the check (a limit above the server one) the server refuses it: a StoreError, nothing written', async () => {
    const store = await open({ server: 4 * KB, adapter: MiB })
    await expect(store.appendToStream('order-a', [note('y'.repeat(5 * KB))])).rejects.toMatchObject({
      code: 'StoreError',
      message: expect.stringContaining('append to order-a'),
    })
    expect(server.log.stream('order-a')).toBeUndefined()
    await store.close()
  })

  it.each([0, -1, 1.5, Number.NaN])('refuses maxAppendSize %s with a typed error', async (maxAppendSize) => {
    server = await startEsdbTestServer()
    expect(() =>
      createEventStoreDbEventStore({
        connectionString: server.connectionString,
        registry: conformanceRegistry,
        maxAppendSize,
      }),
    ).toThrow(
      expect.objectContaining({ code: 'StoreError', message: expect.stringContaining('maxAppendSize') }),
    )
  })
})
