import { eventRegistry, eventType, personal } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

/** The event types the conformance suite appends: plain, personal, and one of each shape. */
export const CarOrdered = eventType(
  'CarOrdered',
  t.type({
    orderId: t.string,
    amountFen: t.Int,
    customer: t.type({ subjectId: t.string, name: personal(t.string), phone: personal(t.string) }),
  }),
)
export const CarDelivered = eventType('CarDelivered', t.type({ orderId: t.string, at: t.string }))
export const NoteAdded = eventType('NoteAdded', t.type({ text: t.string, tags: t.array(t.string) }))

export const conformanceRegistry = eventRegistry([CarOrdered, CarDelivered, NoteAdded])

export type ConformanceEvent = NonNullable<(typeof conformanceRegistry)['_E']>
