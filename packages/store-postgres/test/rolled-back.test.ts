import { type LogFields, verifyEvents } from '@dealer-crm/eventsourcing'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresEventLog, type PostgresEventLog } from '../src/index.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { pending } from './pending.js'

const available = await serverAvailable()

describe.skipIf(!available)(
  'PostgreSQL: a call the server rolls back (deadlock, serialization failure)',
  () => {
    const pool = testPool(6)
    const schemas: string[] = []
    afterAll(async () => {
      for (const s of schemas) await dropSchema(pool, s)
      await pool.end()
    })

    /**
     * A log whose first `failures` batch inserts raise `sqlstate`, as the server does when it picks
     * the call as a deadlock's victim or cannot serialise it: the whole call is rolled back. The count
     * lives in a sequence, which a rollback does not undo.
     */
    const faultyLog = async (sqlstate: string, failures: number) => {
      const schema = freshSchema('rolledback')
      schemas.push(schema)
      const warnings: LogFields[] = []
      const logger = { warn: (_: string, fields: LogFields) => warnings.push(fields), error: () => undefined }
      const log = await createPostgresEventLog({ pool, schema, appendsInFlight: 1, logger })
      await pool.query(`
      CREATE SEQUENCE ${schema}.faults;
      CREATE FUNCTION ${schema}.fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('${schema}.faults') <= ${failures} THEN
          RAISE EXCEPTION 'injected' USING ERRCODE = '${sqlstate}';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fault BEFORE INSERT ON ${schema}.event_batches FOR EACH ROW EXECUTE FUNCTION ${schema}.fault();`)
      const raised = async () =>
        Number((await pool.query(`SELECT last_value FROM ${schema}.faults`)).rows[0].last_value)
      return { log, schema, warnings, raised }
    }

    const versions = (log: PostgresEventLog, streams: ReadonlyArray<string>) =>
      Promise.all(streams.map((s) => log.streamVersion(s)))

    it.each([
      ['40P01', 'deadlock detected'],
      ['40001', 'serialization failure'],
    ])('%s (%s): the shared call is sent again, each append written once', async (sqlstate) => {
      const { log, warnings, raised } = await faultyLog(sqlstate, 2)
      // The first append goes alone (and fails twice); the others wait and share the next call.
      const streams = ['resent-1', 'resent-2', 'resent-3', 'resent-4']
      const stored = await Promise.all(
        streams.map((s) => log.append(s, [pending(`${s}a`), pending(`${s}b`)], 'no_stream')),
      )
      expect(stored.map((events) => events.map((e) => e.streamPosition))).toEqual(streams.map(() => [1, 2]))
      expect(await versions(log, streams)).toEqual([2, 2, 2, 2])
      for (const s of streams)
        expect((await verifyEvents(log.readStream(s, { from: 1, to: 9, maxCount: 9 }))).ok).toBe(true)
      expect(await raised()).toBe(2 + streams.length) // two refusals, then one pass per batch
      expect(warnings.map((w) => [w.streams, w.attempt])).toEqual([
        [['resent-1'], 1],
        [['resent-1'], 2],
      ])
      expect(warnings[0]!.error).toMatchObject({ code: sqlstate })
      await log.close()
    })

    it('gives up after five attempts: a StoreError flagged transient, nothing written', async () => {
      const { log, warnings } = await faultyLog('40P01', 1000)
      const error = await log.append('given-up-1', [pending('a')], 'no_stream').catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'StoreError', transient: true })
      expect(String((error as Error).message)).toContain(
        'append to stream given-up-1 failed, nothing was written: injected',
      )
      expect(warnings.map((w) => w.attempt)).toEqual([1, 2, 3, 4])
      expect(await log.streamVersion('given-up-1')).toBe(0)
      await log.close()
    })

    it('an append with a callback: a call rolled back before the callback is sent again, the callback runs once', async () => {
      const { log } = await faultyLog('40P01', 2)
      const calls: number[] = []
      const stored = await log.append('callback-1', [pending('a')], 'no_stream', async (events) => {
        calls.push(events.length)
      })
      expect(stored.map((e) => e.streamPosition)).toEqual([1])
      expect(calls).toEqual([1])
      await log.close()
    })

    it("a failure after the callback ran is the caller's: not sent again, the callback not run twice", async () => {
      const { log, schema } = await faultyLog('40P01', 0)
      let calls = 0
      const error = await log
        .append('callback-2', [pending('a')], 'no_stream', async (_events, tx) => {
          calls++
          // The callback's own statement is rolled back by the server (as a deadlock would).
          await tx.query(`DO $$ BEGIN RAISE EXCEPTION 'callback deadlocked' USING ERRCODE = '40P01'; END $$`)
        })
        .catch((e: unknown) => e)
      expect(calls).toBe(1)
      expect(error).toMatchObject({ code: '40P01', message: 'callback deadlocked' }) // the callback's error, unchanged
      expect(await log.streamVersion('callback-2')).toBe(0)
      const rows = await pool.query(`SELECT count(*)::int AS n FROM ${schema}.event_batches`)
      expect(rows.rows[0]).toEqual({ n: 0 })
      await log.close()
    })
  },
)
