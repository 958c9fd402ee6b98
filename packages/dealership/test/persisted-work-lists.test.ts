import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  addElapsedDays,
  createInMemoryReadModelStore,
  type Instant,
  manualClock,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { createSqliteEventStore, createSqliteReadModelStore } from '@dealer-crm/store-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The simulation depends on this package: its sources are taken by path, not as a dependency.
import { runSimulation } from '../../simulation/src/index.js'
import { createDealership, type Dealership, dealershipRegistry } from '../src/index.js'
import {
  liSi,
  mondayAt,
  recordDelivery,
  referralId,
  referralSteps,
  registerProspect,
  zhangSan,
} from './fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'dealership-lists-'))
const path = join(dir, 'simulated.db')
let persisted: Dealership
let inMemory: Dealership
let close: () => Promise<void>
let database: ReturnType<typeof createSqliteEventStore>['database']

beforeAll(async () => {
  await runSimulation({ path, customers: 40, days: 120, seed: 3 })
  const clock = manualClock(new Date('2026-04-20T01:00:00.000Z'))
  const store = createSqliteEventStore({ path, registry: dealershipRegistry, clock })
  database = store.database
  persisted = createDealership({
    store,
    clock,
    random: seededRandom(1),
    readModels: createSqliteReadModelStore(store.sqliteLog),
  })
  inMemory = createDealership({
    store: { ...store, close: async () => undefined },
    clock,
    random: seededRandom(1),
  })
  close = async () => {
    await persisted.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
afterAll(() => close())

/** Instants across the simulated months, for queries that take a time. */
const instants = ['2026-01-05T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-04-20T01:00:00.000Z']

describe('member ledgers, the churn-risk list, the call-back queue and referrer ledgers, persisted', () => {
  it('answer as the in-memory folds do on a simulated store', async () => {
    const ledgers = await inMemory.readModel('memberLedgers')
    const referrers = Object.keys((await inMemory.readModel('referrerLedger')).accounts)
    const calls = (await inMemory.readModel('callBackQueue')).calls
    // The simulated months hold each kind of answer, so the comparisons below compare something.
    expect(ledgers.size).toBeGreaterThan(0)
    expect(referrers.length).toBeGreaterThan(0)
    expect((await inMemory.churnRisk()).length).toBeGreaterThan(0)
    for (const memberId of [...ledgers.keys(), 'nobody'])
      for (const at of instants)
        expect(await persisted.memberLedger(memberId, at)).toEqual(await inMemory.memberLedger(memberId, at))
    for (const referrerId of [...referrers, 'nobody'])
      expect(await persisted.referrerLedger(referrerId)).toEqual(await inMemory.referrerLedger(referrerId))
    for (const at of instants) {
      expect(await persisted.churnRisk(at)).toEqual(await inMemory.churnRisk(at))
      expect(await persisted.callBackQueue(at)).toEqual(await inMemory.callBackQueue(at))
    }
    const scheduled = Object.values(calls).map((c) => c.scheduledAt as Instant)
    for (const at of scheduled.map((s) => addElapsedDays(s, 1)))
      expect(await persisted.callBackQueue(at)).toEqual(await inMemory.callBackQueue(at))
  })
})

describe('the tables, read with the plain SQL of docs/read-models.md', () => {
  it('give the lists in key order and the ledgers by id, as the facade does', async () => {
    const list = await persisted.churnRisk()
    const banded = database
      .prepare(
        `SELECT id AS customer, key AS risk FROM es_read_model_index
         WHERE name = 'customer-lifecycle.churn-risk' AND index_name = 'risk' ORDER BY key`,
      )
      .all() as Array<{ customer: string; risk: string }>
    // The week's list is the risk bands in key order, less those the week leaves out.
    const listed = new Set(list.map((e) => e.customerId))
    expect(banded.filter((row) => listed.has(row.customer)).map((row) => row.customer)).toEqual([...listed])
    for (const memberId of (await inMemory.readModel('memberLedgers')).keys()) {
      const row = database
        .prepare(
          `SELECT json_extract(data, '$.level') AS level FROM es_read_models
           WHERE name = 'loyalty.member-ledgers' AND id = ?`,
        )
        .get(memberId) as { level: string | null }
      expect(row.level).toBe((await persisted.memberLedger(memberId))?.level)
    }
    for (const referrerId of Object.keys((await inMemory.readModel('referrerLedger')).accounts)) {
      const row = database
        .prepare(
          `SELECT json_extract(data, '$.account.tier') AS tier, json_extract(data, '$.account.paidFen') AS paid_fen
           FROM es_read_models WHERE name = 'referral-verification.referrer-ledger' AND id = ?`,
        )
        .get(`referrer:${referrerId}`) as { tier: string | null; paid_fen: number }
      const account = await persisted.referrerLedger(referrerId)
      expect([row.tier, row.paid_fen]).toEqual([account?.tier, account?.paidFen])
    }
  })
})

describe('the new persisted read models on the story', () => {
  it('answer as the in-memory folds after every step, with a call queued between schedule and answer', async () => {
    const clock = manualClock(mondayAt(0))
    const readModels = createInMemoryReadModelStore()
    const dealership = createDealership({ clock, random: seededRandom(7), readModels })
    const folding = createDealership({ store: dealership.store, clock, random: seededRandom(7) })
    const same = async () => {
      for (const id of [zhangSan.customerId, liSi.customerId]) {
        expect(await dealership.referrerLedger(id)).toEqual(await folding.referrerLedger(id))
        expect(await dealership.memberLedger(id)).toEqual(await folding.memberLedger(id))
      }
      expect(await dealership.churnRisk()).toEqual(await folding.churnRisk())
      const queue = await dealership.callBackQueue()
      expect(queue).toEqual(await folding.callBackQueue())
      return queue
    }
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    const queued: number[] = []
    for (const step of referralSteps(mondayAt)) {
      await dealership.referralVerification(step)
      clock.set(step.data.at)
      queued.push((await same()).length)
    }
    // Scheduled at the fourth step, answered at the fifth.
    expect(queued).toEqual([0, 0, 0, 1, 0, 0])
    const account = await dealership.referrerLedger(zhangSan.customerId)
    expect(account?.paid.map((p) => p.referralId)).toEqual([referralId])
    const byKey = await readModels.find(
      'referral-verification.referrer-ledger',
      'referrer',
      zhangSan.customerId,
    )
    expect(byKey.map((d) => d.id)).toEqual([`referrer:${zhangSan.customerId}`])
    await dealership.runProcessManagers()
    clock.set(mondayAt(80))
    expect((await dealership.memberLedger(zhangSan.customerId))?.availablePoints).toBeGreaterThan(0)
    await same()
    await dealership.close()
  })

  it('forget drops the call-back queue, which holds names and phones, and rebuilds it erased', async () => {
    const clock = manualClock(mondayAt(0))
    const readModels = createInMemoryReadModelStore()
    const dealership = createDealership({ clock, random: seededRandom(7), readModels })
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    for (const step of referralSteps(mondayAt).slice(0, 4)) await dealership.referralVerification(step)
    clock.set(mondayAt(49))
    const [call] = await dealership.callBackQueue()
    expect(call?.phone.name).toBe(liSi.name)
    await dealership.forget(liSi.customerId)
    expect(await readModels.live('referral-verification.call-back-queue')).toBeNull()
    const [after] = await dealership.callBackQueue()
    expect(after?.phone.name).toMatchObject({ erased: true })
    expect(
      JSON.stringify(await readModels.get('referral-verification.call-back-queue', referralId)),
    ).not.toContain(liSi.name)
    await dealership.close()
  })
})
