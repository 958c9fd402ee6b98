import pg from 'pg'

/** Where the tests find PostgreSQL: DEALER_CRM_PG_URL, else PG* variables, else the local test database. */
export const connectionString = (): string => {
  const url = process.env.DEALER_CRM_PG_URL
  if (url !== undefined && url !== '') return url
  const env = process.env
  if (
    env.PGHOST !== undefined ||
    env.PGPORT !== undefined ||
    env.PGDATABASE !== undefined ||
    env.PGUSER !== undefined
  )
    return `postgres://${env.PGUSER ?? 'postgres'}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? 'test'}`
  return 'postgres://postgres@127.0.0.1:5432/test'
}

const probe = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: connectionString(), connectionTimeoutMillis: 3000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** True when a server answers; otherwise prints how to point the tests at one (and fails under CI=true). */
export const serverAvailable = async (): Promise<boolean> => {
  if (await probe()) return true
  if (process.env.CI === 'true')
    throw new Error(`PostgreSQL is not reachable at ${connectionString()} (CI=true)`)
  process.stdout.write(
    `skipping PostgreSQL tests: no PostgreSQL at ${connectionString()}; set DEALER_CRM_PG_URL or PGHOST/PGPORT/PGUSER/PGDATABASE to run them\n`,
  )
  return false
}

let counter = 0

/** A fresh schema name for one test file (or one test). */
export const freshSchema = (prefix: string): string =>
  `t_${prefix}_${process.pid}_${Date.now().toString(36)}_${(counter++).toString(36)}`

/**
 * A pool the test owns, with the error listener a pool needs when backends are killed. An
 * `applicationName` marks its connections, so a test can terminate those and no one else's.
 */
export const testPool = (max = 10, applicationName?: string): pg.Pool => {
  const pool = new pg.Pool({
    connectionString: connectionString(),
    max,
    ...(applicationName === undefined ? {} : { application_name: applicationName }),
  })
  pool.on('error', () => undefined)
  return pool
}

export const dropSchema = async (pool: pg.Pool, schema: string): Promise<void> => {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
}

/**
 * Overwrite one field of one stored event, as someone altering the table would: `events` is a
 * view, so this writes the element of its batch's array (`data`, `recorded_at`, `hashes`, …).
 * `value` gives the new element's SQL from the current one's. Resolves to the rows changed.
 */
export const tamperEvent = async (
  pool: pg.Pool,
  schema: string,
  streamName: string,
  streamPosition: number,
  column: string,
  value: (current: string) => string,
): Promise<number> => {
  const element = `${column}[$2 - (stream_position - event_count)]`
  const result = await pool.query(
    `UPDATE ${schema}.event_batches SET ${element} = ${value(element)}
     WHERE stream_name = $1 AND $2 BETWEEN stream_position - event_count + 1 AND stream_position`,
    [streamName, streamPosition],
  )
  return result.rowCount ?? 0
}
