import { StoreError } from '@dealer-crm/eventsourcing'
import pg from 'pg'

/** Pool or checked-out client: anything that runs a query. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

export interface ConnectionOptions {
  /** A pool you own: the store uses it and never ends it. */
  readonly pool?: pg.Pool
  /** Or a connection string: the store opens its own pool and ends it on close. */
  readonly connectionString?: string
  /** Size of the pool the store opens (default 10). */
  readonly maxConnections?: number
}

export interface ResolvedPool {
  readonly pool: pg.Pool
  readonly owned: boolean
}

export const resolvePool = (options: ConnectionOptions): ResolvedPool => {
  if (options.pool !== undefined) return { pool: options.pool, owned: false }
  if (options.connectionString === undefined)
    throw new StoreError('createPostgresEventLog needs a pool or a connectionString')
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 })
  // A connection that dies while idle is removed by the pool; without a listener it would crash the process.
  pool.on('error', () => undefined)
  return { pool, owned: true }
}

const raw = (value: string): string => value

/** Every column as the text PostgreSQL sent: the store parses and validates it itself. */
export const rawTypes: pg.CustomTypesConfig = { getTypeParser: () => raw }

/** True when the error is a connection failure (the client must be discarded). */
export const isConnectionError = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && (code.startsWith('08') || code === '57P01' || code === '57P02')) return true
  const message = error instanceof Error ? error.message : ''
  return /Connection terminated|ECONNRESET|EPIPE|not queryable|closed/i.test(message)
}

/**
 * Run `work` in a transaction on one client of the pool: COMMIT when it resolves, ROLLBACK when it
 * throws. A client whose connection failed is discarded, never returned to the pool.
 */
export const withTransaction = async <T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> => {
  const client = await pool.connect()
  const onError = () => undefined
  client.on('error', onError)
  let broken: Error | undefined
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    if (isConnectionError(error)) broken = error instanceof Error ? error : new Error(String(error))
    else
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
      })
    throw error
  } finally {
    client.removeListener('error', onError)
    client.release(broken)
  }
}
