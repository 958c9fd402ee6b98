import type { Decider } from '@dealer-crm/eventsourcing'
import type { ComplaintCommand } from './commands.js'
import { decideWith } from './decide.js'
import type { ComplaintError } from './errors.js'
import type { ComplaintEvent } from './events.js'
import { type ComplaintPolicy, defaultComplaintPolicy } from './policy.js'
import { type ComplaintState, evolve, initialState } from './state.js'

/** The complaint decider under a policy (thresholds, tiers, SLA targets, business calendar). */
export const complaintDecider = (
  policy: ComplaintPolicy,
): Decider<ComplaintCommand, ComplaintEvent, ComplaintState, ComplaintError> => ({
  decide: decideWith(policy),
  evolve,
  initialState,
})

/** The complaint decider under the default policy of docs/domain.md. */
export const decider = complaintDecider(defaultComplaintPolicy)

export * from './calendar.js'
export * from './commands.js'
export { compensationValue, decideWith } from './decide.js'
export * from './errors.js'
export * from './events.js'
export * from './ids.js'
export * from './policy.js'
export * from './projections/cause-ranking.js'
export * from './projections/metrics.js'
export * from './projections/sla-board.js'
export * from './projections/timeline.js'
export * from './sla.js'
export * from './state.js'
export * from './values.js'
export * from './vocabulary.js'
