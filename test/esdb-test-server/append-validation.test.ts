import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonMessage, type Proposed, type RawClient, rawClient, stringUuid } from './raw-client/client.js'
import { type EsdbTestServer, startEsdbTestServer } from './server.js'

const MiB = 1024 * 1024
const message = (type: string, data: Buffer, metadata = Buffer.alloc(0)): Proposed => ({
  id: stringUuid(randomUUID()),
  metadata: { type, 'content-type': 'application/octet-stream' },
  data,
  custom_metadata: metadata,
})
const batch = (stream: string, messages: ReadonlyArray<Proposed>) => [
  {
    correlation_id: stringUuid(randomUUID()),
    options: { stream_identifier: { stream_name: Buffer.from(stream, 'utf8') }, any: {} },
    proposed_messages: messages,
    is_final: true,
  },
]

/** The one field (number 1) of a packed error detail: a varint or a string. */
const fieldOne = (bytes: Buffer): number | string => {
  if (bytes[0] === 0x0a) return bytes.subarray(2, 2 + (bytes[1] ?? 0)).toString('utf8')
  let value = 0
  for (let i = 1, shift = 0; i < bytes.length; i++, shift += 7) {
    value += ((bytes[i] as number) & 0x7f) * 2 ** shift
    if (((bytes[i] as number) & 0x80) === 0) break
  }
  return value
}

describe('esdb test server, through an independent gRPC client: what an append must be', () => {
  let server: EsdbTestServer
  let client: RawClient
  let before: number
  const open = async (options?: Parameters<typeof startEsdbTestServer>[0]) => {
    server = await startEsdbTestServer(options)
    client = rawClient(server.port)
    before = server.log.records.length
  }
  afterEach(async () => {
    client.close()
    await server.close()
  })

  it.each([
    ['an empty stream name', ''],
    ['$all', '$all'],
  ])('refuses an append to %s as the server does: access denied, nothing written', async (_, stream) => {
    await open()
    expect(
      await client.append(stream, { any: {} }, [jsonMessage(stringUuid(randomUUID()), 'NoteAdded')]),
    ).toEqual({
      ok: false,
      code: 7,
      details: 'Access Denied',
      trailers: expect.objectContaining({ exception: 'access-denied' }),
    })
    const batched = await client.batchAppend(
      batch(stream, [jsonMessage(stringUuid(randomUUID()), 'NoteAdded')]),
    )
    expect(batched.ok && batched.value[0]).toMatchObject({
      result: 'error',
      error: { code: 7, message: 'AccessDenied' },
    })
    expect(server.log.records.length).toBe(before)
  })

  it('accepts other system streams ($-prefixed), as the server does for an admin', async () => {
    await open()
    expect(
      await client.append('$ops-audit', { any: {} }, [jsonMessage(stringUuid(randomUUID()), '$Note')]),
    ).toMatchObject({
      ok: true,
      value: { result: 'success' },
    })
  })

  it.each([
    ['type', { 'content-type': 'application/json' }],
    ['content-type', { type: 'NoteAdded' }],
  ])(
    'refuses an event without %s metadata, naming the property, and writes nothing',
    async (property, metadata) => {
      await open()
      const valid = jsonMessage(stringUuid(randomUUID()), 'NoteAdded')
      const missing = { ...jsonMessage(stringUuid(randomUUID()), 'NoteAdded'), metadata }
      expect(await client.append('order-1', { any: {} }, [valid, missing])).toEqual({
        ok: false,
        code: 3,
        details: `Required Metadata Property '${property}' is missing`,
        trailers: expect.objectContaining({
          exception: 'missing-required-metadata-property',
          'required-metadata-properties': 'type,content-type',
        }),
      })
      const batched = await client.batchAppend(batch('order-1', [valid, missing]))
      expect(batched.ok && batched.value[0]).toMatchObject({
        result: 'error',
        error: { code: 3, message: 'BadRequest' },
      })
      expect(server.log.records.length).toBe(before)
    },
  )

  it('refuses an event whose type is empty and writes nothing', async () => {
    await open()
    const empty = jsonMessage(stringUuid(randomUUID()), '')
    expect(await client.append('order-1', { any: {} }, [empty])).toMatchObject({ ok: false, code: 2 })
    const batched = await client.batchAppend(batch('order-1', [empty]))
    expect(batched.ok && batched.value[0]).toMatchObject({
      result: 'error',
      error: { code: 3, message: 'BadRequest' },
    })
    expect(server.log.records.length).toBe(before)
  })

  it('refuses an append over the maximum append size (1 MiB by default), on Append and BatchAppend', async () => {
    await open()
    const big = message('NoteAdded', Buffer.alloc(2 * MiB, 0x61))
    expect(await client.append('order-big', { any: {} }, [big])).toEqual({
      ok: false,
      code: 3,
      details: 'Maximum Append Size of 1048576 Exceeded.',
      trailers: expect.objectContaining({
        exception: 'maximum-append-size-exceeded',
        'maximum-append-size': '1048576',
      }),
    })
    const batched = await client.batchAppend(batch('order-big', [big]))
    const error = batched.ok ? batched.value[0]?.error : undefined
    expect(error).toMatchObject({ code: 3, message: 'MaximumAppendSizeExceeded' })
    expect(error?.details?.type_url).toMatch(/\/event_store\.client\.MaximumAppendSizeExceeded$/)
    expect(fieldOne(error?.details?.value ?? Buffer.alloc(0))).toBe(MiB)
    expect(server.log.records.length).toBe(before)
  })

  it('counts the whole append against the limit, not each event', async () => {
    await open()
    const part = () => message('NoteAdded', Buffer.alloc(600 * 1024, 0x61))
    expect(await client.append('order-big', { any: {} }, [part(), part()])).toMatchObject({
      ok: false,
      code: 3,
    })
    const batched = await client.batchAppend(batch('order-big', [part(), part()]))
    expect(batched.ok && batched.value[0]).toMatchObject({ result: 'error', error: { code: 3 } })
    expect(server.log.records.length).toBe(before)
    expect(await client.append('order-big', { any: {} }, [part()])).toMatchObject({ ok: true })
  })

  it('counts data, custom metadata and twice the type length, up to a configurable limit', async () => {
    await open({ maxAppendSize: 1000 })
    // 900 + 90 + 2 × 5 = 1000 bytes: exactly the limit, accepted; one byte more is refused.
    const exactly = message('Note1', Buffer.alloc(900), Buffer.alloc(90))
    const over = message('Note1', Buffer.alloc(901), Buffer.alloc(90))
    expect(await client.append('order-1', { any: {} }, [exactly])).toMatchObject({ ok: true })
    expect(await client.append('order-1', { any: {} }, [over])).toMatchObject({
      ok: false,
      code: 3,
      details: 'Maximum Append Size of 1000 Exceeded.',
    })
    expect(server.log.stream('order-1')).toHaveLength(1)
  })
})
