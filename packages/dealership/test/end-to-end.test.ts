import {
  CommandValidationError,
  inMemoryCheckpointStore,
  manualClock,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { createDealership, createInMemoryDealershipStore, type DealershipStore } from '../src/index.js'
import {
  complaintId,
  complaintSteps,
  liSi,
  mondayAt,
  recordDelivery,
  referralId,
  referralSteps,
  registerProspect,
  zhangSan,
} from './fixtures.js'

const countEvents = async (store: DealershipStore) => {
  let n = 0
  for await (const _ of store.readAll()) n++
  return n
}

const referralPoints = 5_000
const goodwillPoints = 500

describe('the whole dealership through the facade', () => {
  it('delivery → owner and member; verified referral → points once; goodwill → points; the 360 shows it all', async () => {
    const clock = manualClock(mondayAt(0))
    const store = createInMemoryDealershipStore({ clock })
    const dealership = createDealership({ store, clock, random: seededRandom(7) })

    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    for (const step of referralSteps(mondayAt)) await dealership.referralVerification(step)

    const first = await dealership.runProcessManagers()
    expect(first.rejections).toEqual([])

    for (const step of complaintSteps(mondayAt, goodwillPoints)) await dealership.complaintWorkflow(step)
    const second = await dealership.runProcessManagers()
    expect(second.rejections).toEqual([])

    clock.set(mondayAt(80))
    const view = await dealership.customer360(zhangSan.customerId)
    expect(view?.stage).toBe('owner')
    expect(view?.segment.referralPotential).toBe('high')
    expect(view?.vehicles.map((v) => v.vin)).toEqual([zhangSan.vin])
    expect(view?.membership).toMatchObject({
      memberId: zhangSan.customerId,
      status: 'active',
      level: 'standard',
      balance: referralPoints + goodwillPoints,
    })
    expect(view?.referralsMade).toMatchObject([
      { referralId, refereeId: liSi.customerId, outcome: 'verified', rewardStatus: 'released' },
    ])
    expect(view?.openComplaints.map((c) => c.complaintId)).toEqual([complaintId])
    expect(view?.openComplaints[0]?.clocks.map((c) => c.clock)).toEqual([
      'response',
      'investigation',
      'resolution',
    ])
    expect(view?.recentTouchpoints).toMatchObject([
      { touchpointId: `complaint-${complaintId}`, status: 'done', outcome: 'complaint-raised' },
    ])

    // The process managers' commands carry their cause: the audit trail links each to its event.
    const enrolled = []
    for await (const e of store.readStream(`member-${zhangSan.customerId}`)) enrolled.push(e)
    expect(enrolled.map((e) => e.type)).toEqual(['MemberEnrolled', 'PointsEarned', 'PointsEarned'])
    expect(enrolled.every((e) => e.metadata.actor?.role === 'process-manager')).toBe(true)
    expect(enrolled.every((e) => e.metadata.causationId !== null)).toBe(true)

    // A checkpoint lost: the process managers run again from the start and change nothing.
    const before = await countEvents(store)
    const again = createDealership({
      store,
      clock,
      random: seededRandom(7),
      checkpoints: inMemoryCheckpointStore(),
    })
    const rerun = await again.runProcessManagers()
    expect(rerun.rejections).toEqual([])
    expect(await countEvents(store)).toBe(before)
    expect((await again.customer360(zhangSan.customerId))?.membership?.balance).toBe(
      referralPoints + goodwillPoints,
    )

    // Running once more with the checkpoint kept only moves over what the second run's commands
    // appended (the managers skip to the head); a fourth run then has nothing at all to read.
    const third = await dealership.runProcessManagers()
    expect(third.rejections).toEqual([])
    for (const [name, position] of Object.entries(third.positions))
      expect(position).toBeGreaterThanOrEqual(second.positions[name] as bigint)
    expect((await dealership.runProcessManagers()).positions).toEqual(third.positions)
    await dealership.close()
  })

  it('refuses bad input at the field path and writes nothing', async () => {
    const clock = manualClock(mondayAt(0))
    const dealership = createDealership({ clock, random: seededRandom(1) })
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    const before = await countEvents(dealership.store)

    const badVin = dealership.customerLifecycle(recordDelivery({ vin: 'NOT-A-VIN' }))
    await expect(badVin).rejects.toBeInstanceOf(CommandValidationError)
    await expect(badVin).rejects.toMatchObject({ errors: [{ path: 'data.vin' }] })

    const badPoints = dealership.loyaltyPoints({
      type: 'AwardPoints',
      data: {
        memberId: 'm-1',
        document: { category: 'goodwill', documentId: 'x' },
        points: -5,
        at: '2026-03-02T01:00:00Z',
        by: { id: 'a', role: 'cashier' },
      },
    })
    await expect(badPoints).rejects.toMatchObject({
      code: 'CommandValidationError',
      errors: [{ path: 'data.points' }],
    })

    const badReferral = dealership.referralVerification({
      type: 'ScreenReferral',
      data: {
        referralId,
        by: { id: 'x', role: 'janitor' },
        ownersReferral: true,
        referrerHelped: true,
        at: mondayAt(1),
      },
    })
    await expect(badReferral).rejects.toMatchObject({ code: 'CommandValidationError' })
    await expect(badReferral).rejects.toThrow(/data\.by\.role/)

    const badComplaint = dealership.complaintWorkflow({ type: 'AcknowledgeComplaint', data: { complaintId } })
    await expect(badComplaint).rejects.toThrow(/data\.by/)

    await expect(
      dealership.loyaltyPoints({
        type: 'ResumeMember',
        data: { memberId: '', at: '2026-03-02T09:00:00+08:00', by: { id: 'cashier-yang', role: 'cashier' } },
      }),
    ).rejects.toMatchObject({ errors: [{ path: 'data.memberId' }] })
    expect(await countEvents(dealership.store)).toBe(before)
    await dealership.close()
  })
})

describe('a referral closed after manual review', () => {
  it('shows as review-closed in the referrer’s customer 360, not as inconclusive', async () => {
    const clock = manualClock(mondayAt(0))
    const store = createInMemoryDealershipStore({ clock })
    const dealership = createDealership({ store, clock, random: seededRandom(7) })
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    // Registration, screening, delivery check and the scheduled call-back; nobody answers.
    for (const step of referralSteps(mondayAt).slice(0, 4)) await dealership.referralVerification(step)
    const verifier = { id: 'call-back-zhou', role: 'call-back-staff' }
    for (let attempt = 0; attempt < 3; attempt++)
      await dealership.referralVerification({
        type: 'RecordCallBackUnreachable',
        data: { referralId, verifier, at: mondayAt(50 + attempt) },
      })
    clock.set(mondayAt(60))
    expect((await dealership.customer360(zhangSan.customerId))?.referralsMade).toMatchObject([
      { referralId, outcome: 'inconclusive' },
    ])
    await dealership.referralVerification({
      type: 'CloseManualReview',
      data: {
        referralId,
        by: { id: 'showroom-manager-chen', role: 'showroom-manager' },
        reason: 'Neither party could be reached in a week; not verified',
        at: mondayAt(61),
      },
    })
    clock.set(mondayAt(62))
    expect((await dealership.customer360(zhangSan.customerId))?.referralsMade).toMatchObject([
      { referralId, outcome: 'review-closed', rewardStatus: 'none' },
    ])
    await dealership.close()
  })
})
