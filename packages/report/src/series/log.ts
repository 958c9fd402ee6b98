import type { Event, Projection } from '@dealer-crm/eventsourcing'
import { bucket, type Month, monthOf } from '../months.js'

export interface LogMonth {
  /** Events committed in the month, and streams whose first event was committed in it. */
  events: number
  newStreams: number
}

export interface LogSeriesState {
  readonly months: Map<Month, LogMonth>
  readonly streams: Set<string>
}

/**
 * The log itself month by month, by commit time (the store's clock: the time as-of and the audit
 * commitment use): every event type of the registry given (`store.registry.types`).
 */
export const logSeriesProjection = (types: ReadonlyArray<string>): Projection<LogSeriesState, Event> => ({
  name: 'report.log-series',
  version: 1,
  handles: types,
  init: () => ({ months: new Map(), streams: new Set() }),
  apply: (s, e) => {
    const b = bucket(s.months, monthOf(e.metadata.committedAt), () => ({ events: 0, newStreams: 0 }))
    b.events += 1
    if (!s.streams.has(e.metadata.streamName)) {
      s.streams.add(e.metadata.streamName)
      b.newStreams += 1
    }
    return s
  },
})
