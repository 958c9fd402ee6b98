import { createDealership, dealershipRegistry } from '@dealer-crm/dealership'
import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { describe, expect, it } from 'vitest'
import { mondayAt, registerProspect, zhangSan } from '../../dealership/test/fixtures.js'
import { run, sqliteLogPerFile } from './fixtures.js'

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
    const own = await run('customer', zhangSan.customerId, '--db', path, '--tenant', 'store-a')
    expect(own.code).toBe(0)
    expect(own.stdout).toContain(zhangSan.name)
    const unnamed = await run('customer', zhangSan.customerId, '--db', path)
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
