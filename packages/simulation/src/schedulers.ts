import { evaluateMember } from './loyalty.js'
import { scheduler } from './staff.js'
import { attempt, now, type Sim } from './world.js'

// The schedulers of ARCHITECTURE.md ("time-driven rules run when a command such as EvaluateAt(now)
// arrives"): the domains stay pure, the dealership sends the time.

/** docs/domain.md §1: time moves a stage only through `EvaluateCustomer` — at risk, lost, never serviced, won back. */
export const evaluateLifecycle = async (sim: Sim) => {
  for (const c of sim.world.customers) {
    if (c.vehicles.length === 0) continue
    await attempt(sim, () =>
      sim.dealership.customerLifecycle(
        { type: 'EvaluateCustomer', data: { customerId: c.id, at: now(sim), by: scheduler } },
        { actor: scheduler },
      ),
    )
  }
}

/** docs/domain.md §4: expiry of lots past their 24 months, pending releases, level reviews. */
export const evaluateLoyalty = async (sim: Sim) => {
  for (const c of sim.world.customers)
    if (c.vehicles.length > 0 && !c.exitedProgramme) await evaluateMember(sim, c)
}
