import { complaintEvents } from '@dealer-crm/complaint-workflow'
import { lifecycleEvents } from '@dealer-crm/customer-lifecycle'
import {
  type Clock,
  createInMemoryEventStore,
  type EventStore,
  type IdGenerator,
  type KeyVault,
  mergeRegistries,
} from '@dealer-crm/eventsourcing'
import { loyaltyEvents } from '@dealer-crm/loyalty-points'
import { referralEvents } from '@dealer-crm/referral-verification'
import { accessLogEvents } from './access-log.js'
import { refereeReservationEvents } from './referee-reservations.js'

/** Every event type of the four domains, and the facade's referee reservations and access log: the registry a dealership's store is built with. */
export const dealershipRegistry = mergeRegistries(
  lifecycleEvents,
  referralEvents,
  complaintEvents,
  loyaltyEvents,
  refereeReservationEvents,
  accessLogEvents,
)

/** Any event of the dealership's log. */
export type DealershipEvent = NonNullable<(typeof dealershipRegistry)['_E']>

export type DealershipStore = EventStore<DealershipEvent>

export interface InMemoryDealershipStoreOptions {
  readonly clock?: Clock
  readonly keyVault?: KeyVault
  readonly ids?: IdGenerator
}

/** An in-memory store over the dealership registry (tests, demos, single-process apps). */
export const createInMemoryDealershipStore = (
  options: InMemoryDealershipStoreOptions = {},
): DealershipStore =>
  createInMemoryEventStore({
    registry: dealershipRegistry,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.keyVault === undefined ? {} : { keyVault: options.keyVault }),
    ...(options.ids === undefined ? {} : { ids: options.ids }),
  })
