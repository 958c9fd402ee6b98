import {
  createInMemoryReadModelStore,
  manualClock,
  type ReadModelStore,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { createPostgresEventStore } from '@dealer-crm/store-postgres'
import { describe, expect, it } from 'vitest'
import { dropSchema, freshSchema, serverAvailable, testPool } from '../../store-postgres/test/database.js'
import {
  createDealership,
  createInMemoryDealershipStore,
  type Dealership,
  type DealershipStore,
  dealershipRegistry,
} from '../src/index.js'
import {
  advisor,
  liSi,
  mondayAt,
  phoneHash,
  recordDelivery,
  referralSteps,
  registerProspect,
  zhangSan,
} from './fixtures.js'

// Issue #20: the facade supplies the facts a command needs from other streams, so a caller cannot
// switch a rule off by leaving one out, and a fact that disagrees with the store is refused.

const countEvents = async (store: DealershipStore) => {
  let n = 0
  for await (const _ of store.readAll()) n++
  return n
}

const setUp = async (readModels?: ReadModelStore) => {
  const clock = manualClock(mondayAt(0))
  const store = createInMemoryDealershipStore({ clock })
  const dealership = createDealership({
    store,
    clock,
    random: seededRandom(3),
    ...(readModels === undefined ? {} : { readModels }),
  })
  await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
  await dealership.customerLifecycle(recordDelivery())
  await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
  return { store, dealership }
}

/** The registration of the fixtures, as `referralId`, without the facts (or with those given). */
const registration = (referralId: string, facts: Record<string, unknown> = {}) => {
  const {
    refereeDeliveredAt: _d,
    refereeLiveReferralId: _l,
    ...data
  } = (referralSteps(mondayAt)[0] as { data: Record<string, unknown> }).data
  return { type: 'RegisterReferral', data: { ...data, referralId, ...facts } }
}

const complaint = (complaintId: string, hours: number, facts: Record<string, unknown> = {}) => ({
  type: 'ReceiveComplaint',
  data: {
    complaintId,
    customerId: zhangSan.customerId,
    channel: 'phone',
    account: 'The noise is back after the repair',
    remedySought: 'Fix it',
    vehicleId: null,
    repairOrderId: null,
    owner: advisor.id,
    severity: 'general',
    safetyRelated: false,
    by: advisor,
    at: mondayAt(hours),
    ...facts,
  },
})

const received = async (dealership: Dealership, complaintId: string) =>
  (await dealership.readModel('complaintTimelines')).get(complaintId)

describe('cross-stream facts come from the store, not from the caller', () => {
  it('a second registration of the same referee is refused although the caller named no live referral', async () => {
    const { dealership, store } = await setUp()
    await dealership.referralVerification(registration('ref-a'))
    const before = await countEvents(store)
    await expect(dealership.referralVerification(registration('ref-b'))).rejects.toMatchObject({
      code: 'RefereeAlreadyReferred',
    })
    expect(await countEvents(store)).toBe(before)
  })

  it('a caller who says "no live referral" when there is one gets FactMismatch and nothing is written', async () => {
    const { dealership, store } = await setUp()
    await dealership.referralVerification(registration('ref-a'))
    const before = await countEvents(store)
    await expect(
      dealership.referralVerification(registration('ref-b', { refereeLiveReferralId: null })),
    ).rejects.toMatchObject({ code: 'FactMismatch', field: 'refereeLiveReferralId', expected: 'ref-a' })
    expect(await countEvents(store)).toBe(before)
  })

  it('a caller may name the referral itself as the live one: it blocks nothing, as null', async () => {
    const { dealership } = await setUp()
    const result = await dealership.referralVerification(
      registration('ref-a', { refereeLiveReferralId: 'ref-a' }),
    )
    expect(result.events.map((e) => e.type)).toEqual(['ReferralRegistered'])
  })

  it('a claim raised after the referee took delivery of the claimed car is a late claim, fact or not', async () => {
    const { dealership } = await setUp()
    await dealership.customerLifecycle(
      recordDelivery({
        customerId: liSi.customerId,
        vin: 'LSVAU2180N2000002',
        model: liSi.purchase.model,
        colour: liSi.purchase.colour,
        at: mondayAt(20),
      }),
    )
    const result = await dealership.referralVerification(registration('ref-late'))
    expect(result.events.map((e) => e.type)).toEqual(['LateClaimRejected'])
    await expect(
      dealership.referralVerification(registration('ref-late-2', { refereeDeliveredAt: null })),
    ).rejects.toMatchObject({ code: 'FactMismatch', field: 'refereeDeliveredAt' })
  })

  it('prior complaints are counted from the log; a wrong count is refused', async () => {
    const { dealership, store } = await setUp()
    await dealership.complaintWorkflow(complaint('cmp-1', 10))
    await dealership.complaintWorkflow(complaint('cmp-2', 20))
    const before = await countEvents(store)
    await expect(
      dealership.complaintWorkflow(
        complaint('cmp-3', 30, { priorComplaints: { count: 0, lastReceivedAt: null } }),
      ),
    ).rejects.toMatchObject({ code: 'FactMismatch', field: 'priorComplaints' })
    expect(await countEvents(store)).toBe(before)
    // The same fact written in China time is the same fact.
    const last = new Date(Date.parse(mondayAt(20)) + 8 * 3_600_000).toISOString().slice(0, 23)
    await dealership.complaintWorkflow(
      complaint('cmp-3', 30, { priorComplaints: { count: 2, lastReceivedAt: `${last}+08:00` } }),
    )
    expect(await received(dealership, 'cmp-3')).toBeDefined()
  })

  it.each([
    ['folded in memory', undefined],
    ['persisted', createInMemoryReadModelStore()],
  ] as const)(
    'the referrer standing of a reward comes from the referrer ledger (%s)',
    async (_, readModels) => {
      const { dealership } = await setUp(readModels)
      const [register, ...rest] = referralSteps(mondayAt)
      const {
        refereeDeliveredAt: _d,
        refereeLiveReferralId: _l,
        ...data
      } = (register as { data: Record<string, unknown> }).data
      await dealership.referralVerification({ type: 'RegisterReferral', data })
      for (const step of rest) {
        if (step.type !== 'ReleaseReward') {
          await dealership.referralVerification(step)
          continue
        }
        const { referrerStanding: _s, ...reward } = step.data as Record<string, unknown>
        await expect(
          dealership.referralVerification({
            type: 'ReleaseReward',
            data: { ...reward, referrerStanding: { successfulReferralsBefore: 3, blocked: false } },
          }),
        ).rejects.toMatchObject({ code: 'FactMismatch', field: 'referrerStanding' })
        const released = await dealership.referralVerification({ type: 'ReleaseReward', data: reward })
        expect(released.events.map((e) => e.type)).toContain('RewardReleased')
      }
      // With persisted read models the standing was looked up there: the ledger is live.
      if (readModels !== undefined)
        expect(await readModels.live('referral-verification.referrer-ledger')).not.toBeNull()
    },
  )
})

const pgAvailable = await serverAvailable()

describe('one live referral per referee, under concurrency', () => {
  it.skipIf(!pgAvailable)(
    'two facades over one PostgreSQL store register the same referee at once: exactly one succeeds',
    async () => {
      const pool = testPool(8)
      const schema = freshSchema('reserve')
      try {
        for (let round = 0; round < 5; round++) {
          const roundSchema = `${schema}_${round}`
          const open = async () => {
            const clock = manualClock(mondayAt(0))
            const store = await createPostgresEventStore({
              pool,
              schema: roundSchema,
              registry: dealershipRegistry,
            })
            return createDealership({ store, clock, random: seededRandom(round) })
          }
          const first = await open()
          await first.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
          await first.customerLifecycle(recordDelivery())
          await first.customerLifecycle(registerProspect(liSi, mondayAt(2)))
          const second = await open()
          const outcomes = await Promise.allSettled([
            first.referralVerification(registration(`ref-${round}-a`)),
            second.referralVerification(registration(`ref-${round}-b`)),
          ])
          const refused = outcomes.filter((o) => o.status === 'rejected')
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
          expect(refused).toHaveLength(1)
          expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
            code: 'RefereeAlreadyReferred',
          })
          const referee = (await first.readModel('refereeReferrals')).byPhoneHash[phoneHash(liSi.phone)]
          expect(referee).toMatch(new RegExp(`^ref-${round}-[ab]$`))
          await dropSchema(pool, roundSchema)
        }
      } finally {
        await pool.end()
      }
    },
  )
})
