import { type EventStore, eventRegistry, eventType } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { type Contender, EVENT_TYPE, type VisitData } from './workload.js'

/** The workload's event type, as a domain package would declare it. */
export const ServiceVisited = eventType(
  EVENT_TYPE,
  t.type({
    customerId: t.string,
    vin: t.string,
    mileageKm: t.number,
    repairOrder: t.string,
    advisor: t.string,
    amountFen: t.number,
    at: t.string,
  }),
)
export const benchRegistry = eventRegistry([ServiceVisited])
export type BenchEvent = ReturnType<typeof ServiceVisited.make>

/** One of our stores, through the public EventStore port (codecs, hash chain, envelope and all). */
export const oursContender = (
  name: string,
  store: EventStore<BenchEvent>,
  close: () => Promise<void>,
): Contender => ({
  name,
  append: async (stream, events) => {
    await store.appendToStream(stream, events.map(ServiceVisited.make), { expectedVersion: 'no_stream' })
  },
  readStream: async (stream) => {
    let n = 0
    for await (const _ of store.readStream(stream)) n++
    return n
  },
  replay: async (apply) => {
    let n = 0
    for await (const e of store.readAll({ batchSize: 1000 })) {
      apply(e.data as VisitData)
      n++
    }
    return n
  },
  close,
})
