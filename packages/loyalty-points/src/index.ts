import type { Decider } from '@dealer-crm/eventsourcing'
import type { LoyaltyCommand } from './commands.js'
import { decideWith } from './decide.js'
import type { LoyaltyError } from './errors.js'
import type { LoyaltyEvent } from './events.js'
import { defaultPolicy, type LoyaltyPolicy } from './policy.js'
import { evolve, initialMember, type Member } from './state.js'

export * from './commands.js'
export { decideWith } from './decide.js'
export * from './errors.js'
export * from './events.js'
export * from './ids.js'
export { drawSoonestExpiring, spendableLots, spendablePoints } from './ledger.js'
export { levelMeasure, tierFor, tierIndex } from './levels.js'
export * from './policy.js'
export * from './projections/index.js'
export * from './state.js'
export { Instant } from './time.js'
export * from './values.js'

/** The loyalty programme of one member card under a policy (one stream `member-<memberId>`). */
export const loyaltyDecider = (
  policy: LoyaltyPolicy = defaultPolicy,
): Decider<LoyaltyCommand, LoyaltyEvent, Member, LoyaltyError> => ({
  decide: decideWith(policy),
  evolve,
  initialState: initialMember,
})

/** The decider under the default policy of docs/domain.md §4. */
export const decider = loyaltyDecider()
