import { isDeepStrictEqual } from 'node:util'
import {
  createEventStore,
  createInMemoryEventLog,
  type Decider,
  type DomainError,
  type Event,
  type EventLog,
  type EventRegistry,
  fixedClock,
  handleCommand,
  isEventSourcingError,
  type MemoryTransaction,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'

export interface ReplayDeterminismOptions<C, E extends Event, S, Err extends DomainError> {
  readonly decider: Decider<C, E, S, Err>
  /** The registry of the decider's events: they are encoded, stored and decoded through it. */
  readonly registry: EventRegistry<E>
  readonly streamName: string
  /** Random command sequences, valid and invalid alike. */
  readonly commands: fc.Arbitrary<ReadonlyArray<C>>
  /** Events in the stream before the first command. */
  readonly history?: ReadonlyArray<E>
  /** How states compare (default: deep strict equality). */
  readonly equals?: (replayed: S, returned: S) => boolean
  readonly numRuns?: number
  readonly seed?: number
}

/** The in-memory log, but every event's data goes through JSON, as it would to a database. */
const jsonLog = (log: EventLog<MemoryTransaction>): EventLog<MemoryTransaction> => ({
  ...log,
  append: (streamName, events, expected, inTransaction) =>
    log.append(
      streamName,
      events.map((e) => ({ ...e, data: JSON.parse(JSON.stringify(e.data)) })),
      expected,
      inTransaction,
    ),
})

const show = (value: unknown) =>
  JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v))

/**
 * The replay-determinism check: random command sequences go through `handleCommand` on an
 * in-memory store whose events are stored as JSON; after every command, folding the stored
 * events (encoded, then decoded and upcast by the registry) must reproduce the state the
 * handler returned, and a rejected command must append nothing. fast-check shrinks a failure
 * to the shortest sequence.
 */
export const checkReplayDeterminism = async <C, E extends Event, S, Err extends DomainError>(
  options: ReplayDeterminismOptions<C, E, S, Err>,
): Promise<void> => {
  const { decider, registry, streamName, commands, history = [], numRuns = 100 } = options
  const equals = options.equals ?? isDeepStrictEqual
  const property = fc.asyncProperty(commands, async (sequence) => {
    const store = createEventStore(jsonLog(createInMemoryEventLog()), {
      registry,
      clock: fixedClock('2026-01-01T00:00:00Z'),
    })
    if (history.length > 0) await store.appendToStream(streamName, history)
    const replay = async () => {
      let state = decider.initialState
      let version = 0
      for await (const e of store.readStream(streamName)) {
        state = decider.evolve(state, e)
        version = e.metadata.streamPosition
      }
      return { state, version }
    }
    for (const [index, command] of sequence.entries()) {
      const before = await store.streamVersion(streamName)
      const result = await handleCommand(store, decider, streamName, command, { retry: false })()
      if (result._tag === 'Left') {
        if (isEventSourcingError(result.left))
          throw new Error(`command ${index} (${show(command)}) failed in the store: ${result.left.message}`)
        const after = await store.streamVersion(streamName)
        if (after !== before)
          throw new Error(
            `command ${index} (${show(command)}) was rejected but appended ${after - before} events`,
          )
        continue
      }
      const replayed = await replay()
      if (replayed.version !== result.right.version)
        throw new Error(
          `command ${index} (${show(command)}): the handler returned version ${result.right.version}, the stream is at ${replayed.version}`,
        )
      if (!equals(replayed.state, result.right.state))
        throw new Error(
          `command ${index} (${show(command)}): replaying the stored events gives ${show(replayed.state)}, ` +
            `but the handler returned ${show(result.right.state)}`,
        )
    }
    await store.close()
  })
  try {
    await fc.assert(property, { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) })
  } catch (error) {
    // fast-check keeps the failing check's own message in `cause`; put it where a reader looks first
    if (error instanceof Error && error.cause instanceof Error)
      throw new Error(`${error.cause.message}\n\n${error.message}`, { cause: error.cause })
    throw error
  }
}
