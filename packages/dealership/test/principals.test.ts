import { DomainRejectedError, manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  ActorMismatchError,
  createDealership,
  createInMemoryDealershipStore,
  type DealershipStore,
  type Principal,
  RoleNotHeldError,
} from '../src/index.js'
import {
  complaintId,
  complaintSteps,
  liSi,
  mondayAt,
  recordDelivery,
  referralSteps,
  registerProspect,
  zhangSan,
} from './fixtures.js'

const wang: Principal = { id: 'consultant-wang', roles: ['sales-consultant'] }

const countEvents = async (store: DealershipStore) => {
  let n = 0
  for await (const _ of store.readAll()) n++
  return n
}

const setUp = () => {
  const clock = manualClock(mondayAt(0))
  const store = createInMemoryDealershipStore({ clock })
  const dealership = createDealership({ store, clock, random: seededRandom(3) })
  return { clock, store, dealership }
}

/** The command without its actor field: the facade fills it from the principal. */
const withoutActor = <C extends { data: Record<string, unknown> }>(command: C, field = 'by'): C => {
  const { [field]: _, ...data } = command.data
  return { ...command, data }
}

describe('the actor of a command is the principal', () => {
  it('fills the actor from the principal, in the event and its metadata', async () => {
    const { dealership } = setUp()
    const result = await dealership
      .as(wang)
      .customerLifecycle(withoutActor(registerProspect(zhangSan, mondayAt(0))))
    const [event] = result.events
    expect(event?.data).toMatchObject({ by: { id: 'consultant-wang', role: 'sales-consultant' } })
    expect(event?.metadata.actor).toEqual({ id: 'consultant-wang', role: 'sales-consultant' })
    await dealership.close()
  })

  it('refuses a command whose body names another actor, writing nothing', async () => {
    const { dealership, store } = setUp()
    const mallory: Principal = { id: 'consultant-ma', roles: ['sales-consultant'] }
    const refused = dealership.as(mallory).customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await expect(refused).rejects.toBeInstanceOf(ActorMismatchError)
    await expect(refused).rejects.toMatchObject({ code: 'ActorMismatch', path: 'data.by.id' })
    const asValue = await dealership
      .as(mallory)
      .send('customer-lifecycle', registerProspect(zhangSan, mondayAt(0)))
    expect(asValue).toMatchObject({ _tag: 'Left', left: { code: 'ActorMismatch' } })
    expect(await countEvents(store)).toBe(0)
    await dealership.close()
  })

  it('refuses another actor in the options, and the acting field of commands that do not call it `by`', async () => {
    const { dealership, store } = setUp()
    await expect(
      dealership.as(wang).customerLifecycle(withoutActor(registerProspect(zhangSan, mondayAt(0))), {
        actor: { id: 'someone-else', role: 'sales-consultant' },
      }),
    ).rejects.toMatchObject({ code: 'ActorMismatch', path: 'options.actor.id' })
    // RegisterReferral acts through `registeredBy` (the duty manager); `reportedBy` names the consultant.
    const [register] = referralSteps(mondayAt)
    await expect(
      dealership.as({ id: 'duty-manager-zhao', roles: ['duty-manager'] }).referralVerification(register),
    ).rejects.toMatchObject({ code: 'ActorMismatch', path: 'data.registeredBy.id' })
    expect(await countEvents(store)).toBe(0)
    await dealership.close()
  })

  it('refuses a role the principal does not hold, and a principal with no role of the domain', async () => {
    const { dealership, store } = setUp()
    const asManager = registerProspect(zhangSan, mondayAt(0))
    const refused = dealership.as(wang).customerLifecycle({
      ...asManager,
      data: { ...asManager.data, by: { id: wang.id, role: 'showroom-manager' } },
    })
    await expect(refused).rejects.toBeInstanceOf(RoleNotHeldError)
    await expect(refused).rejects.toMatchObject({ code: 'RoleNotHeld', role: 'showroom-manager' })
    await expect(
      dealership
        .as({ id: 'cashier-sun', roles: ['cashier'] })
        .customerLifecycle(withoutActor(registerProspect(zhangSan, mondayAt(0)))),
    ).rejects.toMatchObject({ code: 'RoleNotHeld', role: null, domain: 'customer-lifecycle' })
    expect(await countEvents(store)).toBe(0)
    await dealership.close()
  })

  it("lets the domain's role rules judge the principal's roles: who may verify a referral", async () => {
    const { dealership } = setUp()
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    const [register] = referralSteps(mondayAt)
    if (register === undefined) throw new Error('the fixture has a registration')
    // A sales consultant may not register a referral (docs/domain.md §2: the duty manager does).
    await expect(
      dealership.as(wang).referralVerification(withoutActor(register, 'registeredBy')),
    ).rejects.toMatchObject({ code: 'RoleNotAllowed' })
    const registered = await dealership
      .as({ id: 'duty-manager-liu', roles: ['duty-manager'] })
      .referralVerification(withoutActor(register, 'registeredBy'))
    expect(registered.events[0]?.data).toMatchObject({
      registeredBy: { id: 'duty-manager-liu', role: 'duty-manager' },
    })
    await dealership.close()
  })

  it("checks compensation approval tiers against the principal's roles", async () => {
    const { dealership } = setUp()
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    const steps = complaintSteps(mondayAt, 500).slice(0, 5)
    const voucher = { compensation: [{ kind: 'service-voucher', amount: 300_000 }], explanations: [] }
    for (const step of steps)
      await dealership.complaintWorkflow(
        step.type === 'ProposeResolution' ? { ...step, data: { ...step.data, ...voucher } } : step,
      )
    const approve = { type: 'ApproveResolution', data: { complaintId, at: mondayAt(77) } }
    // ¥3,000 needs the after-sales director: the service manager's role is below that tier.
    const serviceManager: Principal = { id: 'manager-li', roles: ['service-manager'] }
    const tooLow = dealership.as(serviceManager).complaintWorkflow(approve)
    await expect(tooLow).rejects.toBeInstanceOf(DomainRejectedError)
    await expect(tooLow).rejects.toMatchObject({ code: 'ApproverRoleTooLow' })
    // Naming a higher role does not lend it.
    await expect(
      dealership.as(serviceManager).complaintWorkflow({
        ...approve,
        data: { ...approve.data, by: { id: 'manager-li', role: 'after-sales-director' } },
      }),
    ).rejects.toMatchObject({ code: 'RoleNotHeld' })
    // A principal who holds both roles names the one they act in.
    const director: Principal = { id: 'director-gao', roles: ['service-manager', 'after-sales-director'] }
    const approved = await dealership.as(director).complaintWorkflow({
      ...approve,
      data: { ...approve.data, by: { id: 'director-gao', role: 'after-sales-director' } },
    })
    expect(approved.events.map((e) => e.type)).toEqual(['ResolutionApproved'])
    await dealership.close()
  })

  it('acts on a member card only in a role loyalty declares: a cashier suspends, call-back staff may not', async () => {
    const { dealership } = setUp()
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    await dealership.runProcessManagers()
    const suspend = {
      type: 'SuspendMember',
      data: { memberId: zhangSan.customerId, reason: 'card reported lost', at: mondayAt(3) },
    }
    await expect(
      dealership.as({ id: 'call-back-zhou', roles: ['call-back-staff'] }).loyaltyPoints(suspend),
    ).rejects.toMatchObject({ code: 'RoleNotHeld', role: null, domain: 'loyalty-points' })
    const suspended = await dealership.as({ id: 'cashier-sun', roles: ['cashier'] }).loyaltyPoints(suspend)
    expect(suspended.events[0]).toMatchObject({
      type: 'MemberSuspended',
      data: { by: { id: 'cashier-sun', role: 'cashier' } },
    })
    await dealership.close()
  })

  it('lets the process managers act as the system principal, keeping the actor the triggering event recorded', async () => {
    const { dealership } = setUp()
    const acting = dealership.as(wang)
    await acting.customerLifecycle(withoutActor(registerProspect(zhangSan, mondayAt(0))))
    await acting.customerLifecycle(withoutActor(recordDelivery()))
    const run = await dealership.runProcessManagers()
    expect(run.rejections).toEqual([])
    const enrolled: unknown[] = []
    for await (const e of dealership.store.readStream(`member-${zhangSan.customerId}`)) enrolled.push(e)
    // The delivering consultant enrols the buyer (loyalty-points roles); the process is the metadata actor.
    expect(enrolled[0]).toMatchObject({
      type: 'MemberEnrolled',
      data: { by: { id: 'consultant-wang', role: 'sales-consultant' } },
      metadata: { actor: { id: 'delivery-membership' } },
    })
    await dealership.close()
  })
})
