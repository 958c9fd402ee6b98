import type { Decider, DomainError, Event, EventRegistry } from '@dealer-crm/eventsourcing'

/**
 * A domain decider over the dealership's whole event union: the store is typed with every
 * domain's events, a decider with its own. Events of other domains never occur in its streams;
 * if one did, it would be ignored rather than folded.
 */
export const widenDecider = <C, Sub extends All, All extends Event, S, Err extends DomainError>(
  decider: Decider<C, Sub, S, Err>,
  registry: EventRegistry<Sub>,
): Decider<C, All, S, Err> => {
  const types = new Set(registry.types)
  const isOwn = (event: All): event is Sub => types.has(event.type)
  return {
    decide: decider.decide,
    evolve: (state, event) => (isOwn(event) ? decider.evolve(state, event) : state),
    initialState: decider.initialState,
  }
}
