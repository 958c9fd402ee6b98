import {
  inMemoryCheckpointStore,
  type LogFields,
  type Logger,
  manualClock,
  StoreError,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { createPostgresEventStore, type PostgresEventStore } from '@dealer-crm/store-postgres'
import { collect } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { dropSchema, freshSchema, serverAvailable, testPool } from '../../store-postgres/test/database.js'
import {
  createDealership,
  type DealershipEvent,
  dealershipProcessManagers,
  dealershipRegistry,
  defaultProcessPolicy,
  type ProcessRejection,
} from '../src/index.js'
import { complaintSteps, mondayAt, recordDelivery, registerProspect, zhangSan } from './fixtures.js'

const available = await serverAvailable()

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!available)('live process managers on PostgreSQL survive terminated backends', () => {
  it('every delivery enrols its buyer once, through reads and appends cut off mid-way', async () => {
    const schema = freshSchema('facade_reconnect')
    const admin = testPool(4)
    // Every connection of the live facade carries this name: the test terminates only those.
    const liveName = `dcrm_facade_${process.pid}_${Date.now().toString(36)}`
    const livePool = testPool(8, liveName)
    const warnings: LogFields[] = []
    const failures: unknown[] = []
    const logger: Logger = {
      warn: (_, fields) => warnings.push(fields),
      error: (_, fields) => failures.push(fields),
    }
    const clock = manualClock(mondayAt(0))
    let writerStore: PostgresEventStore<DealershipEvent> | undefined
    let liveStore: PostgresEventStore<DealershipEvent> | undefined
    try {
      // Runs inside the transaction of each delivery the writer appends, before its commit.
      let beforeDeliveryCommits: (() => Promise<void>) | null = null
      writerStore = await createPostgresEventStore({
        pool: admin,
        schema,
        registry: dealershipRegistry,
        inline: [
          {
            name: 'hold-deliveries',
            handles: ['VehicleDelivered'],
            apply: async () => {
              await beforeDeliveryCommits?.()
            },
          },
        ],
      })
      liveStore = await createPostgresEventStore({
        pool: livePool,
        schema,
        registry: dealershipRegistry,
        pollIntervalMs: 50,
      })
      const writer = createDealership({ store: writerStore, clock, random: seededRandom(1) })
      const live = createDealership({
        store: liveStore,
        clock,
        random: seededRandom(2),
        checkpoints: liveStore.checkpoints,
        reconnect: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 5, maxDelayMs: 50 },
        logger,
        onProcessFailure: (error) => failures.push(error),
      })
      await live.start()

      const waitingOnLock = async () =>
        (
          await admin.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [liveName],
          )
        ).rowCount ?? 0
      const until = async (condition: () => Promise<boolean>) => {
        for (;;) {
          if (failures.length > 0) throw failures[0]
          if (await condition()) return
          await sleep(10)
        }
      }
      const terminateLive = async () =>
        (
          await admin.query<{ n: number }>(
            `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
             FROM pg_stat_activity WHERE application_name = $1`,
            [liveName],
          )
        ).rows[0]!.n
      const enrolments = async (customerId: string) =>
        (
          await admin.query(
            `SELECT 1 FROM ${schema}.events WHERE stream_name = $1 AND type = 'MemberEnrolled'`,
            [`member-${customerId}`],
          )
        ).rowCount ?? 0

      const customers = Array.from({ length: 4 }, (_, i) => ({
        customerId: `buyer-${i}`,
        name: `买家${i}`,
        phone: `1380013800${i}`,
      }))
      let terminated = 0
      for (const [i, customer] of customers.entries()) {
        await writer.customerLifecycle(registerProspect(customer, mondayAt(i)))
        const locker = await admin.connect()
        const delivery = recordDelivery({ customerId: customer.customerId, at: mondayAt(i + 1) })
        try {
          if (i % 2 === 0) {
            // Before the delivery commits, the locker starts inserting the stream the enrolment will
            // create, so the enrolment's append waits for it. (Its transaction is younger than the
            // delivery's, so it hides no committed delivery from the readers.)
            beforeDeliveryCommits = async () => {
              await locker.query('BEGIN')
              await locker.query(
                `INSERT INTO ${schema}.streams (stream_name, version, last_hash) VALUES ($1, 0, '')`,
                [`member-${customer.customerId}`],
              )
            }
            await writer.customerLifecycle(delivery)
            beforeDeliveryCommits = null
          } else {
            // The process managers' reads wait for the locked log.
            await writer.customerLifecycle(delivery)
            await locker.query('BEGIN')
            await locker.query(`LOCK TABLE ${schema}.event_batches IN ACCESS EXCLUSIVE MODE`)
            await admin.query(`NOTIFY es_${schema}`)
          }
          await until(async () => (await waitingOnLock()) > 0)
          terminated += await terminateLive()
        } finally {
          await locker.query('ROLLBACK')
          locker.release()
        }
        await until(async () => (await enrolments(customer.customerId)) > 0)
      }
      await live.close()
      await writer.close()
      writerStore = liveStore = undefined

      expect(failures).toEqual([])
      expect(terminated).toBeGreaterThanOrEqual(customers.length)
      // Both kinds of cut were retried: appends whose connection was lost, and reads.
      const retried = warnings.map((w) => String((w.error as Error).message))
      expect(retried.some((m) => m.includes('the connection was lost'))).toBe(true)
      expect(retried.some((m) => m.startsWith('reading the log failed'))).toBe(true)
      for (const customer of customers) expect(await enrolments(customer.customerId)).toBe(1)
      // No command of a process manager was appended twice.
      const repeated = await admin.query(
        `SELECT command_id, type FROM ${schema}.events WHERE actor_role = 'process-manager'
         GROUP BY command_id, type HAVING count(*) > 1`,
      )
      expect(repeated.rows).toEqual([])
      // The checkpoint of the enrolling process manager is past the last delivery.
      const delivered = await admin.query<{ p: string }>(
        `SELECT max(position)::text AS p FROM ${schema}.events WHERE type = 'VehicleDelivered'`,
      )
      const checkpoint = await admin.query<{ position: string }>(
        `SELECT position::text AS position FROM ${schema}.checkpoints WHERE name = 'process:delivery-membership'`,
      )
      expect(BigInt(checkpoint.rows[0]!.position)).toBe(BigInt(delivered.rows[0]!.p) + 1n)
    } finally {
      await liveStore?.close()
      await writerStore?.close()
      await livePool.end()
      await dropSchema(admin, schema)
      await admin.end()
    }
  })
})

