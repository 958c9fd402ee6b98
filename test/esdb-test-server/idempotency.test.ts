import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Expectation, jsonMessage, type RawClient, rawClient, stringUuid } from './raw-client/client.js'
import { type EsdbTestServer, startEsdbTestServer } from './server.js'

/**
 * The real server's idempotency rules (its index writer's commit check): with an exact expected
 * revision below the stream's current one, events whose ids are those at the following revisions
 * are acknowledged without being written again; with `any`/`stream_exists` the ids are looked up
 * wherever they are in the stream. A partial match is a wrong expected version.
 */
describe('esdb test server, through an independent gRPC client: idempotent appends', () => {
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

  const ids = () => Array.from({ length: 4 }, () => randomUUID())
  const events = (...eventIds: string[]) => eventIds.map((id) => jsonMessage(stringUuid(id), 'NoteAdded'))
  const append = (stream: string, expected: Expectation, ...eventIds: string[]) =>
    client.append(stream, expected, events(...eventIds))
  const stored = (stream: string) => (server.log.stream(stream) ?? []).map((r) => r.id)

  it('acknowledges the same events re-sent at the same expected revision once: same revision, same position', async () => {
    const [a, b] = ids() as [string, string]
    const first = await append('order-1', { no_stream: {} }, a, b)
    const again = await append('order-1', { no_stream: {} }, a, b)
    expect(first).toMatchObject({
      ok: true,
      value: { result: 'success', success: { current_revision: '1' } },
    })
    expect(again).toEqual(first)
    expect(stored('order-1')).toEqual([a, b])
  })

  it('acknowledges a re-send after the stream moved on with the revision and position of the re-sent events', async () => {
    const [a, b, c] = ids() as [string, string, string]
    await append('order-1', { no_stream: {} }, a, b)
    await append('order-1', { revision: '1' }, c)
    const again = await append('order-1', { no_stream: {} }, a, b)
    expect(again).toMatchObject({
      ok: true,
      value: { result: 'success', success: { current_revision: '1' } },
    })
    const position = again.ok ? again.value.success?.position?.commit_position : undefined
    expect(position).toBe(server.log.stream('order-1')?.[1]?.position.toString())
    expect(await append('order-1', { revision: '0' }, b)).toMatchObject({
      ok: true,
      value: { success: { current_revision: '1' } },
    })
    expect(stored('order-1')).toEqual([a, b, c])
  })

  it('with `any` or `stream_exists`, acknowledges known ids of the same stream without writing them again', async () => {
    const [a, b, c] = ids() as [string, string, string]
    await append('order-1', { any: {} }, a, b)
    await append('order-1', { any: {} }, c)
    for (const expected of [{ any: {} }, { stream_exists: {} }])
      expect(await append('order-1', expected, a, b)).toMatchObject({
        ok: true,
        value: { result: 'success', success: { current_revision: '1' } },
      })
    expect(stored('order-1')).toEqual([a, b, c])
  })

  it('answers a partial match with a wrong expected version and writes nothing', async () => {
    const [a, b, x] = ids() as [string, string, string]
    await append('order-1', { no_stream: {} }, a, b)
    const wrong = {
      ok: true,
      value: { result: 'wrong_expected_version', wrong_expected_version: { current_revision: '1' } },
    }
    expect(await append('order-1', { no_stream: {} }, a, x)).toMatchObject(wrong)
    expect(await append('order-1', { any: {} }, a, x)).toMatchObject(wrong)
    // More events than the stream holds after the expected revision.
    expect(await append('order-1', { no_stream: {} }, a, b, x)).toMatchObject(wrong)
    // A first id that is not the one at the next revision: an ordinary conflict.
    expect(await append('order-1', { no_stream: {} }, x)).toMatchObject(wrong)
    expect(stored('order-1')).toEqual([a, b])
  })

  it('with `any`, writes a batch whose first id is new whole, known later ids included (ids are checked from the first)', async () => {
    const [a, x] = ids() as [string, string]
    await append('order-1', { any: {} }, a)
    expect(await append('order-1', { any: {} }, x, a)).toMatchObject({
      ok: true,
      value: { success: { current_revision: '2' } },
    })
    expect(stored('order-1')).toEqual([a, x, a])
  })

  it('writes at an exact expected revision equal to the current one, whatever ids the stream already holds', async () => {
    const [a] = ids() as [string]
    await append('order-1', { no_stream: {} }, a)
    expect(await append('order-1', { revision: '0' }, a)).toMatchObject({
      ok: true,
      value: { success: { current_revision: '1' } },
    })
    expect(stored('order-1')).toEqual([a, a])
  })

  it('does not take an id of another stream for a duplicate', async () => {
    const [a] = ids() as [string]
    await append('order-1', { any: {} }, a)
    expect(await append('order-2', { any: {} }, a)).toMatchObject({
      ok: true,
      value: { success: { current_revision: '0' } },
    })
    expect(stored('order-2')).toEqual([a])
  })

  it('de-duplicates BatchAppend the same way', async () => {
    const [a, b] = ids() as [string, string]
    const batch = () =>
      client.batchAppend([
        {
          correlation_id: stringUuid(randomUUID()),
          options: { stream_identifier: { stream_name: Buffer.from('order-1') }, no_stream: {} },
          proposed_messages: events(a, b),
          is_final: true,
        },
      ])
    const first = await batch()
    const again = await batch()
    expect(first.ok && first.value[0]?.success).toEqual(again.ok && again.value[0]?.success)
    expect(again.ok && again.value[0]).toMatchObject({
      result: 'success',
      success: { current_revision: '1' },
    })
    expect(stored('order-1')).toEqual([a, b])
  })
})
