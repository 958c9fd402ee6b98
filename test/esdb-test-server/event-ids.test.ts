import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  jsonMessage,
  type RawClient,
  type ReadResp,
  rawClient,
  stringUuid,
  structuredUuid,
} from './raw-client/client.js'
import { type EsdbTestServer, startEsdbTestServer } from './server.js'

// Two UUIDs and their structured form: the 64-bit halves of the 16 bytes in network order, as
// signed integers (one of each sign), computed outside this code base.
const A = '00112233-4455-6677-8899-aabbccddeeff'
const A_STRUCTURED = structuredUuid(4822678189205111n, -8603657889541918977n)
const B = 'f0e1d2c3-b4a5-4687-b869-5a4b3c2d1e0f'
const B_STRUCTURED = structuredUuid(-1089357896855763321n, -5158492618997555697n)

const ids = (responses: ReadResp[]) => responses.map((r) => r.event?.event.id)

describe('esdb test server, through an independent gRPC client: event ids and event fields', () => {
  let server: EsdbTestServer
  let client: RawClient
  beforeEach(async () => {
    server = await startEsdbTestServer()
    client = rawClient(server.port)
  })
  afterEach(async () => {
    client.close()
    await server.close()
  })

  it('stores an id sent in either UUID form and reads it back in the form the read asks for', async () => {
    const appended = await client.append('order-ids', { no_stream: {} }, [
      jsonMessage(A_STRUCTURED, 'NoteAdded'),
      jsonMessage(stringUuid(B.toUpperCase()), 'NoteAdded'),
    ])
    expect(appended).toMatchObject({ ok: true, value: { result: 'success' } })

    const asStrings = await client.readStream('order-ids', 'string')
    expect(asStrings.ok && ids(asStrings.value)).toEqual([
      { value: 'string', string: A },
      { value: 'string', string: B },
    ])
    const asStructured = await client.readStream('order-ids', 'structured')
    expect(asStructured.ok && ids(asStructured.value)).toEqual([
      { value: 'structured', ...A_STRUCTURED },
      { value: 'structured', ...B_STRUCTURED },
    ])
    // A uuid_option with neither form set: the real server answers in the structured form.
    const unset = await client.readStream('order-ids', 'unset')
    expect(unset.ok && ids(unset.value).map((id) => id?.value)).toEqual(['structured', 'structured'])
  })

  it('refuses a read without uuid_option, which the real server requires', async () => {
    await client.append('order-ids', { any: {} }, [jsonMessage(stringUuid(A), 'NoteAdded')])
    expect(await client.readStream('order-ids', null)).toMatchObject({
      ok: false,
      code: 3,
      details: expect.stringContaining('uuidOption'),
    })
  })

  it.each([
    ['no id', undefined],
    ['the nil UUID', stringUuid('00000000-0000-0000-0000-000000000000')],
    ['the nil UUID, structured', structuredUuid(0n, 0n)],
    ['a malformed string id', stringUuid('not-a-uuid')],
    ['an id with neither form set', {}],
  ])('refuses an event with %s, on Append and BatchAppend, and writes nothing', async (_, id) => {
    const before = server.log.records.length
    const good = jsonMessage(stringUuid(randomUUID()), 'NoteAdded')
    const bad = { ...jsonMessage(undefined, 'NoteAdded'), ...(id === undefined ? {} : { id }) }
    // Append: the server's handler fails on the id, which gRPC reports as UNKNOWN.
    expect(await client.append('order-bad-id', { any: {} }, [good, bad])).toMatchObject({
      ok: false,
      code: 2,
    })
    const batch = await client.batchAppend([
      {
        correlation_id: stringUuid(randomUUID()),
        options: { stream_identifier: { stream_name: Buffer.from('order-bad-id') }, any: {} },
        proposed_messages: [good, bad],
        is_final: true,
      },
    ])
    expect(batch.ok && batch.value[0]).toMatchObject({
      result: 'error',
      error: { code: 3, message: 'BadRequest' },
    })
    expect(server.log.records.length).toBe(before)
    expect(server.log.stream('order-bad-id')).toBeUndefined()
  })

  it('answers a BatchAppend with the correlation id in the form it was sent', async () => {
    const batch = await client.batchAppend([
      {
        correlation_id: A_STRUCTURED,
        options: { stream_identifier: { stream_name: Buffer.from('order-corr') }, no_stream: {} },
        proposed_messages: [jsonMessage(stringUuid(B), 'NoteAdded')],
        is_final: true,
      },
    ])
    expect(batch.ok && batch.value).toEqual([
      expect.objectContaining({
        result: 'success',
        correlation_id: { value: 'structured', ...A_STRUCTURED },
      }),
    ])
  })

  it('reports `created` in ticks (100 ns) since the Unix epoch, as the real server and its clients read it', async () => {
    const before = BigInt(Date.now())
    await client.append('order-created', { no_stream: {} }, [jsonMessage(stringUuid(A), 'NoteAdded')])
    const after = BigInt(Date.now())
    const read = await client.readStream('order-created', 'string')
    const created = BigInt(read.ok ? (read.value[0]?.event?.event.metadata.created ?? '0') : '0')
    expect(created / 10_000n).toBeGreaterThanOrEqual(before)
    expect(created / 10_000n).toBeLessThanOrEqual(after)
  })

  it('keeps only whether an event is JSON: other content types read back as application/octet-stream', async () => {
    await client.append('order-content', { no_stream: {} }, [
      jsonMessage(stringUuid(A), 'NoteAdded'),
      { ...jsonMessage(stringUuid(B), 'Blob'), metadata: { type: 'Blob', 'content-type': 'text/plain' } },
    ])
    const read = await client.readStream('order-content', 'string')
    expect(read.ok && read.value.map((r) => r.event?.event.metadata['content-type'])).toEqual([
      'application/json',
      'application/octet-stream',
    ])
  })
})
