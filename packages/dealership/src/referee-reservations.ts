import { type EventsIn, eventRegistry, eventType, streamName } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

/**
 * One live referral per referee (docs/domain.md §2.1: the earliest registration wins), held under
 * concurrency by reservation streams rather than a read model: before a referral that would be live
 * is written, the facade appends `RefereeReserved` to the referee's reservation streams with the
 * version it read, so of two registrations racing on two servers one appends and the other meets a
 * conflict, reads again, and finds the referee taken.
 */
export const RefereeReserved = eventType('RefereeReserved', t.type({ referralId: t.string, at: t.string }))

/** A reservation given back because the referral it was taken for could not be written. */
export const RefereeReleased = eventType('RefereeReleased', t.type({ referralId: t.string, at: t.string }))

export const refereeReservationEvents = eventRegistry([RefereeReserved, RefereeReleased])
export type RefereeReservationEvent = EventsIn<typeof refereeReservationEvents>

/**
 * The reservation streams of a referee: by customer id and by phone hash, so the same person
 * registered under a second customer id is still one referee.
 */
export const reservationStreamsOf = (referee: {
  readonly customerId: string
  readonly phoneHash: string
}): ReadonlyArray<string> => [
  streamName('referee', `customer:${referee.customerId}`),
  streamName('referee', `phone:${referee.phoneHash}`),
]

/** Who holds a reservation stream now, and its version. */
export interface Reservation {
  readonly streamName: string
  readonly holder: string | null
  readonly version: number
}

export const holderAfter = (holder: string | null, event: RefereeReservationEvent): string | null =>
  event.type === 'RefereeReserved' ? event.data.referralId : holder === event.data.referralId ? null : holder
