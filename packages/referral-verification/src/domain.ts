import type { Domain } from '@dealer-crm/eventsourcing'
import { ReferralCommand, referralStreamOf } from './commands.js'
import { referralDecider } from './decide.js'
import type { ReferralError } from './errors.js'
import { type ReferralEvent, referralEvents } from './events.js'
import { defaultReferralPolicy, type ReferralPolicy } from './policy.js'
import type { ReferralState } from './state.js'

/** Referral verification bound once: decider, command codec, event types and the stream of each command. */
export const referralDomain: Domain<
  ReferralCommand,
  ReferralEvent,
  ReferralState,
  ReferralError,
  ReferralPolicy
> = {
  name: 'referral-verification',
  decider: referralDecider,
  defaultPolicy: defaultReferralPolicy,
  command: ReferralCommand,
  events: referralEvents,
  streamOf: referralStreamOf,
}
