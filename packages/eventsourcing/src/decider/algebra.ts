import type { DomainError } from '../errors.js'
import { handlesEvent, type Projection } from '../projections/projection.js'
import type { Decider, Event } from './decider.js'

/**
 * A decider over a larger event union (a store typed with every domain's events, a decider with
 * its own): events of other types never belong to its streams; if one did, it is not folded.
 */
export const widenDecider = <C, Own extends All, All extends Event, S, Err extends DomainError>(
  decider: Decider<C, Own, S, Err>,
  ownTypes: Iterable<string>,
): Decider<C, All, S, Err> => {
  const types = new Set<string>(ownTypes)
  const isOwn = (event: All): event is Own => types.has(event.type)
  return {
    decide: decider.decide,
    evolve: (state, event) => (isOwn(event) ? decider.evolve(state, event) : state),
    initialState: decider.initialState,
  }
}

/** A projection over a larger event union: it is only ever given the types it handles. */
export const widenProjection = <S, Own extends All, All extends Event>(
  projection: Projection<S, Own>,
): Projection<S, All> => ({
  name: projection.name,
  version: projection.version,
  handles: projection.handles,
  init: projection.init,
  apply: (state, event) => (handlesEvent(projection, event) ? projection.apply(state, event) : state),
})

/** Runs work one at a time, in call order; a failure fails its own call only. */
export const serial = (): (<T>(work: () => Promise<T>) => Promise<T>) => {
  let queue: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work)
    queue = result.catch(() => undefined)
    return result
  }
}

/**
 * Sequencing evolves: the events of several steps of one decision, each step deciding on the state
 * the events before it left (`evolve` folds each event in as it comes). A step that returns no
 * events leaves the state as it was for the next.
 */
export const inSequence = <S, E>(
  evolve: (state: S, event: E) => S,
  state: S,
  ...steps: ReadonlyArray<(now: S) => ReadonlyArray<E>>
): ReadonlyArray<E> => {
  const events: E[] = []
  let now = state
  for (const step of steps)
    for (const event of step(now)) {
      events.push(event)
      now = evolve(now, event)
    }
  return events
}
