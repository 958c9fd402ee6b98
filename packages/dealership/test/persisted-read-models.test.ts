import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createInMemoryReadModelStore,
  createReadModelProjector,
  manualClock,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { createPostgresEventStore, createPostgresReadModelStore } from '@dealer-crm/store-postgres'
import { createSqliteEventStore, createSqliteReadModelStore } from '@dealer-crm/store-sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { dropSchema, freshSchema, serverAvailable, testPool } from '../../store-postgres/test/database.js'
import {
  createDealership,
  type Dealership,
  type DealershipStore,
  dealershipRegistry,
  memberLedgerDocuments,
} from '../src/index.js'
import { complaintId, liSi, mondayAt, zhangSan } from './fixtures.js'
import { runStory } from './scenario.js'

const pgAvailable = await serverAvailable()
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** The store with every event it yields from a read counted. */
const counting = (store: DealershipStore) => {
  let read = 0
  const count = <T>(items: AsyncIterable<T>): AsyncIterable<T> => ({
    async *[Symbol.asyncIterator]() {
      for await (const item of items) {
        read++
        yield item
      }
    },
  })
  const counted: DealershipStore = {
    ...store,
    readAll: (options) => count(store.readAll(options)),
    readStream: (name, options) => count(store.readStream(name, options)),
    // Runners of in-memory read models read the raw log.
    log: {
      ...store.log,
      readAll: (options) => count(store.log.readAll(options)),
      readStream: (name, options) => count(store.log.readStream(name, options)),
    },
  }
  return { store: counted, read: () => read }
}

