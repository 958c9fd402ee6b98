import type { Domain } from '@dealer-crm/eventsourcing'
import { LoyaltyCommand, loyaltyStreamOf } from './commands.js'
import { loyaltyDecider } from './decide.js'
import type { LoyaltyError } from './errors.js'
import { type LoyaltyEvent, loyaltyEvents } from './events.js'
import { defaultLoyaltyPolicy, type LoyaltyPolicy } from './policy.js'
import type { LoyaltyState } from './state.js'

/** The loyalty programme bound once: decider, command codec, event types and the stream of each command. */
export const loyaltyDomain: Domain<LoyaltyCommand, LoyaltyEvent, LoyaltyState, LoyaltyError, LoyaltyPolicy> =
  {
    name: 'loyalty-points',
    decider: loyaltyDecider,
    defaultPolicy: defaultLoyaltyPolicy,
    command: LoyaltyCommand,
    events: loyaltyEvents,
    streamOf: loyaltyStreamOf,
  }
