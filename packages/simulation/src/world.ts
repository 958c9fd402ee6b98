import type { Dealership } from '@dealer-crm/dealership'
import { isDomainRejectedError, type ManualClock, type Random } from '@dealer-crm/eventsourcing'
import type { Agenda } from './agenda.js'
import type { Car, Identity } from './people.js'
import type { StaffMember } from './staff.js'
import { chinaHour, DAY, iso, midnightOf } from './time.js'
import type { Views } from './views.js'

export type ProspectSource = 'showroom' | 'phone' | 'event' | 'referral'

/** A car a simulated customer owns, with what the simulator knows of its use. */
export interface OwnedVehicle {
  readonly car: Car
  readonly deliveredAt: number
  mileageKm: number
  mileageAt: number
  lastVisitAt: number | null
  /** The current service cycle: a cycle planned before the latest visit is stale and does nothing. */
  cycle: number
}

/**
 * A simulated customer: who they are and how they behave. Behaviour (return chance, pace) drives what
 * they do; what the dealership knows about them is only what the event log says.
 */
export interface SimCustomer {
  readonly id: string
  readonly identity: Identity
  readonly source: ProspectSource
  /** The chance they come back when a service is due, while they still come to this dealer. */
  returnChance: number
  /** From when they take their car elsewhere (Infinity: never); a win-back may move it. */
  defectsAt: number
  /** Kilometres a day they drive. */
  readonly paceKm: number
  readonly vehicles: OwnedVehicle[]
  /** Marketing channels they opted into. */
  readonly marketing: Set<'sms' | 'call' | 'wechat'>
  consultant: StaffMember
  vip: boolean
  /** When a customer manager last called them from the churn-risk list. */
  lastCareCallAt: number
  repairOrders: Array<{ readonly id: string; readonly amountFen: number; readonly at: number }>
  spentFen: number
  redemptions: number
  /** When their complaints were received (the application passes these as prior complaints). */
  readonly complaintsAt: number[]
  /** Left the loyalty programme (退出). */
  exitedProgramme: boolean
}

export interface World {
  readonly customers: SimCustomer[]
  readonly byId: Map<string, SimCustomer>
  readonly openComplaints: Set<string>
  /** Cases seen of each rare kind, and where in its cycle the kind starts (see `oneIn`). */
  readonly cases: Map<string, { seen: number; readonly offset: number }>
  /** Running numbers for the ids of things the dealership creates. */
  readonly serial: {
    customer: number
    car: number
    repairOrder: number
    complaint: number
    referral: number
    touchpoint: number
    survey: number
    redemption: number
    prepaid: number
  }
}

export const createWorld = (): World => ({
  customers: [],
  byId: new Map(),
  openComplaints: new Set(),
  cases: new Map(),
  serial: {
    customer: 0,
    car: 0,
    repairOrder: 0,
    complaint: 0,
    referral: 0,
    touchpoint: 0,
    survey: 0,
    redemption: 0,
    prepaid: 0,
  },
})

/** Everything a part of the simulation needs: the facade, the clock, the dice, the agenda and the world. */
export interface Sim {
  readonly dealership: Dealership
  /** The read models the simulated staff look at (customer profiles, member ledgers, …). */
  readonly views: Views
  readonly clock: ManualClock
  readonly random: Random
  readonly agenda: Agenda
  readonly world: World
  /** First instant of the simulated period and the first instant after it. */
  readonly start: number
  readonly end: number
  /** Customers expected by the end of the run, for scaling the dealership's capacity. */
  readonly scale: number
  /** Refusals by the domains, by code: the simulator sometimes asks for what the rules forbid. */
  readonly refusals: Record<string, number>
}

/** The clock's instant, as commands carry it. */
export const now = (sim: Sim): string => iso(sim.clock.now().getTime())

export const nowMs = (sim: Sim): number => sim.clock.now().getTime()

/** Set the clock to `ms`, or leave it if it is already later: time never goes back. */
export const moveTo = (sim: Sim, ms: number) => sim.clock.set(new Date(Math.max(ms, nowMs(sim))))

/**
 * Send a command through the facade; a refusal by a domain's rules is counted and returns null
 * (the dealership goes on, as a clerk would), anything else is a bug and throws.
 */
export const attempt = async <A>(sim: Sim, work: () => Promise<A>): Promise<A | null> => {
  try {
    return await work()
  } catch (error) {
    if (!isDomainRejectedError(error)) throw error
    const code = String(error.code)
    sim.refusals[code] = (sim.refusals[code] ?? 0) + 1
    return null
  }
}

/** A moment within business hours of the day starting at `midnight` (China time), in 5-minute steps. */
export const during = (sim: Sim, midnight: number, fromHour: number, toHour: number): number =>
  midnight + fromHour * 3_600_000 + sim.random.int(0, Math.max(0, (toHour - fromHour) * 12 - 1)) * 300_000

export const chance = (sim: Sim, p: number): boolean => sim.random.next() < p

/**
 * True for one case in `n` of a kind. Rare outcomes (late claims, fakes, reopenings, refunds) come in
 * exact shares rather than by a coin toss, so a run of any size shows each kind in proportion; which
 * case it is still follows from the seed (the cycle starts at a drawn offset).
 */
export const oneIn = (sim: Sim, kind: string, n: number): boolean => {
  const tally = sim.world.cases.get(kind) ?? { seen: 0, offset: sim.random.int(0, n - 1) }
  tally.seen += 1
  sim.world.cases.set(kind, tally)
  return (tally.seen + tally.offset) % n === 0
}

/** The chance the customer comes back for a due service at `at`: small once they have gone elsewhere. */
export const willingness = (c: SimCustomer, at: number): number => (at >= c.defectsAt ? 0.04 : c.returnChance)

/** `ms` if it falls in working hours (08:30–20:00 China time), else a morning moment of the next day. */
export const workingMoment = (sim: Sim, ms: number): number => {
  const hour = chinaHour(ms)
  if (hour >= 8.5 && hour < 20) return ms
  const midnight = midnightOf(ms)
  return during(sim, hour < 8.5 ? midnight : midnight + DAY, 9, 11)
}
