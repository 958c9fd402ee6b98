import { createDealership, dealershipRegistry } from '@dealer-crm/dealership'
import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { mondayAt, registerProspect, zhangSan } from '../../dealership/test/fixtures.js'
import {
  connectionString,
  dropSchema,
  freshSchema,
  serverAvailable,
  testPool,
} from '../../store-postgres/test/database.js'
import { reader, run, sqliteLogPerFile } from './fixtures.js'

// ADR 0022: one dealer per SQLite file; the CLI takes the tenant as --tenant and refuses mixing.
const files = sqliteLogPerFile()

describe('--tenant', () => {
  it('opens a file written before tenants as default, and refuses it to another tenant in one line', async () => {
    expect((await run('stats', '--db', files.db)).code).toBe(0)
    const other = await run('stats', '--db', files.db, '--tenant', 'store-b')
    expect(other.code).not.toBe(0)
    expect(other.stderr).toContain('holds the events of tenant default, not store-b')
    expect(other.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('serves a file recorded for a tenant only to that tenant', async () => {
    const path = files.file('store-a.db')
    const clock = manualClock(mondayAt(0))
    const store = createSqliteEventStore({ path, registry: dealershipRegistry, clock, tenant: 'store-a' })
    const dealership = createDealership({ store, clock, random: seededRandom(3), tenant: 'store-a' })
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.close()
    const own = await run('customer', zhangSan.customerId, '--db', path, '--tenant', 'store-a', ...reader)
    expect(own.code).toBe(0)
    expect(own.stdout).toContain(zhangSan.name)
    const unnamed = await run('customer', zhangSan.customerId, '--db', path, ...reader)
    expect(unnamed.code).not.toBe(0)
    expect(unnamed.stderr).toContain('holds the events of tenant store-a, not default')
    expect(unnamed.stdout).not.toContain(zhangSan.name)
  })

  it('refuses a name that is not a tenant, and a tenant for EventStoreDB', async () => {
    const bad = await run('stats', '--db', files.db, '--tenant', 'Store A')
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('invalid tenant "Store A"')
    const esdb = await run('stats', '--db', 'esdb://localhost:2113?tls=false', '--tenant', 'store-a')
    expect(esdb.code).not.toBe(0)
    expect(esdb.stderr).toContain('--tenant applies to SQLite and PostgreSQL')
  })
})

const pgAvailable = await serverAvailable()

describe.skipIf(!pgAvailable)('--tenant on PostgreSQL: one dealer moved in by export and import', () => {
  const url = connectionString()
  const schema = freshSchema('cli_tenant')
  const pool = testPool(1)
  afterAll(async () => {
    await dropSchema(pool, schema)
    await pool.end()
  })

  it('imports a dealer’s file into two tenants of one schema; each command sees only its tenant', async () => {
    const exported = files.file('dealer.ndjson')
    expect((await run('export', '--db', files.db, '--out', exported, '--with-keys', ...reader)).code).toBe(0)
    const db = ['--db', url, '--schema', schema]
    for (const tenant of ['store-a', 'store-b'])
      expect((await run('import', exported, ...db, '--tenant', tenant)).code).toBe(0)
    const stats = async (tenant: string) => (await run('stats', ...db, '--tenant', tenant)).stdout
    expect(await stats('store-a')).toMatch(/^events {3}32$/m)
    expect(await stats('store-b')).toMatch(/^events {3}32$/m)
    expect(await stats('store-c')).toMatch(/^events {3}0$/m)
    const verified = await run('verify', ...db, '--tenant', 'store-b')
    expect(verified.stdout).toContain('verified 32 events')
    const trail = await run('trail', zhangSan.customerId, ...db, '--tenant', 'store-a', ...reader)
    expect(trail.stdout).toContain(zhangSan.name)
    expect(
      (await run('trail', zhangSan.customerId, ...db, '--tenant', 'store-c', ...reader)).stdout,
    ).not.toContain(zhangSan.name)
    // The report is drawn for one store: the tenant's log.
    const page = files.file('store-a.html')
    expect((await run('report', ...db, '--tenant', 'store-a', '--out', page)).code).toBe(0)
    const empty = await run('report', ...db, '--tenant', 'store-c', '--out', files.file('store-c.html'))
    expect(empty.code).not.toBe(0)
    expect(empty.stderr).toContain('the log is empty')
  })
})
