import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { type DealershipStore, dealershipRegistry } from '@dealer-crm/dealership'
import type { CheckpointStore, Clock, ReadModelStore } from '@dealer-crm/eventsourcing'
import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import {
  createPostgresEventStore,
  createPostgresReadModelStore,
  NotAStoreError as NotAPostgresStoreError,
} from '@dealer-crm/store-postgres'
import { createSqliteEventStore, createSqliteReadModelStore, NotAStoreError } from '@dealer-crm/store-sqlite'
import { CliError, oneLine, UsageError } from './io.js'
import { describeTarget, parseTarget, type Target } from './target.js'
import { postgresVault, sqliteVault, type VaultAccess } from './vault.js'

export interface StoreSize {
  readonly bytes: number
  readonly detail: string
}

/** A store opened for a command, with what the CLI needs beside the EventStore port. */
export interface OpenedTarget {
  readonly target: Target
  readonly description: string
  readonly store: DealershipStore
  /** The durable key vault; null for EventStoreDB without `--vault` (personal fields then read as erased). */
  readonly vault: VaultAccess | null
  /** Where the log checkpointer keeps its signed head; null for EventStoreDB (the adapter has none). */
  readonly checkpoints: CheckpointStore | null
  /** The persisted read models beside the events (ADR 0017); null for EventStoreDB (no tables). */
  readonly readModels: ReadModelStore | null
  /** The highest global position, when the store can say so cheaply (for progress); null otherwise. */
  readonly lastPosition: () => Promise<bigint | null>
  /** Bytes on disk; null where the store cannot tell (EventStoreDB). */
  readonly size: () => Promise<StoreSize | null>
  readonly close: () => Promise<void>
}

export interface OpenOptions {
  /** May a missing SQLite file or PostgreSQL store schema be created (import, demo)? */
  readonly create: boolean
  /**
   * Many small appends that can be redone from scratch (import): SQLite fsyncs at checkpoints and
   * on close instead of at every commit (`synchronous = NORMAL`).
   */
  readonly bulk?: boolean
  /**
   * The clock of the store's commit times (import sets it to each event's exported commit time).
   * EventStoreDB stamps its own.
   */
  readonly clock?: Clock
  /**
   * The command only reads (ADR 0016): a SQLite file is opened in SQLite's read-only mode, never
   * migrated, and refused in one line when it is not a dealer-crm store of the latest schema,
   * byte for byte unchanged. PostgreSQL likewise: checked, never created or migrated, and read on
   * connections with `default_transaction_read_only = on`.
   */
  readonly readOnly?: boolean
}

const sqliteHeader = 'SQLite format 3\0'

const checkSqliteFile = (path: string, create: boolean): void => {
  if (!existsSync(path)) {
    if (create) return
    throw new CliError(`no such SQLite file: ${path} (nothing was created)`)
  }
  const stat = statSync(path)
  if (!stat.isFile()) throw new CliError(`${path} is not a file`)
  if (stat.size === 0) {
    if (create) return
    throw new CliError(`${path} is empty: not a dealer-crm database`)
  }
  const header = Buffer.alloc(16)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, header, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  if (header.toString('latin1') !== sqliteHeader) throw new CliError(`${path} is not a SQLite database`)
}

const megabytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`

const fileSize = (path: string): number => (existsSync(path) ? statSync(path).size : 0)

const openSqlite = (target: Extract<Target, { kind: 'sqlite' }>, options: OpenOptions) => {
  checkSqliteFile(target.path, options.create)
  const store = createSqliteEventStore({
    path: target.path,
    registry: dealershipRegistry,
    ...(options.bulk === true ? { synchronous: 'NORMAL' as const } : {}),
    ...(options.readOnly === true ? { readOnly: true } : {}),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  })
  const description = describeTarget(target)
  return {
    store,
    vault: sqliteVault(store, description),
    checkpoints: store.checkpoints,
    readModels: createSqliteReadModelStore(store.sqliteLog),
    lastPosition: () =>
      store.sqliteLog.run((db) => {
        const row = db.prepare('SELECT max(position) AS p FROM es_events').get() as { p: number | null }
        return row.p === null ? null : BigInt(row.p)
      }),
    size: async (): Promise<StoreSize> => {
      const file = fileSize(target.path)
      const wal = fileSize(`${target.path}-wal`)
      return {
        bytes: file + wal,
        detail: `${megabytes(file + wal)} (file ${megabytes(file)}, WAL ${megabytes(wal)}; events, keys, checkpoints and any SQL read models)`,
      }
    },
  }
}

const openPostgres = async (target: Extract<Target, { kind: 'postgres' }>, options: OpenOptions) => {
  const store = await createPostgresEventStore({
    connectionString: target.url,
    schema: target.schema,
    // Like a missing SQLite file, a schema without a store is an error unless the command creates one.
    createSchema: options.create,
    ...(options.readOnly === true ? { readOnly: true } : {}),
    registry: dealershipRegistry,
    maxConnections: 4,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  })
  return {
    store,
    vault: postgresVault(store, describeTarget(target)),
    checkpoints: store.checkpoints,
    readModels: createPostgresReadModelStore(store.pool, target.schema),
    lastPosition: async () => {
      const r = await store.pool.query<{ p: string | null }>(
        `SELECT max(position)::text AS p FROM ${target.schema}.event_batches`,
      )
      const p = r.rows[0]?.p ?? null
      return p === null ? null : BigInt(p)
    },
    size: async (): Promise<StoreSize> => {
      const r = await store.pool.query<{ events: string; total: string }>(
        `SELECT pg_total_relation_size('${target.schema}.event_batches')::text AS events,
                coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS total
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
        [target.schema],
      )
      const events = Number(r.rows[0]?.events ?? 0)
      const total = Number(r.rows[0]?.total ?? 0)
      return {
        bytes: events,
        detail: `${megabytes(events)} (pg_total_relation_size of ${target.schema}.event_batches; ${megabytes(total)} for every table of the schema)`,
      }
    },
  }
}

