import { isDeepStrictEqual } from 'node:util'
import type { Decider, DomainError, Event } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'

/** One step of a random command sequence, as seen by an invariant. */
export interface Step<C, E, S, Err> {
  readonly command: C
  readonly before: S
  readonly after: S
  /** The events the command produced, or the error that rejected it. */
  readonly outcome:
    | { readonly ok: true; readonly events: ReadonlyArray<E> }
    | { readonly ok: false; readonly error: Err }
  /** Every event accepted so far, this step's included. */
  readonly history: ReadonlyArray<E>
}

export interface CommandSequenceOptions<C, E extends Event, S, Err extends DomainError> {
  readonly decider: Decider<C, E, S, Err>
  /** Random commands, valid and invalid alike. */
  readonly commands: fc.Arbitrary<C>
  /** Checked after every step; return false or throw to fail (fast-check shrinks the sequence). */
  readonly invariant: (step: Step<C, E, S, Err>) => boolean | undefined
  readonly maxLength?: number
  readonly numRuns?: number
  readonly seed?: number
  /** Events that happened before the first command. */
  readonly history?: ReadonlyArray<E>
}

/** Runs the commands through the decider and returns every step. */
export const runCommands = <C, E extends Event, S, Err extends DomainError>(
  decider: Decider<C, E, S, Err>,
  commands: ReadonlyArray<C>,
  history: ReadonlyArray<E> = [],
): ReadonlyArray<Step<C, E, S, Err>> => {
  let state = history.reduce(decider.evolve, decider.initialState)
  const accepted: E[] = [...history]
  const steps: Step<C, E, S, Err>[] = []
  for (const command of commands) {
    const before = state
    const decision = decider.decide(command, state)
    if (decision._tag === 'Right') {
      for (const e of decision.right) {
        state = decider.evolve(state, e)
        accepted.push(e)
      }
      steps.push({
        command,
        before,
        after: state,
        outcome: { ok: true, events: decision.right },
        history: [...accepted],
      })
    } else {
      steps.push({
        command,
        before,
        after: state,
        outcome: { ok: false, error: decision.left },
        history: [...accepted],
      })
    }
  }
  return steps
}

/**
 * The command-sequence runner: random sequences of valid and invalid commands against a
 * decider, an invariant checked after every step, with shrinking to the shortest failing
 * sequence. Also checks that a rejected command changes nothing and that folding the
 * accepted events from the initial state reproduces the final state.
 */
export const checkCommandSequences = <C, E extends Event, S, Err extends DomainError>(
  options: CommandSequenceOptions<C, E, S, Err>,
): void => {
  const { decider, commands, invariant, maxLength = 40, numRuns = 200, history = [] } = options
  fc.assert(
    fc.property(fc.array(commands, { maxLength }), (sequence) => {
      const steps = runCommands(decider, sequence, history)
      steps.forEach((step, index) => {
        if (!step.outcome.ok && step.after !== step.before)
          throw new Error(`step ${index}: a rejected command changed the state`)
        if (invariant(step) === false)
          throw new Error(`invariant failed after step ${index}: ${JSON.stringify(step.command)}`)
      })
      const last = steps[steps.length - 1]
      if (last !== undefined) {
        const replayed = last.history.reduce(decider.evolve, decider.initialState)
        if (!isDeepStrictEqual(replayed, last.after))
          throw new Error('replaying the accepted events does not reproduce the state')
      }
    }),
    { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  )
}
