import { resolve } from 'node:path'
import { UsageError } from './io.js'

/** Where the log is: a SQLite file, a PostgreSQL schema or an EventStoreDB / KurrentDB server. */
export type Target =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string }
  | { readonly kind: 'esdb'; readonly connectionString: string }

export const defaultSchema = 'dealer_crm'

/**
 * `kurrentdb://` is the same gRPC protocol under KurrentDB's name; @eventstore/db-client 6.2.1 only
 * accepts `esdb://`, so the scheme is renamed, everything after it kept.
 */
const esdbSchemes: ReadonlyArray<readonly [string, string]> = [
  ['esdb://', 'esdb://'],
  ['esdb+discover://', 'esdb+discover://'],
  ['kurrentdb://', 'esdb://'],
  ['kurrentdb+discover://', 'esdb+discover://'],
]

const schemaName = /^[a-z_][a-z0-9_]{0,59}$/

/**
 * Read `--db` (and `--schema`, used by a PostgreSQL target only): what kind of store, and where.
 * Throws a UsageError naming the problem.
 */
export const parseTarget = (raw: string, schema: string | undefined, option = '--db'): Target => {
  const text = raw.trim()
  if (text === '')
    throw new UsageError(
      `${option} is empty: give a SQLite file, a postgres:// URL or an esdb:// connection string`,
    )
  const lower = text.toLowerCase()
  if (lower.startsWith('postgres://') || lower.startsWith('postgresql://')) {
    const s = schema ?? defaultSchema
    if (!schemaName.test(s))
      throw new UsageError(`--schema ${JSON.stringify(s)} is not a schema name ([a-z_][a-z0-9_]{0,59})`)
    return { kind: 'postgres', url: text, schema: s }
  }
  for (const [scheme, as] of esdbSchemes)
    if (lower.startsWith(scheme)) return { kind: 'esdb', connectionString: as + text.slice(scheme.length) }
  if (lower.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (path === '') throw new UsageError(`${option} sqlite: needs a file path, as in sqlite:dealer.db`)
    return { kind: 'sqlite', path: resolve(path) }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]
  if (scheme !== undefined)
    throw new UsageError(
      `${option} ${scheme}:// is not a known store: use a SQLite file path, postgres://, postgresql://, esdb://, esdb+discover:// or kurrentdb://`,
    )
  return { kind: 'sqlite', path: resolve(text) }
}

/** The target for messages: passwords in URLs are masked. */
export const describeTarget = (target: Target): string => {
  const mask = (url: string) => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')
  switch (target.kind) {
    case 'sqlite':
      return `SQLite file ${target.path}`
    case 'postgres':
      return `PostgreSQL ${mask(target.url)} (schema ${target.schema})`
    case 'esdb':
      return `EventStoreDB ${mask(target.connectionString)}`
  }
}
