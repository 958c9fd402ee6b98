import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  createDealership,
  type DealershipPolicies,
  defaultProcessPolicy,
  type ProcessRejection,
} from '../src/index.js'
import {
  complaintId,
  complaintSteps,
  liSi,
  mondayAt,
  recordDelivery,
  referralId,
  referralSteps,
  registerProspect,
  showroomManager,
  zhangSan,
} from './fixtures.js'

const owner = async (policies: Partial<DealershipPolicies> = {}) => {
  const clock = manualClock(mondayAt(0))
  const dealership = createDealership({ clock, random: seededRandom(3), policies })
  await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
  await dealership.customerLifecycle(recordDelivery())
  return { clock, dealership }
}

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error('the condition never held')
}

describe('process managers', () => {
  it('a complaint of a severity named by the policy holds the customer at risk for a while', async () => {
    const { dealership } = await owner({
      processes: {
        ...defaultProcessPolicy,
        complaints: {
          ...defaultProcessPolicy.complaints,
          moveStage: { severities: ['general'], to: 'at-risk', forDays: 30 },
        },
      },
    })
    const [receive] = complaintSteps(mondayAt, 100)
    await dealership.complaintWorkflow(receive)
    expect((await dealership.runProcessManagers()).rejections).toEqual([])
    const profile = (await dealership.readModel('customerProfiles')).get(zhangSan.customerId)
    expect(profile?.stage).toBe('at-risk')
    expect(profile?.overriddenUntil).toBe(new Date(Date.parse(mondayAt(72)) + 30 * 86_400_000).toISOString())
    await dealership.close()
  })

  it('a referral reward clawed back is refunded from the referrer’s points', async () => {
    const { clock, dealership } = await owner()
    await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    for (const step of referralSteps(mondayAt)) await dealership.referralVerification(step)
    await dealership.runProcessManagers()
    await dealership.referralVerification({
      type: 'RecordSaleReturned',
      data: { referralId, by: showroomManager, outcome: 'returned', at: mondayAt(60) },
    })
    expect((await dealership.runProcessManagers()).rejections).toEqual([])
    clock.set(mondayAt(61))
    const view = await dealership.customer360(zhangSan.customerId)
    expect(view?.membership?.balance).toBe(0)
    expect(view?.referralsMade).toMatchObject([{ outcome: 'voided', rewardStatus: 'clawed-back' }])
    await dealership.close()
  })

  it('reports what a domain refuses instead of dropping it, and goes on', async () => {
    const told: ProcessRejection[] = []
    const clock = manualClock(mondayAt(0))
    const dealership = createDealership({
      clock,
      random: seededRandom(5),
      onRejection: (r) => told.push(r),
      policies: {
        processes: {
          ...defaultProcessPolicy,
          membership: { ...defaultProcessPolicy.membership, enrolOnDelivery: false, enrolWhenEarning: false },
        },
      },
    })
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    // Received at 22:00 China time: the lifecycle does not contact customers in the quiet hours.
    const late = (hours: number) => mondayAt(hours + 13)
    for (const step of complaintSteps(late, 200)) await dealership.complaintWorkflow(step)
    const run = await dealership.runProcessManagers()
    expect(run.rejections.map((r) => [r.processManager, r.commandType, r.code])).toEqual([
      ['loyalty-earnings', 'AwardPoints', 'NotAMember'],
      ['complaint-touchpoint', 'PlanTouchpoint', 'QuietHours'],
      // …and once only: the outcome that had no touchpoint to close is not reported again.
    ])
    expect(told).toEqual(run.rejections)
    expect(dealership.rejections()).toEqual(run.rejections)
    expect((await dealership.customer360(zhangSan.customerId))?.membership).toBeNull()
    await dealership.close()
  })

  it('runs live after start(): a delivery enrols the buyer as it is recorded', async () => {
    const clock = manualClock(mondayAt(0))
    const dealership = createDealership({ clock, random: seededRandom(9) })
    await dealership.start()
    await expect(dealership.runProcessManagers()).rejects.toThrow(/running live/)
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    await until(async () => (await dealership.readModel('memberLedgers')).has(zhangSan.customerId))
    expect((await dealership.customer360(zhangSan.customerId))?.membership?.cardNumber).toBe(
      `card-${zhangSan.customerId}`,
    )
    await dealership.close()
  })
})

describe('queries', () => {
  it('serves the domains’ own read models and the call-back draw', async () => {
    const { dealership } = await owner()
    await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    const [register, screen, check] = referralSteps(mondayAt)
    for (const step of [register, screen, check]) await dealership.referralVerification(step)
    const draw = await dealership.drawCallBack(referralId)
    expect(draw?.questions.length).toBeGreaterThanOrEqual(3)
    expect(await dealership.drawCallBack('no-such-referral')).toBeNull()
    expect(Object.keys((await dealership.readModel('callBackQueue')).parties)).toEqual([referralId])
    const [receive] = complaintSteps(mondayAt, 100)
    await dealership.complaintWorkflow(receive)
    expect([...(await dealership.readModel('slaBoard')).keys()]).toEqual([complaintId])
    await dealership.close()
  })

  it('a domain’s refusal reaches the caller as a DomainRejectedError with its code', async () => {
    const { dealership } = await owner()
    await expect(dealership.customerLifecycle(recordDelivery({ at: mondayAt(3) }))).rejects.toMatchObject({
      name: 'DomainRejectedError',
      code: 'VehicleAlreadyOwned',
    })
    await dealership.close()
  })
})
