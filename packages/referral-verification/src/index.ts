import type { Decider } from '@dealer-crm/eventsourcing'
import type { ReferralCommand } from './commands.js'
import { decide } from './decide.js'
import type { ReferralError } from './errors.js'
import type { ReferralEvent } from './events.js'
import { defaultReferralPolicy, type ReferralPolicy } from './policy.js'
import { evolve, initialState, type ReferralState } from './state.js'

export * from './commands.js'
export * from './decide.js'
export * from './draw.js'
export * from './errors.js'
export * from './events.js'
export * from './ids.js'
export * from './policy.js'
export * from './projections/index.js'
export * from './questions.js'
export * from './rewards.js'
export * from './state.js'
export * from './values.js'

/** The referral decider under a policy; the policy is recorded on each registration. */
export const referralDecider = (
  policy: ReferralPolicy,
): Decider<ReferralCommand, ReferralEvent, ReferralState, ReferralError> => ({
  decide: decide(policy),
  evolve,
  initialState,
})

/** The referral decider under the defaults of docs/domain.md. */
export const decider = referralDecider(defaultReferralPolicy)
