import {
  type CheckpointStore,
  inMemoryCheckpointStore,
  manualClock,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { createPostgresEventStore } from '@dealer-crm/store-postgres'
import { describe, expect, it } from 'vitest'
import { startEsdbTestServer } from '../../../test/esdb-test-server/index.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from '../../store-postgres/test/database.js'
import { createDealership, type DealershipStore, dealershipRegistry } from '../src/index.js'
import {
  complaintSteps,
  liSi,
  mondayAt,
  recordDelivery,
  referralSteps,
  registerProspect,
  zhangSan,
} from './fixtures.js'

/** The whole flow through the facade on a given store: the same figures whatever the store. */
const scenario = async (store: DealershipStore, checkpoints: CheckpointStore) => {
  const clock = manualClock(mondayAt(0))
  const dealership = createDealership({ store, clock, random: seededRandom(5), checkpoints })
  await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
  await dealership.customerLifecycle(recordDelivery())
  await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
  for (const step of referralSteps(mondayAt)) await dealership.referralVerification(step)
  for (const step of complaintSteps(mondayAt, 500)) await dealership.complaintWorkflow(step)
  const run = await dealership.runProcessManagers()
  expect(run.rejections).toEqual([])
  // Run again: the checkpoints say everything was done; nothing is repeated.
  expect((await dealership.runProcessManagers()).rejections).toEqual([])
  clock.set(mondayAt(80))
  const view = await dealership.customer360(zhangSan.customerId)
  expect(view?.stage).toBe('owner')
  expect(view?.profile.name).toBe(zhangSan.name)
  expect(view?.membership).toMatchObject({ status: 'active', balance: 5_500 })
  expect(view?.referralsMade).toMatchObject([{ outcome: 'verified', rewardStatus: 'released' }])
  expect(view?.openComplaints.length).toBe(1)
  await dealership.close()
}

const pgAvailable = await serverAvailable()

describe('the facade works with each store adapter (DOMAIN flows end to end)', () => {
  it.skipIf(!pgAvailable)('PostgreSQL: the whole flow, checkpoints in the schema', async () => {
    const pool = testPool(4)
    const schema = freshSchema('dealership')
    try {
      const store = await createPostgresEventStore({ pool, schema, registry: dealershipRegistry })
      await scenario(store, store.checkpoints)
    } finally {
      await dropSchema(pool, schema)
      await pool.end()
    }
  })

  it('EventStoreDB (protocol test server, through the real client): the whole flow', async () => {
    const server = await startEsdbTestServer()
    try {
      const store = createEventStoreDbEventStore({
        connectionString: server.connectionString,
        registry: dealershipRegistry,
      })
      await scenario(store, inMemoryCheckpointStore())
    } finally {
      await server.close()
    }
  })
})
