import type { Domain } from '@dealer-crm/eventsourcing'
import { LifecycleCommand, lifecycleStreamOf } from './commands.js'
import { lifecycleDecider } from './decide.js'
import type { LifecycleError } from './errors.js'
import { type LifecycleEvent, lifecycleEvents } from './events.js'
import { defaultLifecyclePolicy, type LifecyclePolicy } from './policy.js'
import type { LifecycleState } from './state.js'

/** The customer lifecycle bound once: decider, command codec, event types and the stream of each command. */
export const lifecycleDomain: Domain<
  LifecycleCommand,
  LifecycleEvent,
  LifecycleState,
  LifecycleError,
  LifecyclePolicy
> = {
  name: 'customer-lifecycle',
  decider: lifecycleDecider,
  defaultPolicy: defaultLifecyclePolicy,
  command: LifecycleCommand,
  events: lifecycleEvents,
  streamOf: lifecycleStreamOf,
}
