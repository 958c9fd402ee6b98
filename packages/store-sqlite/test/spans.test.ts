import { attr } from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inSpan, installTelemetry, type Telemetry } from '../../eventsourcing/test/telemetry-support.js'
import { all, collect, pendingNote } from './pending.js'
import { freshLogPerTest } from './temp-file.js'

const fresh = freshLogPerTest()

describe('SQLite spans', () => {
  let telemetry: Telemetry
  beforeAll(() => {
    telemetry = installTelemetry()
  })
  afterAll(async () => telemetry.uninstall())

  it('emits a database client span per append and per page read, and keeps the trace context', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    await fresh.log.append('order-1', [{ ...pendingNote('a'), traceparent }, pendingNote('b')], 'no_stream')
    expect((await collect(fresh.log.readStream('order-1', { from: 1, to: 9, maxCount: 9 }))).length).toBe(2)
    // A follower's poll of the whole log is not traced on its own; within a traced operation, each page is.
    await collect(fresh.log.readAll({ ...all, batchSize: 1 }))
    expect(telemetry.spans().filter((s) => s.name === 'read_all es_events')).toEqual([])
    const read = await inSpan('export', () => collect(fresh.log.readAll({ ...all, batchSize: 1 })))
    expect(read.map((e) => e.traceparent)).toEqual([traceparent, null])
    const spans = telemetry.spans()
    expect(spans.find((s) => s.name === 'append es_events')?.attributes).toMatchObject({
      [attr.dbSystem]: 'sqlite',
      [attr.dbSystemName]: 'sqlite',
      [attr.dbOperation]: 'append',
      [attr.dbOperationName]: 'append',
      [attr.dbCollectionName]: 'es_events',
      [attr.streamName]: 'order-1',
      [attr.eventCount]: 2,
    })
    expect(spans.find((s) => s.name === 'read_stream es_events')?.attributes).toMatchObject({
      [attr.streamName]: 'order-1',
      [attr.dbReturnedRows]: 2,
    })
    // Pages of one event: a span for each page, the last one short.
    expect(
      spans.filter((s) => s.name === 'read_all es_events').map((s) => s.attributes[attr.dbReturnedRows]),
    ).toEqual([1, 1, 0])
  })
})
