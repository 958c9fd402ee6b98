import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type EventLog,
  isErased,
  manualClock,
  readWholeLog,
  seededRandom,
  verify,
} from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AccessLogNotConfiguredError,
  accessLogStreamOf,
  createDealership,
  createInMemoryDealershipStore,
  dealershipRegistry,
  type Principal,
  PurposeRequiredError,
  subjectHashOf,
  vaultAccessLogSecret,
} from '../src/index.js'
import { mondayAt, recordDelivery, registerProspect, zhangSan } from './fixtures.js'

const secret = 'test-access-log-secret'
const manager: Principal = { id: 'manager-huang', roles: ['customer-manager'] }

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const withCustomer = async (options: { accessLogSecret?: () => Promise<string> } = {}) => {
  const clock = manualClock(mondayAt(2))
  const store = createInMemoryDealershipStore({ clock })
  const dealership = createDealership({ store, clock, random: seededRandom(5), ...options })
  await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
  await dealership.customerLifecycle(recordDelivery())
  return { clock, store, dealership }
}

/** The stored form (sealed fields as ciphertext) of every event, as text. */
const storedText = async (log: EventLog) => {
  const out: unknown[] = []
  for await (const stored of readWholeLog(log))
    out.push({ ...stored, globalPosition: String(stored.globalPosition) })
  return JSON.stringify(out)
}

describe('reading personal data needs a purpose and leaves a trace', () => {
  it('refuses a customer 360 without a purpose, reading and writing nothing', async () => {
    const { dealership, store } = await withCustomer({ accessLogSecret: async () => secret })
    const before = await store.streamVersion(accessLogStreamOf(secret, zhangSan.customerId))
    // A caller outside the type checker (JSON from a client) may send no purpose at all.
    const noPurpose = { purpose: undefined } as unknown as { purpose: string } // the refusal is the point
    await expect(dealership.as(manager).customer360(zhangSan.customerId, noPurpose)).rejects.toBeInstanceOf(
      PurposeRequiredError,
    )
    await expect(
      dealership.as(manager).customer360(zhangSan.customerId, { purpose: '  ' }),
    ).rejects.toMatchObject({
      code: 'PurposeRequired',
    })
    expect(await store.streamVersion(accessLogStreamOf(secret, zhangSan.customerId))).toBe(before)
    await dealership.close()
  })

  it('refuses the unrecorded customer 360 once the facade has an access-log secret', async () => {
    const { dealership } = await withCustomer({ accessLogSecret: async () => secret })
    await expect(dealership.customer360(zhangSan.customerId)).rejects.toMatchObject({
      code: 'PurposeRequired',
      via: 'customer360',
    })
    await dealership.close()
  })

  it('refuses personal reads as a principal when the facade has no access-log secret', async () => {
    const { dealership } = await withCustomer()
    await expect(
      dealership.as(manager).customer360(zhangSan.customerId, { purpose: 'service follow-up call' }),
    ).rejects.toBeInstanceOf(AccessLogNotConfiguredError)
    await dealership.close()
  })

  it('records who, when, which fields and why, under a keyed hash of the person, with no personal data', async () => {
    const { dealership, store, clock } = await withCustomer({ accessLogSecret: async () => secret })
    clock.set(mondayAt(5))
    const view = await dealership
      .as(manager)
      .customer360(zhangSan.customerId, { purpose: 'service follow-up call' })
    expect(view?.profile.name).toBe(zhangSan.name)
    expect(await dealership.as(manager).accessLog(zhangSan.customerId)).toEqual([
      {
        at: mondayAt(5),
        by: { id: 'manager-huang', roles: ['customer-manager'] },
        purpose: 'service follow-up call',
        fields: ['profile.name', 'vehicles[].plate', 'recentTouchpoints[].note'],
        via: 'customer360',
        eventId: expect.any(String),
        streamPosition: 1,
      },
    ])
    const stream = `access_log-${subjectHashOf(secret, zhangSan.customerId)}`
    expect(await store.streamVersion(stream)).toBe(1)
    // The stored form of the access-log event names the person by the hash only, and holds nothing sealed.
    const text = await storedText(store.log)
    const entry = text.slice(text.indexOf(`"streamName":"${stream}"`))
    expect(entry).toContain('"type":"PersonalDataAccessed"')
    for (const plain of [zhangSan.customerId, zhangSan.name, zhangSan.phone, '$enc'])
      expect(entry).not.toContain(plain)
    // An unknown customer: nothing was read, nothing is recorded.
    expect(await dealership.as(manager).customer360('nobody', { purpose: 'lookup' })).toBeUndefined()
    expect(await store.streamVersion(accessLogStreamOf(secret, 'nobody'))).toBe(0)
    await dealership.close()
  })

  it('keeps the access log readable after forget, and the chain verifies', async () => {
    const { dealership, store } = await withCustomer({ accessLogSecret: async () => secret })
    await dealership.as(manager).customer360(zhangSan.customerId, { purpose: 'complaint call-back' })
    await dealership.forget(zhangSan.customerId)
    const after = await dealership.as(manager).customer360(zhangSan.customerId, { purpose: 'erasure check' })
    expect(isErased(after?.profile.name)).toBe(true)
    expect((await dealership.as(manager).accessLog(zhangSan.customerId)).map((e) => e.purpose)).toEqual([
      'complaint call-back',
      'erasure check',
    ])
    expect(await storedText(store.log)).not.toContain('"subject":"zhang-san"')
    expect((await verify(store)).ok).toBe(true)
    await dealership.close()
  })

  it('is tamper-evident: an access-log entry changed in SQL fails verify, naming its stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-log-'))
    dirs.push(dir)
    const clock = manualClock(mondayAt(2))
    const store = createSqliteEventStore({
      path: join(dir, 'dealer.db'),
      registry: dealershipRegistry,
      clock,
    })
    const dealership = createDealership({
      store,
      clock,
      random: seededRandom(5),
      accessLogSecret: vaultAccessLogSecret(store.keyVault),
    })
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.as(manager).customer360(zhangSan.customerId, { purpose: 'birthday call' })
    expect((await verify(store)).ok).toBe(true)
    const stream = accessLogStreamOf(
      await store.keyVault.keyFor('dealer-crm:access-log'),
      zhangSan.customerId,
    )
    store.sqliteLog.run((db) =>
      db
        .prepare(
          "UPDATE es_events SET data = json_set(data, '$.purpose', 'nothing to see') WHERE stream_name = ?",
        )
        .run(stream),
    )
    const result = await verify(store)
    expect(result.ok).toBe(false)
    expect(result).toMatchObject({ finding: { code: 'stream-link', streamName: stream } })
    await dealership.close()
  })
})
