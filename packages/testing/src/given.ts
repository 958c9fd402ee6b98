import type { Decider, DomainError, Event } from '@dealer-crm/eventsourcing'
import { expect } from 'vitest'

export interface Then<E, Err extends DomainError> {
  /** The command succeeds with exactly these events (a readable diff otherwise). */
  readonly then: (expected: ReadonlyArray<E>) => void
  /** The command is rejected with this error code. Returns the error for further checks. */
  readonly thenError: (code: Err['code']) => Err
  /** The events the command produced, for custom assertions; fails if it was rejected. */
  readonly events: () => ReadonlyArray<E>
}

export interface When<C, E, Err extends DomainError> {
  readonly when: (command: C) => Then<E, Err>
}

export interface DeciderSpec<C, E, S, Err extends DomainError> {
  readonly given: (events: ReadonlyArray<E>) => When<C, E, Err>
  /** The state after the given events. */
  readonly stateAfter: (events: ReadonlyArray<E>) => S
}

const describeOutcome = (outcome: { _tag: 'Left'; left: DomainError } | { _tag: 'Right'; right: unknown }) =>
  outcome._tag === 'Left'
    ? `rejected with ${outcome.left.code}: ${outcome.left.message}`
    : `accepted with ${JSON.stringify(outcome.right, null, 2)}`

/**
 * Given/when/then for a decider: `spec.given(history).when(command).then(events)`.
 */
export const deciderSpec = <C, E extends Event, S, Err extends DomainError>(
  decider: Decider<C, E, S, Err>,
): DeciderSpec<C, E, S, Err> => {
  const stateAfter = (events: ReadonlyArray<E>) => events.reduce(decider.evolve, decider.initialState)
  return {
    stateAfter,
    given: (history) => ({
      when: (command) => {
        const outcome = decider.decide(command, stateAfter(history))
        return {
          // biome-ignore lint/suspicious/noThenProperty: the given/when/then vocabulary; a Then is never awaited
          then: (expected) => {
            if (outcome._tag === 'Left')
              throw new Error(`expected events, but the command was ${describeOutcome(outcome)}`)
            expect(outcome.right).toEqual(expected)
          },
          thenError: (code) => {
            if (outcome._tag === 'Right')
              throw new Error(
                `expected rejection ${String(code)}, but the command was ${describeOutcome(outcome)}`,
              )
            expect(outcome.left.code).toBe(code)
            expect(outcome.left.message.length).toBeGreaterThan(0)
            return outcome.left
          },
          events: () => {
            if (outcome._tag === 'Left')
              throw new Error(`expected events, but the command was ${describeOutcome(outcome)}`)
            return outcome.right
          },
        }
      },
    }),
  }
}
