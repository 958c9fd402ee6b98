import type { Decider } from '@dealer-crm/eventsourcing'
import type { Command } from './commands.js'
import { decideWith } from './decide.js'
import type { LifecycleError } from './errors.js'
import type { CustomerLifecycleEvent } from './events.js'
import { defaultPolicy, type LifecyclePolicy } from './policy.js'
import { type Customer, evolve, initialState } from './state.js'

export * from './calendar.js'
export * from './codecs.js'
export * from './commands.js'
export { decideWith } from './decide.js'
export * from './errors.js'
export * from './events.js'
export * from './ids.js'
export * from './policy.js'
export * from './projections/index.js'
export * from './segments.js'
export { assess, expectedInterval, nextStage } from './stage.js'
export * from './state.js'
export * from './touchpoints.js'
export * from './vocabulary.js'

export type CustomerLifecycleDecider = Decider<Command, CustomerLifecycleEvent, Customer, LifecycleError>

/** The customer lifecycle under a policy: one decider per customer stream. */
export const customerLifecycle = (policy: LifecyclePolicy): CustomerLifecycleDecider => ({
  decide: decideWith(policy),
  evolve,
  initialState,
})

/** The customer lifecycle under the defaults of docs/domain.md. */
export const decider: CustomerLifecycleDecider = customerLifecycle(defaultPolicy)
