/**
 * A dealer group on one PostgreSQL (issue #24, ADR 0022): `pnpm --filter @dealer-crm/bench group
 * [--dealers 20] [--customers 2000] [--workers 2] [--modes rls,plain,plain,rls] [--seed 1]`.
 *
 * One simulated year of one store (packages/simulation, `--customers`, `--seed`) is written to a
 * temporary SQLite file once; every dealer of the group then gets that year's events (and the
 * subject keys to read them) in its own tenant of one PostgreSQL schema. Per mode, in a fresh schema:
 *   appends  every dealer's log appended at once, one writer per dealer through its own database
 *            role (the appends as the simulation made them, in order, one awaited after the other);
 *   reads    every dealer reads its whole log at once (`readAll`), then 200 of its streams;
 *   rebuild  `--workers` processes share the dealers and rebuild every persisted read model of the
 *            dealership (ADR 0017) for each of theirs;
 *   group    the group's role counts every store's read-model documents in one query.
 * Modes: `rls`, the dealers' roles under row-level security as migration 9 sets it; `plain`, the
 * same roles and grants with row-level security disabled on the tenant tables: the difference is
 * what the policies cost. Modes may repeat (the default alternates two rounds of each) and each
 * metric's best round per mode is compared. Figures are printed and written to bench/results/group.json.
 */
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type PendingEvent, pendingOf, type StoredEvent } from '@dealer-crm/eventsourcing'
import { runSimulation } from '@dealer-crm/simulation'
import { createPostgresEventLog, grantTenantRole } from '@dealer-crm/store-postgres'
import { openSqliteEventLog } from '@dealer-crm/store-sqlite'
import Database from 'better-sqlite3'
import pg from 'pg'
import { asRole, type RebuildReply, tenantTables } from './group-shared.js'

const { values } = parseArgs({
  options: {
    dealers: { type: 'string', default: '20' },
    customers: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '2' },
    modes: { type: 'string', default: 'rls,plain,plain,rls' },
    seed: { type: 'string', default: '1' },
    pg: {
      type: 'string',
      default: process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  },
})
const dealers = Number(values.dealers)
const customers = Number(values.customers)
const workers = Number(values.workers)
const modes = values.modes.split(',').filter((m): m is 'rls' | 'plain' => m === 'rls' || m === 'plain')
const url = values.pg

interface Append {
  readonly stream: string
  readonly expected: number
  readonly events: ReadonlyArray<PendingEvent>
}

const seconds = (ms: number) => (ms / 1000).toFixed(1)
const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms)
const log = (line: string) => process.stdout.write(`${line}\n`)

const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-group-'))
const file = join(dir, 'store.db')
const simulationStart = performance.now()
const simulated = await runSimulation({ path: file, customers, seed: Number(values.seed) })
log(
  `simulated one store's year: ${simulated.events} events in ${simulated.streams} streams, ${customers} customers (${seconds(performance.now() - simulationStart)} s)`,
)

// The store's appends as it made them: consecutive events of one stream in global order.
const stored: StoredEvent[] = []
const source = openSqliteEventLog({ path: file, readOnly: true })
for await (const e of source.readAll({ from: 0n, to: null, batchSize: 5000, categories: null, types: null }))
  stored.push(e)
await source.close()
const appends: Append[] = []
for (const e of stored) {
  const last = appends[appends.length - 1]
  if (
    last !== undefined &&
    last.stream === e.streamName &&
    last.expected + last.events.length === e.streamPosition - 1
  )
    (last.events as PendingEvent[]).push(pendingOf(e))
  else appends.push({ stream: e.streamName, expected: e.streamPosition - 1, events: [pendingOf(e)] })
}
const keys = new Database(file, { readonly: true })
  .prepare('SELECT subject_id AS id, key FROM es_subject_keys WHERE key IS NOT NULL')
  .all() as Array<{ id: string; key: Buffer }>
const streams = [...new Set(stored.map((e) => e.streamName))]
log(
  `${appends.length} appends (${(stored.length / appends.length).toFixed(2)} events each), ${keys.length} subject keys`,
)

const tenantOf = (i: number) => `store-${String(i + 1).padStart(2, '0')}`
const admin = new pg.Pool({ connectionString: url, max: 4 })
admin.on('error', () => undefined)

