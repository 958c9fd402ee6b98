import { verifyEvents } from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresEventLog, type PostgresEventLog } from '../src/index.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { pending, sleep } from './pending.js'

const available = await serverAvailable()

describe.skipIf(!available)('PostgreSQL group commit', () => {
  const schema = freshSchema('group')
  const pool = testPool()
  let log: PostgresEventLog

  beforeAll(async () => {
    // One call at a time: the appends made while it runs all go in the next call.
    log = await createPostgresEventLog({ pool, schema, appendsInFlight: 1 })
  })
  afterAll(async () => {
    await log.close()
    await dropSchema(pool, schema)
    await pool.end()
  })

  /** How many transactions wrote the events of these streams. */
  const transactionsOf = async (streams: ReadonlyArray<string>): Promise<number> =>
    (
      await pool.query<{ n: number }>(
        `SELECT count(DISTINCT transaction_id)::int AS n FROM ${schema}.events WHERE stream_name = ANY($1)`,
        [streams],
      )
    ).rows[0]!.n
  const verified = async (stream: string) =>
    (await verifyEvents(log.readStream(stream, { from: 1, to: 1000, maxCount: 1000 }))).ok

  it('appends made while a call runs share the next transaction, each with its own chain and positions', async () => {
    const streams = Array.from({ length: 40 }, (_, i) => `grouped-${i}`)
    const results = await Promise.all(
      streams.map((s, i) => log.append(s, [pending(`${i}a`), pending(`${i}b`)], 'no_stream')),
    )
    // The first call went alone; the other 39 appends waited for it and went together.
    expect(await transactionsOf(streams)).toBe(2)
    for (const [i, stored] of results.entries()) {
      expect(stored.map((e) => [e.streamName, e.streamPosition])).toEqual([
        [streams[i], 1],
        [streams[i], 2],
      ])
      expect(stored[0]!.globalPosition + 1n).toBe(stored[1]!.globalPosition)
    }
    for (const s of streams) expect(await verified(s)).toBe(true)
  })

  it('a stream that moved on fails or retries alone; the other appends of its call are written', async () => {
    const other = await createPostgresEventLog({ pool, schema })
    await log.append('moved-1', [pending('a')], 'no_stream')
    await log.append('moved-2', [pending('a')], 'no_stream')
    // Another process appends, so `log`'s cached versions of both streams are stale.
    await other.append('moved-1', [pending('b')], 1)
    await other.append('moved-2', [pending('b')], 1)
    await other.close()
    const neighbours = ['moved-n1', 'moved-n2', 'moved-n3']
    const [lead, exact, any, ...rest] = await Promise.allSettled([
      log.append('moved-lead', [pending('lead')], 'no_stream'),
      log.append('moved-1', [pending('c')], 1),
      log.append('moved-2', [pending('c')], 'any'),
      ...neighbours.map((s) => log.append(s, [pending('n')], 'no_stream')),
    ])
    expect(lead.status).toBe('fulfilled')
    // Checked against the stream row in the shared call: the exact expectation fails with the actual version ...
    expect(exact).toMatchObject({ status: 'rejected', reason: { code: 'ConcurrencyError', actual: 2 } })
    // ... and `any` is re-chained after the other process's event and retried.
    expect(any).toMatchObject({ status: 'fulfilled', value: [{ streamPosition: 3 }] })
    for (const r of rest) expect(r.status).toBe('fulfilled')
    expect(await transactionsOf(neighbours)).toBe(1)
    expect(await log.streamVersion('moved-1')).toBe(2)
    expect(await verified('moved-1')).toBe(true)
    expect(await verified('moved-2')).toBe(true)
  })

  it('an append the server refuses fails alone: the call is retried append by append', async () => {
    const good = ['refused-ok-1', 'refused-ok-2', 'refused-ok-3']
    const bad = { ...pending('bad'), type: 'Note\u0000Added' } // text columns cannot hold NUL
    const [lead, refused, ...rest] = await Promise.allSettled([
      log.append('refused-lead', [pending('lead')], 'no_stream'),
      log.append('refused-bad', [bad], 'no_stream'),
      ...good.map((s) => log.append(s, [pending('ok')], 'no_stream')),
    ])
    expect(lead.status).toBe('fulfilled')
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'StoreError' } })
    expect(String((refused as PromiseRejectedResult).reason.message)).toContain(
      'append to stream refused-bad failed, nothing was written',
    )
    for (const r of rest) expect(r.status).toBe('fulfilled')
    expect(await log.streamVersion('refused-bad')).toBe(0)
    for (const s of good) expect(await log.streamVersion(s)).toBe(1)
  })

  it("a shared call's connection killed mid-call (pg_terminate_backend) writes none of its appends", async () => {
    await log.append('killed-held', [pending('a')], 'no_stream')
    const locker = await pool.connect()
    await locker.query('BEGIN')
    await locker.query(`SELECT 1 FROM ${schema}.streams WHERE stream_name = 'killed-held' FOR UPDATE`)
    const group = ['killed-held', 'killed-1', 'killed-2']
    const settled = Promise.allSettled([
      log.append('killed-lead', [pending('lead')], 'no_stream'),
      log.append('killed-held', [pending('b')], 1),
      log.append('killed-1', [pending('b')], 'no_stream'),
      log.append('killed-2', [pending('b')], 'no_stream'),
    ])
    // The shared call of the last three waits for the row lock; kill its backend.
    let pid: number | undefined
    for (let i = 0; i < 200 && pid === undefined; i++) {
      const found = await pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%append_events%'`,
      )
      pid = found.rows[0]?.pid
      if (pid === undefined) await sleep(25)
    }
    expect(pid).toBeDefined()
    await pool.query('SELECT pg_terminate_backend($1)', [pid])
    const [lead, ...killed] = await settled
    await locker.query('ROLLBACK')
    locker.release()
    expect(lead.status).toBe('fulfilled')
    for (const r of killed) {
      expect(r).toMatchObject({ status: 'rejected', reason: { code: 'StoreError' } })
      expect(String((r as PromiseRejectedResult).reason.message)).toContain('connection was lost')
    }
    expect(await log.streamVersion('killed-held')).toBe(1)
    expect(await log.streamVersion('killed-1')).toBe(0)
    expect(await transactionsOf(group)).toBe(1) // only the first event of killed-held
    // The log goes on: the chain continues from the last committed event.
    expect((await log.append('killed-held', [pending('c')], 1))[0]!.streamPosition).toBe(2)
    expect(await verified('killed-held')).toBe(true)
  })

  it('concurrent appends to one stream never share a call: each gets its own position, one chain', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `same-${i}`)
    const stored = await Promise.all(texts.map((t) => log.append('same-1', [pending(t)], 'any')))
    expect(stored.map((s) => s[0]!.streamPosition).sort((a, b) => a - b)).toEqual(texts.map((_, i) => i + 1))
    expect(await transactionsOf(['same-1'])).toBe(12)
    expect(await verified('same-1')).toBe(true)
  })
})
