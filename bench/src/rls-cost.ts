/**
 * What row-level security costs a dealer's role per operation (issue #24, ADR 0022), measured
 * interleaved: `pnpm --filter @dealer-crm/bench rls-cost [--blocks 40] [--size 50]`.
 *
 * Two schemas of migration 9 on one server, each with one dealer's role bound to its tenant and
 * granted writes: `rls` as the migration leaves it, `plain` with row-level security disabled on the
 * tenant tables. The same operations then run on both in alternating blocks of `--size` (the order
 * of the two swapped every block), so that load from other work on the machine falls on both alike:
 * one-event appends to new streams, reads of one stream, one page of 1,000 events of `readAll`, and
 * a read-model transaction writing one document followed by a `get`. It prints µs per operation for
 * each schema and the difference.
 */

import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { PendingEvent } from '@dealer-crm/eventsourcing'
import {
  createPostgresEventLog,
  createPostgresReadModelStore,
  grantTenantRole,
  type PostgresEventLog,
} from '@dealer-crm/store-postgres'
import pg from 'pg'
import { asRole, tenantTables } from './group-shared.js'

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '40' },
    size: { type: 'string', default: '50' },
    // Also a third schema whose current_tenant() is PL/pgSQL (its query's plan cached per session).
    plpgsql: { type: 'boolean', default: false },
    pg: {
      type: 'string',
      default: process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  },
})
const blocks = Number(values.blocks)
const size = Number(values.size)
const url = values.pg
const tenant = 'store-01'
const admin = new pg.Pool({ connectionString: url, max: 2 })
admin.on('error', () => undefined)

const event = (i: number): PendingEvent => ({
  eventId: randomUUID(),
  recordedAt: new Date().toISOString(),
  type: 'VisitRecorded',
  schemaVersion: 1,
  data: { visit: i, advisor: `advisor-${i % 7}`, note: 'regular service, oil and filters' },
  correlationId: null,
  causationId: null,
  commandId: null,
  actor: null,
  traceparent: null,
})

interface Side {
  readonly name: Name
  readonly schema: string
  readonly role: string
  log: PostgresEventLog
  readonly micros: Record<Operation, number>
}
const operations = ['append', 'readStream', 'readAll page', 'read-model write + get'] as const
type Operation = (typeof operations)[number]

type Name = 'rls' | 'rls_plpgsql' | 'plain'
const open = async (name: Name): Promise<Side> => {
  const schema = `bench_rls_cost_${name}_${process.pid}`
  const role = `${schema}_d`
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  const created = await createPostgresEventLog({ pool: admin, schema })
  await created.close()
  await admin.query(`DROP ROLE IF EXISTS ${role}`)
  await admin.query(`CREATE ROLE ${role} LOGIN`)
  await grantTenantRole(admin, schema, role, tenant, 'write')
  if (name === 'rls_plpgsql')
    await admin.query(`CREATE OR REPLACE FUNCTION ${schema}.current_tenant() RETURNS text LANGUAGE plpgsql STABLE AS $f$
      BEGIN RETURN coalesce((SELECT r.tenant FROM ${schema}.tenant_roles r WHERE r.role_name = session_user), 'default'); END $f$`)
  if (name === 'plain')
    for (const table of tenantTables)
      await admin.query(
        `ALTER TABLE ${schema}.${table} NO FORCE ROW LEVEL SECURITY; ALTER TABLE ${schema}.${table} DISABLE ROW LEVEL SECURITY`,
      )
  // lateCommitWaitMs 0: a read returns at once what is safe, rather than waiting for an older
  // transaction open elsewhere on the server (that wait is not what is measured here).
  const log = await createPostgresEventLog({
    lateCommitWaitMs: 0,
    connectionString: asRole(url, role),
    schema,
    tenant,
    maxConnections: 2,
  })
  // A log to page through: 5,000 events in batches of 100.
  for (let s = 0; s < 50; s++)
    await log.append(
      `fill-${s}`,
      Array.from({ length: 100 }, (_, i) => event(i)),
      'no_stream',
    )
  await createPostgresReadModelStore(log.pool, schema, tenant).transaction(async (tx) => {
    await tx.claim('visits', 1)
    await tx.promote('visits', 1)
  })
  return {
    name,
    schema,
    role,
    log,
    micros: Object.fromEntries(operations.map((o) => [o, 0])) as Record<Operation, number>,
  }
}

const sides = [await open('rls'), ...(values.plpgsql ? [await open('rls_plpgsql')] : []), await open('plain')]
let pages = 0
let pageEvents = 0
const timed = async (side: Side, operation: Operation, work: (i: number) => Promise<void>, block: number) => {
  const start = performance.now()
  for (let i = 0; i < size; i++) await work(block * size + i)
  side.micros[operation] += (performance.now() - start) * 1000
}

for (let block = 0; block < blocks; block++) {
  // Every block in another order (rotated, and reversed every other block).
  const rotated = [...sides.slice(block % sides.length), ...sides.slice(0, block % sides.length)]
  const order = block % 2 === 0 ? rotated : rotated.reverse()
  for (const side of order) {
    const readModels = createPostgresReadModelStore(side.log.pool, side.schema, tenant)
    await timed(
      side,
      'append',
      (i) => side.log.append(`visits-${i}`, [event(i)], 'no_stream').then(() => undefined),
      block,
    )
    await timed(
      side,
      'readStream',
      async (i) => {
        for await (const _ of side.log.readStream(`visits-${i}`, { from: 1, to: 10, maxCount: 10 }));
      },
      block,
    )
    await timed(
      side,
      'readAll page',
      async (i) => {
        let n = 0
        pages++
        for await (const _ of side.log.readAll({
          from: BigInt(1 + (i % 4) * 1000),
          to: null,
          batchSize: 1000,
          categories: null,
          types: null,
        }))
          if (++n === 1000) break
        pageEvents += n
      },
      block,
    )
    await timed(
      side,
      'read-model write + get',
      async (i) => {
        await readModels.transaction(async (tx) => {
          await tx.claim('visits', 1)
          await tx.write('visits', 1, [
            { id: `v-${i}`, document: { data: { i }, keys: { advisor: `a-${i % 7}` } } },
          ])
          await tx.advance('visits', 1, BigInt(i + 1))
        })
        await readModels.get('visits', `v-${i}`)
      },
      block,
    )
  }
}

const count = blocks * size
const plain = sides[sides.length - 1] as Side
process.stdout.write(
  `${count} operations of each kind per schema, in ${blocks} alternating blocks of ${size}\n`,
)
process.stdout.write(
  `readAll pages held ${(pageEvents / pages).toFixed(0)} events on average (1,000 unless held back)\n`,
)
process.stdout.write(
  `| operation | ${sides.map((s) => `${s.name} µs`).join(' | ')} | ${sides
    .slice(0, -1)
    .map((s) => `${s.name} against plain`)
    .join(' | ')} |\n`,
)
process.stdout.write(`| --- |${' --- |'.repeat(sides.length * 2 - 1)}\n`)
for (const o of operations) {
  const each = sides.map((s) => s.micros[o] / count)
  const base = plain.micros[o] / count
  process.stdout.write(
    `| ${o} | ${each.map((v) => v.toFixed(0)).join(' | ')} | ${each
      .slice(0, -1)
      .map((v) => `${((v / base - 1) * 100).toFixed(1)}%`)
      .join(' | ')} |\n`,
  )
}
for (const side of sides) {
  await side.log.close()
  await admin.query(`DROP SCHEMA ${side.schema} CASCADE`)
  await admin.query(`DROP ROLE ${side.role}`)
}
await admin.end()
