import type { Decider, Event } from '../decider/decider.js'
import type { DomainError } from '../errors.js'
import type { EventStore } from '../store/event-store.js'

/** An aggregate as its stream stands: the state folded from its events, its version, the command ids it holds. */
export interface LoadedState<S> {
  readonly state: S
  /** The stream's version (0: no events). */
  readonly version: number
  /** The ids of the commands whose events the stream holds. */
  readonly commandIds: ReadonlySet<string>
}

/** Fold one stream with a decider's `evolve`: what a command would be decided against. */
export const loadState = async <C, E extends Event, S, Err extends DomainError>(
  store: EventStore<E>,
  decider: Decider<C, E, S, Err>,
  streamName: string,
): Promise<LoadedState<S>> => {
  let state = decider.initialState
  let version = 0
  const commandIds = new Set<string>()
  for await (const event of store.readStream(streamName)) {
    state = decider.evolve(state, event)
    version = event.metadata.streamPosition
    if (event.metadata.commandId !== null) commandIds.add(event.metadata.commandId)
  }
  return { state, version, commandIds }
}
