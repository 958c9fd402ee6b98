import type { Either } from 'fp-ts/lib/Either.js'
import type { DomainError } from '../errors.js'

/** A domain event before it is stored: its type and its data. */
export interface Event<Type extends string = string, Data = unknown> {
  readonly type: Type
  readonly data: Data
}

/**
 * The decider pattern (J. Chassaing): the whole domain as three plain values.
 * `decide` says which events a command produces (or why not); `evolve` is total.
 */
export interface Decider<Command, E extends Event, State, Err extends DomainError = DomainError> {
  readonly decide: (command: Command, state: State) => Either<Err, ReadonlyArray<E>>
  readonly evolve: (state: State, event: E) => State
  readonly initialState: State
}

/** Fold events into a state, starting from `initial`. */
export const fold =
  <S, E>(evolve: (state: S, event: E) => S, initial: S) =>
  (events: Iterable<E>): S => {
    let state = initial
    for (const e of events) state = evolve(state, e)
    return state
  }

/** The state a decider reaches after the given events. */
export const replay = <C, E extends Event, S, Err extends DomainError>(
  decider: Decider<C, E, S, Err>,
  events: Iterable<E>,
): S => fold(decider.evolve, decider.initialState)(events)

/** Fold asynchronously, for streams read from a store. */
export const foldAsync = async <S, E>(
  evolve: (state: S, event: E) => S,
  initial: S,
  events: AsyncIterable<E>,
): Promise<S> => {
  let state = initial
  for await (const e of events) state = evolve(state, e)
  return state
}
