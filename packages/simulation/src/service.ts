import { maybeComplainAfterVisit } from './complaints.js'
import { contact } from './contact.js'
import { mileageAt } from './customers.js'
import { earnForSpend, refund } from './loyalty.js'
import { callBackStaff, customerManagers, serviceAdvisors } from './staff.js'
import { DAY, iso, midnightOf } from './time.js'
import {
  attempt,
  chance,
  during,
  type OwnedVehicle,
  oneIn,
  type Sim,
  type SimCustomer,
  willingness,
} from './world.js'

// Service reception (docs/domain.md §1): visits with mileage and rework, the maintenance reminders that
// bring owners back, and the satisfaction call after a visit (seed 001).

/** The owner's service interval: the brand's 10,000 km at their pace, or 180 days if sooner. */
const intervalDays = (c: SimCustomer): number => Math.min(180, Math.round(10_000 / c.paceKm))

/** A business moment (09:00–17:00 China time) on the day of `ms`. */
const businessMomentAround = (sim: Sim, ms: number): number => during(sim, midnightOf(ms), 9, 17)

/**
 * One service cycle of a car: a reminder ten days before it is due (within the simulated period),
 * then, around the due date, the owner comes back — or does not, as their willingness says; a missed
 * visit is tried again a few months later, with less chance each time.
 */
export const planServiceCycle = (sim: Sim, c: SimCustomer, v: OwnedVehicle, from: number, misses = 0) => {
  const due = from + intervalDays(c) * DAY
  const nudge = { value: 1 }
  const cycle = misses === 0 ? ++v.cycle : v.cycle
  const current = () => v.cycle === cycle && c.vehicles.includes(v)
  if (misses === 0 && due - 10 * DAY >= sim.start)
    sim.agenda.plan(businessMomentAround(sim, due - 10 * DAY), async () => {
      if (current()) await remind(sim, c, nudge)
    })
  const comes = due + sim.random.int(-7, 14) * DAY
  sim.agenda.plan(businessMomentAround(sim, comes), async () => {
    if (!current()) return
    if (chance(sim, Math.min(0.98, willingness(c, comes) * nudge.value * 0.5 ** misses)))
      await visit(sim, c, v)
    else planServiceCycle(sim, c, v, comes + sim.random.int(30, 90) * DAY - intervalDays(c) * DAY, misses + 1)
  })
}

/** The maintenance reminder (保养提醒): service-necessary contact, unless the owner opted out of it. */
const remind = async (sim: Sim, c: SimCustomer, nudge: { value: number }) => {
  const manager = sim.random.pick(customerManagers)
  await contact(
    sim,
    c,
    'maintenance-reminder',
    businessMomentAround(sim, sim.clock.now().getTime() + 2 * DAY),
    manager,
    () => {
      const r = sim.random.next()
      return r < 0.2 ? 'appointment-booked' : r < 0.75 ? 'reached' : 'not-reached'
    },
    async (outcome) => {
      nudge.value = outcome === 'appointment-booked' ? 1.2 : outcome === 'reached' ? 1.08 : 1
    },
  )
}

/** A service visit: repair order, odometer, rework flag, the bill; points for members; a survey call. */
export const visit = async (sim: Sim, c: SimCustomer, v: OwnedVehicle, rework = false): Promise<void> => {
  const at = sim.clock.now().getTime()
  const km = mileageAt(sim, c, v, at)
  const repairOrder = `RO-${String(++sim.world.serial.repairOrder).padStart(6, '0')}`
  const amountFen = rework ? 0 : sim.random.int(300, 2_500) * 100
  const advisor = sim.random.pick(serviceAdvisors)
  const done = await attempt(sim, () =>
    sim.dealership.customerLifecycle(
      {
        type: 'RecordServiceVisit',
        data: {
          customerId: c.id,
          at: iso(at),
          by: advisor,
          vin: v.car.vin,
          repairOrderNumber: repairOrder,
          mileageKm: km,
          rework,
          amountFen,
        },
      },
      { actor: advisor, correlationId: repairOrder },
    ),
  )
  if (done === null) return
  v.mileageKm = km
  v.mileageAt = at
  v.lastVisitAt = at
  c.spentFen += amountFen
  if (amountFen > 0) {
    c.repairOrders.push({ id: repairOrder, amountFen, at })
    await earnForSpend(sim, c, 'repair-order', repairOrder, amountFen)
    // One invoice in seventy is wrong, cancelled and reissued: the points it earned are taken back (§4, §5).
    if (at >= sim.start && oneIn(sim, 'invoice-refund', 70))
      sim.agenda.plan(businessMomentAround(sim, at + sim.random.int(3, 20) * DAY), async () => {
        await refund(sim, c, 'repair-order', repairOrder, 'invoice cancelled: billing error')
      })
  }
  await maybeComplainAfterVisit(sim, c, v, repairOrder, rework)
  if (rework) return
  // 返修: a repeat repair a few days later, a quality signal (docs/domain.md §1 service reception).
  if (chance(sim, 0.045))
    sim.agenda.plan(businessMomentAround(sim, at + sim.random.int(3, 10) * DAY), () => visit(sim, c, v, true))
  if (at >= sim.start) await surveyAfter(sim, c, at, rework)
  planServiceCycle(sim, c, v, at)
}

/** The call after a visit (定期回访, a survey): satisfaction = the score against the expectation (seed 001). */
const surveyAfter = async (sim: Sim, c: SimCustomer, at: number, rework: boolean) => {
  const caller = sim.random.pick(callBackStaff)
  await contact(
    sim,
    c,
    'periodic-call-back',
    businessMomentAround(sim, at + 2 * DAY),
    caller,
    () => (chance(sim, 0.72) ? 'reached' : 'not-reached'),
    async (outcome, planned) => {
      if (outcome !== 'reached') return
      const expectation = sim.random.int(6, 9)
      const score = Math.max(1, Math.min(10, expectation + sim.random.int(rework ? -3 : -1, rework ? 0 : 2)))
      await attempt(sim, () =>
        sim.dealership.customerLifecycle(
          {
            type: 'RecordSatisfaction',
            data: {
              customerId: c.id,
              surveyId: `survey-${String(++sim.world.serial.survey).padStart(6, '0')}`,
              at: iso(sim.clock.now().getTime()),
              by: caller,
              touchpointId: planned.touchpointId,
              channel: planned.channel,
              expectation,
              score,
            },
          },
          { actor: caller },
        ),
      )
    },
  )
}
