import type { Event } from '../decider/decider.js'
import type { RecordedEvent } from '../events/envelope.js'

/**
 * A read model: a name, a version (bump it to rebuild), the event types it handles and a
 * fold. `init` returns a fresh state; `apply` may update that state in place and return it,
 * so long folds (a replay of millions of events) do not copy.
 */
export interface Projection<S, E extends Event = Event> {
  readonly name: string
  readonly version: number
  readonly handles: ReadonlyArray<E['type']>
  readonly init: () => S
  readonly apply: (state: S, event: RecordedEvent<E>) => S
}

export const handlesEvent = <S, E extends Event>(
  projection: Projection<S, E>,
  event: Event,
): event is RecordedEvent<E> => (projection.handles as ReadonlyArray<string>).includes(event.type)

/** Fold recorded events (already in memory) through a projection. */
export const project = <S, E extends Event>(
  projection: Projection<S, E>,
  events: Iterable<RecordedEvent<Event>>,
): S => {
  let state = projection.init()
  for (const e of events) if (handlesEvent(projection, e)) state = projection.apply(state, e)
  return state
}
