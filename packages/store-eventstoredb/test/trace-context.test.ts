import { randomUUID } from 'node:crypto'
import { attr, type PendingEvent } from '@dealer-crm/eventsourcing'
import { createEventStoreDbEventLog } from '@dealer-crm/store-eventstoredb'
import { collect } from '@dealer-crm/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inSpan, installTelemetry, type Telemetry } from '../../eventsourcing/test/telemetry-support.js'
import { type EsdbTestServer, startEsdbTestServer } from './test-server.js'

const all = { from: 0n, to: null, batchSize: 100, categories: null, types: null }
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
const pendingEvent = (text: string): PendingEvent => ({
  eventId: randomUUID(),
  recordedAt: new Date().toISOString(),
  type: 'NoteAdded',
  schemaVersion: 1,
  data: { text, tags: [] },
  correlationId: null,
  causationId: null,
  commandId: null,
  actor: null,
  traceparent: null,
})

describe('EventStoreDB trace contexts and spans', () => {
  let server: EsdbTestServer
  let telemetry: Telemetry
  beforeEach(async () => {
    server = await startEsdbTestServer()
    telemetry = installTelemetry()
  })
  afterEach(async () => {
    await telemetry.uninstall()
    await server.close()
  })

  it('keeps the trace context in the metadata JSON (left out when none, as events written before it), and emits a span per append and page', async () => {
    const log = createEventStoreDbEventLog({ connectionString: server.connectionString })
    await log.append('order-1', [{ ...pendingEvent('a'), traceparent }, pendingEvent('b')], 'no_stream')
    const stream = await collect(log.readStream('order-1', { from: 1, to: 9, maxCount: 9 }))
    expect(stream.map((e) => e.traceparent)).toEqual([traceparent, null])
    const read = await inSpan('export', () => collect(log.readAll(all)))
    expect(read.map((e) => e.traceparent)).toEqual([traceparent, null])
    await log.close()
    const spans = telemetry.spans()
    expect(spans.find((s) => s.name === 'append streams')?.attributes).toMatchObject({
      [attr.dbSystem]: 'eventstoredb',
      [attr.dbOperation]: 'append',
      [attr.streamName]: 'order-1',
      [attr.eventCount]: 2,
    })
    expect(spans.find((s) => s.name === 'read_stream streams')?.attributes[attr.dbReturnedRows]).toBe(2)
    expect(spans.some((s) => s.name === 'read_all streams')).toBe(true)
  })
})
