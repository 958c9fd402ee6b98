import {
  chainEvents,
  fixedClock,
  manualClock,
  type StoredEvent,
  verifyEvents,
} from '@dealer-crm/eventsourcing'
import { afterAll, describe, expect, it } from 'vitest'
import { binaryIntArray, binaryTextArray } from '../src/binary-arrays.js'
import { createPostgresEventLog, type PostgresEventLog } from '../src/index.js'
import { latestSchemaVersion, migrations } from '../src/schema.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { all, collect, pending, sleep } from './pending.js'

const available = await serverAvailable()

/**
 * The log's events once all `count` show: a read returns what is safe while another transaction on
 * the server (another test's) hides newer batches behind its snapshot horizon (README, "No
 * late-commit gaps"); this reads again, within bounds, until they show.
 */
const readEverything = async (log: PostgresEventLog, count: number): Promise<StoredEvent[]> => {
  for (let attempt = 0; ; attempt++) {
    const events = await collect(log.readAll(all))
    if (events.length >= count || attempt >= 300) return events
    await sleep(100)
  }
}

describe.skipIf(!available)('PostgreSQL commit times', () => {
  const pool = testPool(4)
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

  it('opens a store of schema version 5 (before commit times): old batches commit at the latest recorded time so far', async () => {
    const old = schemaFor('v5')
    await pool.query(`CREATE SCHEMA ${old}`)
    await pool.query(`CREATE TABLE ${old}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    for (const m of migrations.filter((m) => m.version <= 5)) {
      await pool.query(m.sql(old))
      await pool.query(`INSERT INTO ${old}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ])
    }
    // Three appends as version 5 wrote them (append_events of version 4), the second by a writer whose clock was 4 s behind.
    const times = ['2026-11-22T10:00:04.000Z', '2026-11-22T10:00:00.000Z', '2026-11-22T10:00:05.000Z']
    let state = { version: 0, hash: '' }
    for (const [i, recordedAt] of times.entries()) {
      const [e] = chainEvents('legacy-1', state.version, state.hash, [{ ...pending(`v5-${i}`), recordedAt }])
      await pool.query(
        `SELECT * FROM ${old}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL, NULL, $10, false)`,
        [
          binaryTextArray(['legacy-1']),
          binaryIntArray([state.version]),
          binaryTextArray([state.hash]),
          binaryIntArray([1]),
          binaryTextArray([e!.eventId]),
          binaryTextArray([e!.type]),
          binaryIntArray([e!.schemaVersion]),
          binaryTextArray([e!.dataJson]),
          binaryTextArray([e!.recordedAt]),
          binaryTextArray([e!.hash]),
        ],
      )
      state = { version: e!.streamPosition, hash: e!.hash }
    }

    // A store clock behind the last commit time commits at that time, never earlier.
    const upgraded = await createPostgresEventLog({
      pool,
      schema: old,
      clock: fixedClock('2026-11-22T09:00:00Z'),
    })
    const version = await pool.query(`SELECT max(version)::int AS v FROM ${old}.schema_migrations`)
    expect(version.rows[0]).toEqual({ v: latestSchemaVersion })
    expect((await readEverything(upgraded, 3)).map((e) => e.committedAt)).toEqual([
      times[0],
      times[0],
      times[2],
    ])
    const [appended] = await upgraded.append('legacy-1', [pending('v6')], 3)
    expect(appended!.committedAt).toBe(times[2])
    const events = await readEverything(upgraded, 4)
    expect(events.map((e) => e.committedAt)).toEqual([times[0], times[0], times[2], times[2]])
    expect((await verifyEvents(upgraded.readStream('legacy-1', { from: 1, to: 9, maxCount: 9 }))).ok).toBe(
      true,
    )
    await upgraded.close()
  })

  it("commits by the database server's clock unless a clock is given; the appends of several writers never go back", async () => {
    const schema = schemaFor('clock')
    const server = await createPostgresEventLog({ pool, schema })
    const serverMs = async () =>
      Number(
        (
          await pool.query<{ ms: string }>(
            'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::text AS ms',
          )
        ).rows[0]!.ms,
      )
    const before = await serverMs()
    const [first] = await server.append('order-1', [pending('server clock')], 'any')
    const after = await serverMs()
    const committed = Date.parse(first!.committedAt)
    expect(committed).toBeGreaterThanOrEqual(before)
    expect(committed).toBeLessThanOrEqual(after)

    // Two app servers on the same schema, one clock a year ahead, one as the injected simulation clock.
    const ahead = await createPostgresEventLog({ pool, schema, clock: fixedClock('2027-12-01T00:00:00Z') })
    const simulated = manualClock('2026-01-01T00:00:00Z')
    const behind = await createPostgresEventLog({ pool, schema, clock: simulated })
    const [a] = await ahead.append('order-2', [pending('ahead')], 'any')
    const [b] = await behind.append('order-3', [pending('behind')], 'any')
    expect(a!.committedAt).toBe('2027-12-01T00:00:00.000Z')
    expect(b!.committedAt).toBe('2027-12-01T00:00:00.000Z')
    const [c] = await server.append('order-1', [pending('server again')], 'any')
    expect(c!.committedAt).toBe('2027-12-01T00:00:00.000Z')
    const read = await readEverything(server, 4)
    expect(read.map((e) => e.committedAt)).toEqual([
      first!.committedAt,
      a!.committedAt,
      b!.committedAt,
      c!.committedAt,
    ])
    for (const log of [server, ahead, behind]) await log.close()
  })
})
