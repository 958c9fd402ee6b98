import {
  type Anchor,
  canonicalJson,
  createLogCheckpointer,
  eventHash,
  generateAuditKeys,
  type PendingEvent,
  type VerifyOptions,
  verify,
} from '@dealer-crm/eventsourcing'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresEventLog, type PostgresEventLog, postgresCheckpointStore } from '../src/index.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { collect, sleep } from './pending.js'

// The SQLite tamper tests' edits, made with SQL on PostgreSQL's tables (ADR 0009: one row of
// event_batches per append, its events as arrays). PostgreSQL does not promise gap-free positions
// (a rolled-back append leaves a gap), so a deleted append is found by the signed head or an anchor.

const available = await serverAvailable()

describe.skipIf(!available)('PostgreSQL: edits made with SQL on the tables are verify findings', () => {
  const keys = generateAuditKeys()
  const pool = testPool(4)
  const schemas: string[] = []
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(pool, schema)
    await pool.end()
  })

  let n = 0
  const event = (type: string, data: unknown): PendingEvent => {
    n++
    return {
      eventId: `01930000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
      recordedAt: new Date(Date.UTC(2026, 10, 2, 9, 0, n)).toISOString(),
      type,
      schemaVersion: 1,
      data,
      correlationId: null,
      causationId: null,
      commandId: `cmd-${n}`,
      actor: { id: `clerk-${n % 3}`, role: 'sales-consultant' },
      traceparent: null,
    }
  }

  /** A fresh schema with 4 categories × 3 streams, 6 interleaved turns (108 events), and a signed head. */
  const events = 108
  const signedLog = async (): Promise<{ log: PostgresEventLog; schema: string; head: Anchor }> => {
    const schema = freshSchema('tamper')
    schemas.push(schema)
    const log = await createPostgresEventLog({ pool, schema, notify: false })
    for (let turn = 0; turn < 6; turn++)
      await Promise.all(
        ['customer', 'complaint', 'loyalty', 'referral'].flatMap((category) =>
          [1, 2, 3].map((id) =>
            log.append(
              `${category}-${id}`,
              turn % 2 === 0
                ? [event(`${category}Noted`, { turn, id }), event('Tagged', { tags: [category] })]
                : [event(`${category}Noted`, { turn, id })],
              'any',
            ),
          ),
        ),
      )
    const checkpoints = postgresCheckpointStore(pool, schema)
    const checkpointer = createLogCheckpointer({ log, checkpoints, privateKey: keys.privateKey })
    // Reads stop below the oldest open transaction on the server (the README's "No late-commit gaps"),
    // which other clients' transactions can hold back for a while: sign again until the head covers all.
    let head = await checkpointer.checkpoint()
    while (head.count < events) {
      await sleep(20)
      head = await checkpointer.checkpoint()
    }
    return { log, schema, head }
  }

  const check = async (edit: (schema: string) => string, options: 'stored head' | 'anchor') => {
    const { log, schema, head } = await signedLog()
    try {
      await pool.query(edit(schema))
      const verifyOptions: VerifyOptions =
        options === 'stored head'
          ? { checkpoints: postgresCheckpointStore(pool, schema), publicKey: keys.publicKey }
          : { anchors: [head], publicKey: keys.publicKey }
      if (options === 'anchor') await pool.query(`DELETE FROM ${schema}.checkpoints`)
      return await verify(log, verifyOptions)
    } finally {
      await log.close()
    }
  }

  const lastAppendOf = (stream: string) => (s: string) =>
    `DELETE FROM ${s}.event_batches WHERE stream_name = '${stream}' AND stream_position =
      (SELECT max(stream_position) FROM ${s}.event_batches WHERE stream_name = '${stream}')`

  /** Two neighbouring appends of one event each, of different streams, change places. */
  const swapped = (s: string) => `
    DO $$ DECLARE a bigint; b bigint; BEGIN
      SELECT x.position, y.position INTO a, b FROM ${s}.event_batches x JOIN ${s}.event_batches y
        ON y.position = x.position + 1 AND x.event_count = 1 AND y.event_count = 1
        AND x.stream_name <> y.stream_name ORDER BY x.position LIMIT 1;
      UPDATE ${s}.event_batches SET position = -1 WHERE position = a;
      UPDATE ${s}.event_batches SET position = a WHERE position = b;
      UPDATE ${s}.event_batches SET position = b WHERE position = -1;
    END $$`

  for (const options of ['stored head', 'anchor'] as const) {
    it(`the last appends of the log deleted (tail truncation), with the ${options}`, async () => {
      const result = await check(
        (s) =>
          `DELETE FROM ${s}.event_batches WHERE position > (SELECT max(position) - 20 FROM ${s}.event_batches)`,
        options,
      )
      expect(result).toMatchObject({ ok: false, finding: { code: 'truncated' } })
    })

    it(`the last append of one stream deleted, with the ${options}`, async () => {
      const result = await check(lastAppendOf('loyalty-2'), options)
      expect(result).toMatchObject({ ok: false, finding: { code: 'truncated' } })
    })

    it(`a whole stream deleted, with the ${options}`, async () => {
      const result = await check(
        (s) => `DELETE FROM ${s}.event_batches WHERE stream_name = 'complaint-3'`,
        options,
      )
      expect(result).toMatchObject({ ok: false, finding: { code: 'truncated' } })
    })

    it(`two appends' global positions swapped, with the ${options}`, async () => {
      const result = await check(swapped, options)
      expect(result).toMatchObject({ ok: false, finding: { code: 'head-mismatch' } })
    })
  }

  it('one event edited and its stream re-hashed with the public eventHash', async () => {
    for (const options of ['stored head', 'anchor'] as const) {
      const { log, schema, head } = await signedLog()
      // The forger reads the stream, edits its second event, re-hashes it all and writes the batches back.
      const events = await collect(log.readStream('referral-1', { from: 1, to: 1000, maxCount: 1000 }))
      let prevHash = ''
      const hashes = new Map<number, string>()
      for (const e of events) {
        const data = e.streamPosition === 2 ? { forged: true } : e.data
        prevHash = eventHash(prevHash, { ...e, data })
        hashes.set(e.streamPosition, prevHash)
      }
      await pool.query(
        `UPDATE ${schema}.event_batches SET data[2 - (stream_position - event_count)] = $1
         WHERE stream_name = 'referral-1' AND 2 BETWEEN stream_position - event_count + 1 AND stream_position`,
        [canonicalJson({ forged: true })],
      )
      const batches = await pool.query<{ position: string; stream_position: number; event_count: number }>(
        `SELECT position, stream_position, event_count FROM ${schema}.event_batches
         WHERE stream_name = 'referral-1' ORDER BY position`,
      )
      for (const b of batches.rows) {
        const first = b.stream_position - b.event_count + 1
        const own = Array.from({ length: b.event_count }, (_, i) => hashes.get(first + i))
        await pool.query(
          `UPDATE ${schema}.event_batches SET prev_hash = $1, hashes = $2 WHERE position = $3`,
          [hashes.get(first - 1) ?? '', own, b.position],
        )
      }
      expect(await verify(log)).toMatchObject({ ok: true }) // the stream chains hold: only the commitment sees it
      const verifyOptions: VerifyOptions =
        options === 'stored head'
          ? { checkpoints: postgresCheckpointStore(pool, schema), publicKey: keys.publicKey }
          : { anchors: [head] }
      expect(await verify(log, verifyOptions)).toMatchObject({
        ok: false,
        finding: { code: 'head-mismatch' },
      })
      await log.close()
    }
  })

  it('without a signed head or anchor, a deleted append verifies: PostgreSQL positions may have gaps', async () => {
    const { log, schema } = await signedLog()
    await pool.query(lastAppendOf('loyalty-2')(schema))
    expect(await verify(log)).toMatchObject({ ok: true, events: events - 1 })
    await log.close()
  })

  it('the category column cannot be updated: it is generated from the stream name', async () => {
    const { log, schema } = await signedLog()
    await expect(
      pool.query(`UPDATE ${schema}.event_batches SET category = 'archive' WHERE position = 5`),
    ).rejects.toThrow(/can only be updated to DEFAULT/)
    await log.close()
  })
})