/** A SQL store opened only for its key vault (beside an EventStoreDB log). */
const openVault = async (
  target: Target,
  options: OpenOptions,
): Promise<{ vault: VaultAccess; close: () => Promise<void> }> => {
  if (target.kind === 'esdb')
    throw new UsageError(
      '--vault must be a SQLite file or a PostgreSQL URL: EventStoreDB is no place for keys',
    )
  const opened = target.kind === 'sqlite' ? openSqlite(target, options) : await openPostgres(target, options)
  return { vault: opened.vault, close: () => opened.store.close() }
}

export interface TargetArgs {
  readonly db: string | undefined
  readonly schema: string | undefined
  readonly vault: string | undefined
}

/** Parse and open `--db` (with `--schema` and, for EventStoreDB, `--vault`). */
export const openTarget = async (
  command: string,
  args: TargetArgs,
  options: OpenOptions,
): Promise<OpenedTarget> => {
  if (args.db === undefined)
    throw new UsageError(
      `missing --db <target> (a SQLite file, a postgres:// URL or an esdb:// connection string); see dealer-crm ${command} --help`,
    )
  const target = parseTarget(args.db, args.schema)
  const vaultTarget = args.vault === undefined ? undefined : parseTarget(args.vault, args.schema, '--vault')
  if (args.schema !== undefined && target.kind !== 'postgres' && vaultTarget?.kind !== 'postgres')
    throw new UsageError('--schema applies to a PostgreSQL target only')
  if (vaultTarget !== undefined && target.kind !== 'esdb')
    throw new UsageError(
      '--vault is for an EventStoreDB target: SQLite and PostgreSQL keep their keys beside the events',
    )
  const description = describeTarget(target)
  try {
    if (target.kind === 'sqlite') {
      const opened = openSqlite(target, options)
      return { target, description, ...opened, close: () => opened.store.close() }
    }
    if (target.kind === 'postgres') {
      const opened = await openPostgres(target, options)
      return { target, description, ...opened, close: () => opened.store.close() }
    }
    const vault = vaultTarget === undefined ? null : await openVault(vaultTarget, options)
    let store: DealershipStore
    try {
      store = createEventStoreDbEventStore({
        connectionString: target.connectionString,
        registry: dealershipRegistry,
        // A command line should say soon that a server is unreachable (the adapter's default is 8 retries).
        readRetries: 2,
        retryDelayMs: 200,
        ...(vault === null ? {} : { keyVault: vault.vault.keyVault }),
      })
    } catch (error) {
      await vault?.close()
      throw error
    }
    return {
      target,
      description,
      store,
      vault: vault?.vault ?? null,
      checkpoints: null,
      readModels: null,
      lastPosition: async () => null,
      size: async () => null,
      close: async () => {
        try {
          await store.close()
        } finally {
          await vault?.close()
        }
      },
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    if (error instanceof NotAStoreError || error instanceof NotAPostgresStoreError)
      throw new CliError(oneLine(error))
    throw new CliError(`cannot open ${description}: ${oneLine(error)}`)
  }
}

/** Open, run, and always close. */
export const withTarget = async <T>(
  command: string,
  args: TargetArgs,
  options: OpenOptions,
  work: (opened: OpenedTarget) => Promise<T>,
): Promise<T> => {
  const opened = await openTarget(command, args, options)
  try {
    return await work(opened)
  } finally {
    await opened.close()
  }
}
