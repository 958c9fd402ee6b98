import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createPostgresEventLog } from '../src/index.js'
import { connectionString, dropSchema, freshSchema, serverAvailable } from './database.js'
import { collect, pending } from './pending.js'

const available = await serverAvailable()

// A replay reads page after page from the same prepared statement. PostgreSQL soon switches such
// a statement to its generic plan, and with a position range given as two parameters that plan
// estimated the range at 0.5% of the table: a bitmap scan that sorted every event after the page's
// start, for every page. auto_explain (a contrib module shipped with PostgreSQL) reports each plan
// to the client as a notice, and the generic plan is forced from the first page.
describe.skipIf(!available)('PostgreSQL readAll plan', () => {
  const schema = freshSchema('plan')
  const pool = new pg.Pool({
    connectionString: connectionString(),
    max: 1,
    options: '-c plan_cache_mode=force_generic_plan',
  })
  const plans: string[] = []
  pool.on('connect', (client) => {
    client.on('notice', (notice) => {
      if (notice.message?.includes(`${schema}.event_batches`) === true) plans.push(notice.message)
    })
  })

  afterAll(async () => {
    await dropSchema(pool, schema)
    await pool.end()
  })

  it('pages through the position index in order, with no sort, bounded or not', async () => {
    const log = await createPostgresEventLog({ pool, schema })
    for (let s = 0; s < 3; s++)
      await log.append(
        `plan-${s}`,
        Array.from({ length: 400 }, (_, i) => pending(String(i))),
        'no_stream',
      )
    await pool.query(`LOAD 'auto_explain'`)
    await pool.query(`SET auto_explain.log_min_duration = 0`)
    await pool.query(`SET auto_explain.log_level = 'notice'`)
    const unbounded = await collect(
      log.readAll({ from: 1n, to: null, batchSize: 100, categories: null, types: null }),
    )
    const bounded = await collect(
      log.readAll({ from: 250n, to: 1049n, batchSize: 300, categories: null, types: null }),
    )
    await pool.query(`SET auto_explain.log_min_duration = -1`)
    await log.close()

    expect(unbounded.map((e) => e.globalPosition)).toEqual(
      Array.from({ length: 1200 }, (_, i) => BigInt(i + 1)),
    )
    expect(bounded.map((e) => e.globalPosition)).toEqual(
      Array.from({ length: 800 }, (_, i) => BigInt(i + 250)),
    )
    const pages = plans.filter((p) => p.includes('ORDER BY b.position LIMIT'))
    expect(pages.length).toBeGreaterThanOrEqual(13 + 3)
    for (const plan of pages) {
      // The tenant's batches in position order (ADR 0022): the index on (tenant, position).
      expect(plan).toContain('Index Scan using event_batches_tenant_position')
      expect(plan).not.toContain('Sort')
      expect(plan).not.toContain('Bitmap')
    }
  })
})
