import { attr, chainEvents, type StoredEvent, verifyEvents } from '@dealer-crm/eventsourcing'
import { afterAll, describe, expect, it } from 'vitest'
import { inSpan, installTelemetry } from '../../eventsourcing/test/telemetry-support.js'
import { binaryIntArray, binaryTextArray } from '../src/binary-arrays.js'
import { createPostgresEventLog, type PostgresEventLog } from '../src/index.js'
import { latestSchemaVersion, migrations } from '../src/schema.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { all, collect, pending, sleep } from './pending.js'

const available = await serverAvailable()
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

/** The log's events once all `count` show (another test's open transaction may hide newer batches for a while). */
const readEverything = async (log: PostgresEventLog, count: number): Promise<StoredEvent[]> => {
  for (let attempt = 0; ; attempt++) {
    const events = await collect(log.readAll(all))
    if (events.length >= count || attempt >= 300) return events
    await sleep(100)
  }
}

describe.skipIf(!available)('PostgreSQL trace contexts', () => {
  const pool = testPool(2)
  const schemas: string[] = []
  const schemaFor = (prefix: string) => {
    const schema = freshSchema(prefix)
    schemas.push(schema)
    return schema
  }
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(pool, schema)
    await pool.end()
  })

  it('opens a store of schema version 7 (before trace contexts): its events read with none, new ones keep theirs', async () => {
    const old = schemaFor('v7')
    await pool.query(`CREATE SCHEMA ${old}`)
    await pool.query(`CREATE TABLE ${old}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    for (const m of migrations.filter((m) => m.version <= 7)) {
      await pool.query(m.sql(old))
      await pool.query(`INSERT INTO ${old}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ])
    }
    // An append as version 7 wrote it (append_events of version 5, without trace contexts).
    const [e] = chainEvents('legacy-1', 0, '', [pending('v7')])
    if (e === undefined) throw new Error('chainEvents returned no event')
    await pool.query(
      `SELECT * FROM ${old}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL, NULL, $10, false)`,
      [
        binaryTextArray(['legacy-1']),
        binaryIntArray([0]),
        binaryTextArray(['']),
        binaryIntArray([1]),
        binaryTextArray([e.eventId]),
        binaryTextArray([e.type]),
        binaryIntArray([e.schemaVersion]),
        binaryTextArray([e.dataJson]),
        binaryTextArray([e.recordedAt]),
        binaryTextArray([e.hash]),
      ],
    )

    const upgraded = await createPostgresEventLog({ pool, schema: old })
    const version = await pool.query(`SELECT max(version)::int AS v FROM ${old}.schema_migrations`)
    expect(version.rows[0]).toEqual({ v: latestSchemaVersion })
    // One append whose events carry a trace context and one whose events carry none (stored as NULL).
    await upgraded.append('legacy-1', [{ ...pending('traced'), traceparent }, pending('untraced')], 1)
    await upgraded.append('legacy-1', [pending('none')], 3)
    const events = await readEverything(upgraded, 4)
    expect(events.map((e) => e.traceparent)).toEqual([null, traceparent, null, null])
    const stream = await collect(upgraded.readStream('legacy-1', { from: 1, to: 9, maxCount: 9 }))
    expect(stream.map((e) => e.traceparent)).toEqual([null, traceparent, null, null])
    expect((await verifyEvents(upgraded.readStream('legacy-1', { from: 1, to: 9, maxCount: 9 }))).ok).toBe(
      true,
    )
    await upgraded.close()
  })

  it('emits a database client span per append and per page read', async () => {
    const telemetry = installTelemetry()
    try {
      const log = await createPostgresEventLog({ pool, schema: schemaFor('spans') })
      await log.append('order-1', [pending('a'), pending('b')], 'no_stream')
      await collect(log.readStream('order-1', { from: 1, to: 9, maxCount: 9 }))
      await inSpan('export', () => readEverything(log, 2))
      await log.close()
      const spans = telemetry.spans()
      const append = spans.find((s) => s.name === 'append event_batches')
      expect(append?.attributes).toMatchObject({
        [attr.dbSystem]: 'postgresql',
        [attr.dbOperation]: 'append',
        [attr.dbCollectionName]: 'event_batches',
        [attr.streamName]: 'order-1',
        [attr.eventCount]: 2,
      })
      expect(spans.find((s) => s.name === 'read_stream event_batches')?.attributes).toMatchObject({
        [attr.dbSystem]: 'postgresql',
        [attr.dbReturnedRows]: 2,
      })
      expect(spans.some((s) => s.name === 'read_all event_batches')).toBe(true)
    } finally {
      await telemetry.uninstall()
    }
  })
})