describe('live process managers after transient failures (in memory)', () => {
  it('an event delivered again repeats no command and no report of a refusal', async () => {
    const told: ProcessRejection[] = []
    const saved = inMemoryCheckpointStore()
    let failSaves = 4
    const clock = manualClock(mondayAt(0))
    const dealership = createDealership({
      clock,
      random: seededRandom(5),
      onRejection: (r) => told.push(r),
      // The first saves of checkpoints fail as a lost connection would: each event is handled again.
      checkpoints: {
        ...saved,
        save: async (name, checkpoint) => {
          if (failSaves-- > 0)
            throw new StoreError('saving a checkpoint: connection lost', { transient: true })
          await saved.save(name, checkpoint)
        },
      },
      reconnect: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 1, maxDelayMs: 4 },
      policies: {
        processes: {
          ...defaultProcessPolicy,
          membership: { ...defaultProcessPolicy.membership, enrolOnDelivery: false, enrolWhenEarning: false },
        },
      },
    })
    await dealership.start()
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    const late = (hours: number) => mondayAt(hours + 13)
    for (const step of complaintSteps(late, 200)) await dealership.complaintWorkflow(step)
    // Settled when each process manager's checkpoint is past the last event it handles.
    const settled = async () => {
      const events = await collect(dealership.store.readAll())
      for (const pm of dealershipProcessManagers(dealership.policies)) {
        const last = events.filter((e) => (pm.handles as ReadonlyArray<string>).includes(e.type)).at(-1)
        if (last === undefined) continue
        if ((await saved.load(`process:${pm.name}`))?.position !== last.metadata.globalPosition + 1n)
          return false
      }
      return true
    }
    while (!(await settled())) await sleep(5)
    expect(failSaves).toBeLessThan(0) // every failure happened: events were handled again
    await dealership.close()
    expect(told.map((r) => [r.processManager, r.commandType, r.code]).sort()).toEqual([
      ['complaint-touchpoint', 'PlanTouchpoint', 'QuietHours'],
      ['loyalty-earnings', 'AwardPoints', 'NotAMember'],
    ])
  })
})
