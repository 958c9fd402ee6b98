import { idOf, type Projection } from '@dealer-crm/eventsourcing'
import type { DealershipEvent } from './registry.js'

/** customerId → the member card account (`member-<id>`) first enrolled for them. */
export type MembersByCustomer = Record<string, string>

/** Which card a customer holds: the process managers send points there. */
export const membersByCustomerProjection: Projection<MembersByCustomer, DealershipEvent> = {
  name: 'dealership.members-by-customer',
  version: 1,
  handles: ['MemberEnrolled'],
  init: () => ({}),
  apply: (members, e) => {
    if (e.type === 'MemberEnrolled' && members[e.data.customerId] === undefined)
      members[e.data.customerId] = idOf(e.metadata.streamName)
    return members
  },
}
