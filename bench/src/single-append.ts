/**
 * What one single-event PostgreSQL append costs, layer by layer, in one process: a round trip
 * (`SELECT 1`), a plain one-row INSERT of a batch row (autocommit, no event-store logic), a bare call
 * of our `append_events` with its parameters built and nothing else, our store through the
 * `EventStore` port, and Emmett. Each takes 50 appends in turn, round after round, so a slow moment of
 * the VM hits all of them; the median of the blocks' means is printed, with Emmett's time over each.
 * See docs/performance.md, "PostgreSQL single appends".
 *
 *   pnpm --filter @dealer-crm/bench single-append [--rounds 40]
 */
import { parseArgs } from 'node:util'
import pg from 'pg'
import { contenders } from './contenders.js'
import { asContender, installPeersHint, peers } from './peers.js'
import { rawPostgres } from './raw-postgres.js'
import { rawRow } from './raw-row.js'
import { type Contender, EVENT_TYPE, visit } from './workload.js'

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '40' } } })
const rounds = Number(args.rounds)
const block = 50
const pgUrl = process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const ours = contenders.find((c) => c.name === 'dealer-crm PostgreSQL')

const main = async () => {
  // Three warm-up rounds are dropped, so at least one more is needed for a figure.
  if (!Number.isInteger(rounds) || rounds < 4)
    throw new Error(`--rounds must be an integer of at least 4, not ${JSON.stringify(args.rounds)}`)
  const pool = new pg.Pool({ connectionString: pgUrl, max: 2 })
  const opened: Contender[] = []
  try {
    await measure(pool, opened)
  } finally {
    for (const c of opened) await c.close()
    await pool.query('DROP SCHEMA IF EXISTS bench_ours_single CASCADE')
    await pool.end()
  }
}

/** Opens the contenders (into `opened`, for the caller to close), runs the rounds and prints the table. */
const measure = async (pool: pg.Pool, opened: Contender[]) => {
  const store = await ours?.open({ dir: '', pgUrl, tag: 'single' })
  if (store == null) throw new Error('no dealer-crm PostgreSQL contender')
  opened.push(store)
  const emmettPeer = await peers()
  if (emmettPeer === null) process.stdout.write(`  ${installPeersHint}; its row is left out\n`)
  const emmett =
    emmettPeer === null
      ? null
      : asContender(await emmettPeer.emmettPostgres(pgUrl, 'bench_emmett_single', EVENT_TYPE))
  if (emmett !== null) opened.push(emmett)
  // Only for its table (the batch rows, indexes and storage of our schema); its own appends take
  // three round trips (BEGIN, INSERT, COMMIT), so this script inserts with one statement instead.
  opened.push(await rawPostgres(pgUrl, 'bench_raw_single'))
  const placeholder = 'f'.repeat(64)
  let n = 0
  /** A prepared statement over a new stream's one raw row (rawRow's fields: 0 stream, 3-7 the event). */
  const rowStatement =
    (name: string, text: string, values: (row: ReturnType<typeof rawRow>, i: number) => unknown[]) => () => {
      const i = n++
      const row = rawRow(`visits-${name}-${i}`, 1, visit(i))
      return pool.query({ name, text, values: values(row, i) })
    }
  const ops: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
    ['SELECT 1', () => pool.query('SELECT 1')],
    [
      'plain one-row INSERT',
      rowStatement(
        'plain-insert',
        `INSERT INTO bench_raw_single.batches (position, event_count, stream_name, stream_position, category,
          event_ids, types, schema_versions, data, recorded_at, prev_hash, hashes)
          VALUES ($1, 1, $2, 1, 'visits', $3, $4, $5, $6, $7, '', $8)`,
        (row, i) => [i + 1, row[0], [row[3]], [row[4]], [row[5]], [row[6]], [row[7]], [placeholder]],
      ),
    ],
    [
      'append_events call only',
      rowStatement(
        'append-events-only',
        `SELECT * FROM bench_ours_single.append_events($1, '{0}', '{""}', '{1}', $2, $3, $4, $5, $6,
          NULL, NULL, NULL, NULL, NULL, $7, true)`,
        (row) => [[row[0]], [row[3]], [row[4]], [row[5]], [row[6]], [row[7]], [placeholder]],
      ),
    ],
    [store.name, () => store.append(`visits-o${n++}`, [visit(n)])],
    ...(emmett === null ? [] : [[emmett.name, () => emmett.append(`visits-e${n++}`, [visit(n)])] as const]),
  ]
  const means = new Map<string, number[]>(ops.map(([name]) => [name, []]))
  for (let round = 0; round < rounds; round++)
    for (const [name, op] of ops) {
      const start = process.hrtime.bigint()
      for (let i = 0; i < block; i++) await op()
      // The first rounds warm up the JIT, the pools and the prepared statements.
      if (round >= 3) means.get(name)?.push(Number(process.hrtime.bigint() - start) / 1000 / block)
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN
  const emmettUs = emmett === null ? null : median(means.get(emmett.name) ?? [])
  process.stdout.write(`one single-event append, median of ${rounds - 3} rounds of ${block}, µs\n`)
  for (const [name] of ops) {
    const us = median(means.get(name) ?? [])
    const ratio = emmettUs === null ? '' : `   Emmett ÷ this ${(emmettUs / us).toFixed(2)}`
    process.stdout.write(`  ${name.padEnd(26)} ${us.toFixed(0).padStart(6)}${ratio}\n`)
  }
}

try {
  await main()
} catch (error) {
  process.stdout.write(`single-append: ${(error as Error).message}\n`)
  process.exitCode = 1
}
