import { type Car, car, identity } from './people.js'
import { salesConsultants } from './staff.js'
import { DAY, iso } from './time.js'
import {
  attempt,
  chance,
  now,
  type OwnedVehicle,
  type ProspectSource,
  type Sim,
  type SimCustomer,
} from './world.js'

// Prospects and deliveries (docs/domain.md §1 stages 1–2), written through the lifecycle's commands.

/** Faithful, wavering, or never coming back after the sale: how likely a due service brings them in. */
const drawReturnChance = (sim: Sim): number => {
  const r = sim.random.next()
  return r < 0.65 ? 0.95 : r < 0.95 ? 0.72 : 0.03
}

/** Kilometres a day, mostly 20–70 (a 10,000 km interval then comes every 5–16 months). */
const drawPace = (sim: Sim): number => Math.round(20 + sim.random.next() * 35 + sim.random.next() * 20)

/** A new customer of the world (not yet known to the dealership). */
export const newCustomer = (sim: Sim, source: ProspectSource): SimCustomer => {
  const n = ++sim.world.serial.customer
  const customer: SimCustomer = {
    id: `c-${String(n).padStart(5, '0')}`,
    identity: identity(sim.random, n),
    source,
    returnChance: drawReturnChance(sim),
    defectsAt: Number.POSITIVE_INFINITY,
    paceKm: drawPace(sim),
    vehicles: [],
    marketing: new Set(),
    consultant: sim.random.pick(salesConsultants),
    vip: false,
    lastCareCallAt: Number.NEGATIVE_INFINITY,
    repairOrders: [],
    spentFen: 0,
    redemptions: 0,
    complaintsAt: [],
    exitedProgramme: false,
  }
  sim.world.customers.push(customer)
  sim.world.byId.set(customer.id, customer)
  return customer
}

/** docs/domain.md §1 stage 1: registered at the showroom, by phone, at an event or by referral. */
export const registerProspect = (sim: Sim, c: SimCustomer) =>
  attempt(sim, () =>
    sim.dealership.customerLifecycle(
      {
        type: 'RegisterProspect',
        data: {
          customerId: c.id,
          at: now(sim),
          by: c.consultant,
          source: c.source,
          kind: c.identity.kind,
          name: c.identity.name,
          phone: c.identity.phone,
          phoneHash: c.identity.phoneHash,
          birthday: c.identity.birthday,
        },
      },
      { actor: c.consultant },
    ),
  )

/** §5 Consent: opting in to marketing on a channel, with where it was given. */
export const grantMarketing = async (sim: Sim, c: SimCustomer, source: 'showroom-form' | 'wechat') => {
  for (const channel of ['sms', 'wechat', 'call'] as const) {
    const p = channel === 'sms' ? 0.6 : channel === 'wechat' ? 0.45 : 0.2
    if (!chance(sim, p)) continue
    const done = await attempt(sim, () =>
      sim.dealership.customerLifecycle(
        {
          type: 'GrantConsent',
          data: { customerId: c.id, at: now(sim), by: c.consultant, purpose: 'marketing', channel, source },
        },
        { actor: c.consultant },
      ),
    )
    if (done !== null) c.marketing.add(channel)
  }
}

/** docs/domain.md §1 stage 2: the delivery (提车) makes the customer an owner of the car. */
export const deliver = async (
  sim: Sim,
  c: SimCustomer,
  bought: Car = nextCar(sim),
): Promise<OwnedVehicle | null> => {
  const at = sim.clock.now().getTime()
  const done = await attempt(sim, () =>
    sim.dealership.customerLifecycle(
      {
        type: 'RecordDelivery',
        data: {
          customerId: c.id,
          at: iso(at),
          by: c.consultant,
          vin: bought.vin,
          model: bought.model,
          colour: bought.colour,
          plate: bought.plate,
          mileageKm: 10,
          previousOwnerId: null,
        },
      },
      { actor: c.consultant },
    ),
  )
  if (done === null) return null
  const vehicle: OwnedVehicle = {
    car: bought,
    deliveredAt: at,
    mileageKm: 10,
    mileageAt: at,
    lastVisitAt: null,
    cycle: 0,
  }
  // Three in ten owners take their car elsewhere some time after the first year or so (docs/domain.md §1 stage 7).
  if (c.vehicles.length === 0 && chance(sim, 0.3)) c.defectsAt = at + sim.random.int(150, 1000) * DAY
  c.vehicles.push(vehicle)
  return vehicle
}

/** The next car off the lot. */
export const nextCar = (sim: Sim): Car => car(sim.random, ++sim.world.serial.car)

/** The odometer today, at the owner's pace (with a little day-to-day noise). */
export const mileageAt = (sim: Sim, c: SimCustomer, v: OwnedVehicle, at: number): number => {
  const days = Math.max(0, (at - v.mileageAt) / DAY)
  return v.mileageKm + Math.round(days * c.paceKm * (0.85 + sim.random.next() * 0.3))
}
