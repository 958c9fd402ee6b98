import { isEventSourcingError, StoreError } from '@dealer-crm/eventsourcing'
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

/**
 * The pool given, or one opened from the connection string. A read-only store's own pool starts
 * every connection with `default_transaction_read_only = on`: the server refuses any write.
 */
export const resolvePool = (options: ConnectionOptions, readOnly = false): ResolvedPool => {
  if (options.pool !== undefined) return { pool: options.pool, owned: false }
  if (options.connectionString === undefined)
    throw new StoreError('createPostgresEventLog needs a pool or a connectionString')
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  })
  // A connection that dies while idle is removed by the pool; without a listener it would crash the process.
  pool.on('error', () => undefined)
  return { pool, owned: true }
}

const raw = (value: string): string => value

/** Every column as the text PostgreSQL sent: the store parses and validates it itself. */
export const rawTypes: pg.CustomTypesConfig = { getTypeParser: () => raw }

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** True when the error is a connection failure (the client must be discarded). */
export const isConnectionError = (error: unknown): boolean => {
  const code = codeOf(error)
  if (code !== undefined && (code.startsWith('08') || code === '57P01' || code === '57P02')) return true
  const message = error instanceof Error ? error.message : ''
  return /Connection terminated|ECONNRESET|EPIPE|not queryable|closed/i.test(message)
}

/**
 * True when the server rolled the transaction back for a reason that running it again may avoid:
 * a deadlock (40P01) or a serialization failure (40001).
 */
export const isRolledBack = (error: unknown): boolean => {
  const code = codeOf(error)
  return code === '40P01' || code === '40001'
}

/** Network failures Node reports on a socket: the server may be back in a moment. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

/**
 * The failures of this store that may pass by themselves: a lost connection or terminated backend
 * (class 08, 57P01, 57P02), a server starting up or out of connections (57P03, 53300), a network
 * failure, a pool that could not connect in time, and a transaction rolled back by a deadlock or
 * serialization failure. Not: SQL errors, constraint violations, corrupt rows, a closed store.
 */
export const isTransientFailure = (error: unknown): boolean => {
  if (isConnectionError(error) || isRolledBack(error)) return true
  const code = codeOf(error)
  if (code === '57P03' || code === '53300' || (code !== undefined && networkCodes.has(code))) return true
  return /timeout exceeded when trying to connect/i.test(error instanceof Error ? error.message : '')
}

/**
 * For `.catch(...)` on a query: a transient failure of the driver is rethrown as a StoreError flagged
 * `transient` (saying what failed), so that followers retry it (`isTransient`); anything else is
 * rethrown unchanged.
 */
export const flagTransient =
  (what: string) =>
  (error: unknown): never => {
    if (isEventSourcingError(error) || !isTransientFailure(error)) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new StoreError(`${what} failed: ${message}`, { cause: error, transient: true })
  }

/**
 * Run `work` in a transaction on one client of the pool: COMMIT when it resolves, ROLLBACK when it
 * throws. A client whose connection failed is discarded, never returned to the pool. A transient
 * failure (`isTransientFailure`) is rethrown as a StoreError flagged `transient`, what `work` threw
 * otherwise unchanged.
 */
export const withTransaction = async <T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> => {
  const client = await pool.connect().catch(flagTransient('connecting for a transaction'))
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
    return flagTransient('transaction')(error)
  } finally {
    client.removeListener('error', onError)
    client.release(broken)
  }
}