describe('the customer 360 and the SLA board from persisted read models', () => {
  it('answer as the in-memory folds do, and a restarted process answers without reading the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dealership-rm-'))
    dirs.push(dir)
    const path = join(dir, 'dealer.db')
    const clock = manualClock(mondayAt(0))
    const store = createSqliteEventStore({ path, registry: dealershipRegistry, clock })
    const persisted = createDealership({
      store,
      clock,
      random: seededRandom(7),
      checkpoints: store.checkpoints,
      readModels: createSqliteReadModelStore(store.sqliteLog),
    })
    const inMemory = createDealership({ store, clock, random: seededRandom(7) })
    await runStory(persisted)
    clock.set(mondayAt(80))

    for (const id of [zhangSan.customerId, liSi.customerId, 'nobody'])
      expect(await persisted.customer360(id)).toEqual(await inMemory.customer360(id))
    const board = await persisted.slaBoard()
    expect(board.map((row) => row.complaintId)).toEqual([complaintId])
    expect(board).toEqual(await inMemory.slaBoard())
    expect((await persisted.customer360(zhangSan.customerId))?.membership?.balance).toBe(5_500)
    const served = async (d: Dealership) => ({
      ledger: await d.memberLedger(zhangSan.customerId),
      churnRisk: await d.churnRisk(),
      callBackQueue: await d.callBackQueue(),
      referrer: await d.referrerLedger(zhangSan.customerId),
    })
    const expected = await served(inMemory)
    expect(expected.referrer?.paid.length).toBe(1)
    expect(await served(persisted)).toEqual(expected)
    await persisted.close()

    const reopened = createSqliteEventStore({ path, registry: dealershipRegistry, clock })
    const { store: watched, read } = counting(reopened)
    const restarted = createDealership({
      store: watched,
      clock,
      random: seededRandom(7),
      readModels: createSqliteReadModelStore(reopened.sqliteLog),
    })
    const view = await restarted.customer360(zhangSan.customerId)
    expect(view?.openComplaints.map((c) => c.complaintId)).toEqual([complaintId])
    expect((await restarted.slaBoard()).map((row) => row.complaintId)).toEqual([complaintId])
    expect(await served(restarted)).toEqual(expected)
    expect(read()).toBe(0)
    // The count sees reads: the in-memory fold of the same process reads the log.
    const folding = createDealership({ store: watched, clock, random: seededRandom(7) })
    await folding.customer360(zhangSan.customerId)
    expect(read()).toBeGreaterThan(0)
    await restarted.close()
  })

  it('catchUpReadModels brings all six up to the log once, and without read models is a typed refusal', async () => {
    const clock = manualClock(mondayAt(0))
    const readModels = createInMemoryReadModelStore()
    const dealership = createDealership({ clock, random: seededRandom(7), readModels })
    await runStory(dealership)
    const runs = await dealership.catchUpReadModels()
    expect(Object.keys(runs)).toHaveLength(6)
    expect(Object.values(runs).every((r) => r.ran && r.live)).toBe(true)
    expect(Object.values(await dealership.catchUpReadModels()).map((r) => r.applied)).toEqual([
      0, 0, 0, 0, 0, 0,
    ])
    await dealership.close()
    const without = createDealership({ clock, random: seededRandom(7) })
    await expect(without.catchUpReadModels()).rejects.toMatchObject({ code: 'NoPersistedReadModels' })
    await without.close()
  })

  it('keeps each member’s ledger as one document, found by card or by customer', async () => {
    const clock = manualClock(mondayAt(0))
    const dealership = createDealership({ clock, random: seededRandom(7) })
    await runStory(dealership)
    const readModels = createInMemoryReadModelStore()
    const projection = memberLedgerDocuments
    await createReadModelProjector({ store: dealership.store, readModels, projection }).catchUp()
    const inMemory = (await dealership.readModel('memberLedgers')).get(zhangSan.customerId)
    expect(inMemory?.status).toBe('active')
    expect((await readModels.get(projection.name, zhangSan.customerId))?.data).toEqual(inMemory)
    const byCustomer = await readModels.find(projection.name, 'customer', zhangSan.customerId)
    expect(byCustomer.map((d) => d.id)).toEqual([zhangSan.customerId])
    await dealership.close()
  })

  it('forget drops the persisted documents, which hold decrypted personal data, and rebuilds them', async () => {
    const clock = manualClock(mondayAt(0))
    const readModels = createInMemoryReadModelStore()
    const dealership = createDealership({ clock, random: seededRandom(7), readModels })
    await runStory(dealership)
    expect((await dealership.customer360(zhangSan.customerId))?.profile.name).toBe(zhangSan.name)
    await dealership.forget(zhangSan.customerId)
    expect(await readModels.live('dealership.customer-360')).toBeNull()
    const after = await dealership.customer360(zhangSan.customerId)
    expect(after?.profile.name).toMatchObject({ erased: true })
    expect(
      JSON.stringify(await readModels.get('dealership.customer-360', `customer:${zhangSan.customerId}`)),
    ).not.toContain(zhangSan.name)
    await dealership.close()
  })

  it.skipIf(!pgAvailable)('on PostgreSQL: two app servers share the tables in the schema', async () => {
    const pool = testPool(6)
    const schema = freshSchema('dealership_rm')
    const stores: Array<{ close: () => Promise<void> }> = []
    try {
      const clock = manualClock(mondayAt(0))
      const open = async () => {
        const store = await createPostgresEventStore({ pool, schema, registry: dealershipRegistry, clock })
        stores.push(store)
        return {
          store,
          dealership: createDealership({
            store: { ...store, close: async () => undefined }, // the pool is the test's
            clock,
            random: seededRandom(7),
            checkpoints: store.checkpoints,
            readModels: createPostgresReadModelStore(pool, schema),
          }),
        }
      }
      const first = await open()
      await runStory(first.dealership)
      clock.set(mondayAt(80))
      const inMemory = createDealership({ store: first.store, clock, random: seededRandom(7) })
      const expected = await inMemory.customer360(zhangSan.customerId)
      expect(await first.dealership.customer360(zhangSan.customerId)).toEqual(expected)
      expect(await first.dealership.slaBoard()).toEqual(await inMemory.slaBoard())
      // The second server reads what the first built: no event read from the log.
      const second = await open()
      const { store: watched, read } = counting(second.store)
      const reader = createDealership({
        store: watched,
        clock,
        random: seededRandom(7),
        readModels: createPostgresReadModelStore(pool, schema),
      })
      const ledger = await inMemory.memberLedger(zhangSan.customerId)
      const referrer = await inMemory.referrerLedger(zhangSan.customerId)
      expect(await first.dealership.memberLedger(zhangSan.customerId)).toEqual(ledger)
      expect(await first.dealership.referrerLedger(zhangSan.customerId)).toEqual(referrer)
      expect(await reader.customer360(zhangSan.customerId)).toEqual(expected)
      expect((await reader.slaBoard()).map((row) => row.complaintId)).toEqual([complaintId])
      expect(await reader.memberLedger(zhangSan.customerId)).toEqual(ledger)
      expect(await reader.referrerLedger(zhangSan.customerId)).toEqual(referrer)
      expect(read()).toBe(0)
    } finally {
      for (const store of stores) await store.close()
      await dropSchema(pool, schema)
      await pool.end()
    }
  })
})