interface ModeFigures {
  readonly mode: string
  readonly appendMs: number
  readonly eventBytes: number
  readonly readAllMs: number
  readonly readStreamMs: number
  readonly rebuildMs: number
  readonly groupQueryMs: number
}
const figures: ModeFigures[] = []

const runMode = async (mode: 'rls' | 'plain'): Promise<ModeFigures> => {
  const schema = `bench_group_${mode}_${process.pid}`
  const roles = Array.from({ length: dealers }, (_, i) => `${schema}_d${i + 1}`)
  const groupRole = `${schema}_g`
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  const created = await createPostgresEventLog({ pool: admin, schema })
  await created.close()
  for (const [i, role] of roles.entries()) {
    await admin.query(`DROP ROLE IF EXISTS ${role}`)
    await admin.query(`CREATE ROLE ${role} LOGIN`)
    await grantTenantRole(admin, schema, role, tenantOf(i), 'write')
    await admin.query(
      `INSERT INTO ${schema}.subject_keys (tenant, subject_id, key) SELECT $1, u.id, u.key FROM unnest($2::text[], $3::bytea[]) AS u(id, key)`,
      [tenantOf(i), keys.map((k) => k.id), keys.map((k) => k.key)],
    )
  }
  await admin.query(`DROP ROLE IF EXISTS ${groupRole}`)
  await admin.query(`CREATE ROLE ${groupRole} LOGIN`)
  await grantTenantRole(admin, schema, groupRole, '*')
  if (mode === 'plain')
    for (const table of tenantTables)
      await admin.query(
        `ALTER TABLE ${schema}.${table} NO FORCE ROW LEVEL SECURITY; ALTER TABLE ${schema}.${table} DISABLE ROW LEVEL SECURITY`,
      )

  try {
    const logs = await Promise.all(
      roles.map((role, i) =>
        createPostgresEventLog({
          connectionString: asRole(url, role),
          schema,
          tenant: tenantOf(i),
          maxConnections: 2,
        }),
      ),
    )
    const appendStart = performance.now()
    await Promise.all(
      logs.map(async (l) => {
        for (const a of appends) await l.append(a.stream, a.events, a.expected)
      }),
    )
    const appendMs = performance.now() - appendStart
    log(
      `[${mode}] appends: ${dealers} dealers at once, ${dealers * stored.length} events in ${dealers * appends.length} appends, ${seconds(appendMs)} s: ${perSecond(dealers * stored.length, appendMs)} events/s, ${perSecond(dealers * appends.length, appendMs)} appends/s`,
    )

    const size = await admin.query<{ events: string; total: string }>(
      `SELECT pg_total_relation_size('${schema}.event_batches')::text AS events,
            (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relkind = 'r')::text AS total`,
      [schema],
    )
    const eventBytes = Number(size.rows[0]?.events ?? 0)
    log(
      `[${mode}] size: event_batches ${(eventBytes / 1024 / 1024).toFixed(1)} MiB (${Math.round(eventBytes / (dealers * stored.length))} bytes per event, indexes and TOAST included), every table ${(Number(size.rows[0]?.total ?? 0) / 1024 / 1024).toFixed(1)} MiB`,
    )

    // A read returns only what no older open transaction on the server can still precede (README of
    // store-postgres, "No late-commit gaps"): a transaction left open elsewhere on the server holds
    // every dealer's reads back. Then the read is timed again, until every dealer sees its whole log.
    let readAllMs = 0
    for (let attempt = 1; ; attempt++) {
      const readStart = performance.now()
      const counts = await Promise.all(
        logs.map(async (l) => {
          let n = 0
          for await (const _ of l.readAll({
            from: 0n,
            to: null,
            batchSize: 1000,
            categories: null,
            types: null,
          }))
            n++
          return n
        }),
      )
      readAllMs = performance.now() - readStart
      if (counts.every((n) => n === stored.length)) break
      if (attempt === 60) throw new Error(`a dealer read ${counts.join(',')} events, not ${stored.length}`)
      log(
        `[${mode}] readAll: ${Math.min(...counts)} of ${stored.length} events visible (an older transaction is open on the server); reading again`,
      )
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    log(
      `[${mode}] readAll: ${dealers} dealers at once, ${seconds(readAllMs)} s: ${perSecond(dealers * stored.length, readAllMs)} events/s`,
    )
    const sample = streams
      .filter((_, i) => i % Math.max(1, Math.floor(streams.length / 200)) === 0)
      .slice(0, 200)
    const streamStart = performance.now()
    await Promise.all(
      logs.map(async (l) => {
        for (const s of sample)
          for await (const _ of l.readStream(s, { from: 1, to: 2 ** 31 - 1, maxCount: 1e9 }));
      }),
    )
    const readStreamMs = performance.now() - streamStart
    log(
      `[${mode}] readStream: ${sample.length} streams per dealer, ${dealers} at once, ${seconds(readStreamMs)} s: ${perSecond(dealers * sample.length, readStreamMs)} streams/s`,
    )
    await Promise.all(logs.map((l) => l.close()))

    const rebuildStart = performance.now()
    const replies = await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const mine = roles
          .map((role, i) => ({ role, tenant: tenantOf(i) }))
          .filter((_, i) => i % workers === w)
        return new Promise<RebuildReply>((resolve, reject) => {
          const child = fork(
            join(dirname(fileURLToPath(import.meta.url)), 'group-rebuild.ts'),
            [url, schema, JSON.stringify(mine)],
            {
              execArgv: process.execArgv,
            },
          )
          let reply: RebuildReply | null = null
          child.on('message', (m) => {
            reply = m as RebuildReply
          })
          child.on('exit', (code) =>
            code === 0 && reply !== null
              ? resolve(reply)
              : reject(new Error(`rebuild worker ${w} exited with ${code}`)),
          )
        })
      }),
    )
    const rebuildMs = performance.now() - rebuildStart
    const documents = replies.reduce((n, r) => n + r.documents, 0)
    log(
      `[${mode}] rebuild: 6 read models × ${dealers} dealers by ${workers} worker processes, ${seconds(rebuildMs)} s: ${perSecond(dealers * stored.length, rebuildMs)} events of the dealers' logs per second (each applied to all six read models), ${documents} documents`,
    )

    const group = new pg.Client({ connectionString: asRole(url, groupRole) })
    await group.connect()
    const groupStart = performance.now()
    const perStore = await group.query<{ tenant: string; name: string; n: string }>(
      `SELECT tenant, name, count(*)::text AS n FROM ${schema}.read_models GROUP BY tenant, name ORDER BY tenant, name`,
    )
    const groupQueryMs = performance.now() - groupStart
    await group.end()
    const stores = new Set(perStore.rows.map((r) => r.tenant)).size
    log(
      `[${mode}] group query: read-model documents per store and read model, ${stores} stores, ${groupQueryMs.toFixed(1)} ms`,
    )

    return { mode, appendMs, eventBytes, readAllMs, readStreamMs, rebuildMs, groupQueryMs }
  } finally {
    // Nothing of a round is left behind, even when it fails.
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    for (const role of [...roles, groupRole]) await admin.query(`DROP ROLE IF EXISTS ${role}`)
  }
}

try {
  for (const mode of modes) figures.push(await runMode(mode))
} finally {
  await admin.end()
  rmSync(dir, { recursive: true, force: true })
}

const result = {
  dealers,
  customers,
  workers,
  eventsPerStore: stored.length,
  appendsPerStore: appends.length,
  figures,
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'group.json')
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
// Each mode's best round per metric (`--modes rls,plain,plain,rls` alternates rounds, so a burst of
// other work on a shared machine slows one round of a mode rather than every round of it).
const best = (mode: string, k: 'appendMs' | 'readAllMs' | 'readStreamMs' | 'rebuildMs') =>
  Math.min(...figures.filter((f) => f.mode === mode).map((f) => f[k]))
if (figures.some((f) => f.mode === 'rls') && figures.some((f) => f.mode === 'plain'))
  for (const k of ['appendMs', 'readAllMs', 'readStreamMs', 'rebuildMs'] as const)
    log(
      `row-level security, ${k.replace('Ms', '')}: best ${seconds(best('rls', k))} s against ${seconds(best('plain', k))} s plain (${((best('rls', k) / best('plain', k) - 1) * 100).toFixed(1)}%)`,
    )
log(`written ${out}`)
