import type { Domain } from '@dealer-crm/eventsourcing'
import { ComplaintCommand, complaintStreamOf } from './commands.js'
import { complaintDecider } from './decide.js'
import type { ComplaintError } from './errors.js'
import { type ComplaintEvent, complaintEvents } from './events.js'
import { type ComplaintPolicy, defaultComplaintPolicy } from './policy.js'
import type { ComplaintState } from './state.js'

/** Complaint handling bound once: decider, command codec, event types and the stream of each command. */
export const complaintDomain: Domain<
  ComplaintCommand,
  ComplaintEvent,
  ComplaintState,
  ComplaintError,
  ComplaintPolicy
> = {
  name: 'complaint-workflow',
  decider: complaintDecider,
  defaultPolicy: defaultComplaintPolicy,
  command: ComplaintCommand,
  events: complaintEvents,
  streamOf: complaintStreamOf,
}
