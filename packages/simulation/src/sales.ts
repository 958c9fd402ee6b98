import { deliver, grantMarketing, newCustomer, registerProspect } from './customers.js'
import { earnForPurchase } from './loyalty.js'
import type { Car } from './people.js'
import { planServiceCycle } from './service.js'
import { customerManagers, showroomManager } from './staff.js'
import { DAY, midnightOf } from './time.js'
import {
  attempt,
  chance,
  during,
  now,
  nowMs,
  type OwnedVehicle,
  type ProspectSource,
  type Sim,
  type SimCustomer,
} from './world.js'

// The showroom (docs/domain.md §1 stages 1–2): prospects from the four sources, and the deliveries that
// make owners — both for the opening book of owners and for the year's new customers.

/** Where the year's prospects come from. */
const drawSource = (sim: Sim): ProspectSource => {
  const r = sim.random.next()
  return r < 0.42 ? 'showroom' : r < 0.65 ? 'phone' : r < 0.8 ? 'event' : 'referral'
}

/** The chance a prospect from each source buys. */
const buys: Readonly<Record<ProspectSource, number>> = {
  showroom: 0.5,
  phone: 0.35,
  event: 0.3,
  referral: 0.75,
}

const personalityTypes = ['expressive', 'driver', 'analytical', 'amiable'] as const

/** What follows a delivery: the customer manager, segmentation, points on the car, the first service cycle. */
export const afterDelivery = async (sim: Sim, c: SimCustomer, v: OwnedVehicle) => {
  const by = showroomManager
  const lifecycle = (input: unknown) =>
    attempt(sim, () => sim.dealership.customerLifecycle(input, { actor: by }))
  if (c.vehicles.length === 1) {
    // §1 one-to-one service: one customer manager for the vehicle's whole life.
    await lifecycle({
      type: 'AssignCustomerManager',
      data: { customerId: c.id, at: now(sim), by, managerId: sim.random.pick(customerManagers).id },
    })
    if (chance(sim, 0.4))
      await lifecycle({
        type: 'RecordPersonalityType',
        data: { customerId: c.id, at: now(sim), by, personalityType: sim.random.pick(personalityTypes) },
      })
    if (c.identity.kind === 'company')
      await lifecycle({
        type: 'SetAccountFlag',
        data: {
          customerId: c.id,
          at: now(sim),
          by,
          flag: 'big-account',
          value: true,
          reason: 'fleet purchase',
        },
      })
  }
  // The card is opened by the delivery-membership process manager; the points on the car follow
  // with the first week's paperwork, pending until the return window closes.
  sim.agenda.plan(during(sim, midnightOf(v.deliveredAt) + 8 * DAY, 9, 17), () =>
    earnForPurchase(sim, c, v.car.vin, v.car.priceFen).then(() => undefined),
  )
  planServiceCycle(sim, c, v, v.deliveredAt)
}

/** A prospect is registered and, with their consent, opts into marketing. */
export const welcome = async (sim: Sim, c: SimCustomer): Promise<boolean> => {
  if ((await registerProspect(sim, c)) === null) return false
  await grantMarketing(sim, c, c.source === 'event' ? 'wechat' : 'showroom-form')
  return true
}

/** A delivery, then what follows it. */
export const handOver = async (sim: Sim, c: SimCustomer, bought?: Car): Promise<OwnedVehicle | null> => {
  const v = await deliver(sim, c, bought)
  if (v !== null) await afterDelivery(sim, c, v)
  return v
}

/**
 * The opening book: owners who bought in the 30 months before the start, imported in time order with
 * their registrations and deliveries (their service history follows from their behaviour), so the
 * year begins with a base in every stage.
 */
export const planOpeningBook = (sim: Sim, owners: number) => {
  for (let i = 0; i < owners; i++) {
    const c = newCustomer(sim, drawSource(sim))
    const midnight = sim.start - sim.random.int(20, 900) * DAY
    const deliveredAt = during(sim, midnight, 9, 18)
    const registeredAt = during(sim, midnight - sim.random.int(3, 30) * DAY, 9, 18)
    sim.agenda.plan(registeredAt, async () => {
      if (await welcome(sim, c)) sim.agenda.plan(deliveredAt, () => handOver(sim, c).then(() => undefined))
    })
  }
}

/** Hooks for prospects of one source (the referral desk handles the referred ones). */
export type ReferredProspect = (sim: Sim, referee: SimCustomer, deliveryAt: number | null) => Promise<void>

/** The year's new prospects, spread over the period; some buy a few weeks later. */
export const planNewProspects = (sim: Sim, prospects: number, referred: ReferredProspect) => {
  const days = Math.round((sim.end - sim.start) / DAY)
  for (let i = 0; i < prospects; i++) {
    const source = drawSource(sim)
    const at = during(sim, sim.start + sim.random.int(0, days - 1) * DAY, 9, 19)
    sim.agenda.plan(at, async () => {
      const c = newCustomer(sim, source)
      if (!(await welcome(sim, c))) return
      const deliveryAt = chance(sim, buys[source])
        ? during(sim, midnightOf(nowMs(sim)) + sim.random.int(7, 45) * DAY, 9, 18)
        : null
      if (source === 'referral') await referred(sim, c, deliveryAt)
      else if (deliveryAt !== null) sim.agenda.plan(deliveryAt, () => handOver(sim, c).then(() => undefined))
    })
  }
}
