import type { TaskEither } from 'fp-ts/lib/TaskEither.js'
import type { Decider, Event } from '../decider/decider.js'
import {
  type DomainError,
  EventSourcingError,
  type ExpectedVersion,
  isConcurrencyError,
  isEventSourcingError,
  StoreError,
} from '../errors.js'
import type { Actor, RecordedEvent } from '../events/envelope.js'
import { backoffDelay, type RetryPolicy } from '../retry.js'
import type { EventStore } from '../store/event-store.js'

export const defaultRetry: RetryPolicy = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 250 }

export interface HandleOptions {
  /** Makes the command idempotent: repeating it returns the first result and appends nothing. */
  readonly commandId?: string
  /** Defaults to the command id. */
  readonly correlationId?: string
  readonly causationId?: string
  readonly actor?: Actor
  /** Decide only if the stream is at this version; a conflict is then returned, never retried. */
  readonly expectedVersion?: ExpectedVersion
  /** Retry on concurrency conflicts with jittered backoff (default on); `false` to turn it off. */
  readonly retry?: RetryPolicy | false
}

export interface HandleResult<E extends Event, S> {
  /** The events the command appended (or, for a repeated command, appended the first time). */
  readonly events: ReadonlyArray<RecordedEvent<E>>
  readonly state: S
  /** The stream's version after those events. */
  readonly version: number
  /** True when the command id had been handled before and nothing was appended. */
  readonly repeated: boolean
}

/** Either the domain said no (its own error) or the store did (a kernel error). */
export type HandleError<Err extends DomainError> = Err | EventSourcingError

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Loaded<E extends Event, S> {
  readonly state: S
  readonly version: number
  readonly previous: { readonly events: ReadonlyArray<RecordedEvent<E>>; readonly state: S } | null
}

const load = async <C, E extends Event, S, Err extends DomainError>(
  store: EventStore<E>,
  decider: Decider<C, E, S, Err>,
  streamName: string,
  commandId: string | undefined,
): Promise<Loaded<E, S>> => {
  let state = decider.initialState
  let version = 0
  const previousEvents: RecordedEvent<E>[] = []
  let previousState = state
  for await (const event of store.readStream(streamName)) {
    state = decider.evolve(state, event)
    version = event.metadata.streamPosition
    if (commandId !== undefined && event.metadata.commandId === commandId) {
      previousEvents.push(event)
      previousState = state
    }
  }
  return {
    state,
    version,
    previous: previousEvents.length > 0 ? { events: previousEvents, state: previousState } : null,
  }
}

const asKernelError = (error: unknown): EventSourcingError =>
  isEventSourcingError(error)
    ? error
    : new StoreError(String((error as Error)?.message ?? error), { cause: error })

/**
 * Handle one command: load the stream, decide, append with the loaded version. Conflicts
 * are retried (bounded, jittered); a command id seen before returns the first result.
 */
export const handleCommand =
  <C, E extends Event, S, Err extends DomainError>(
    store: EventStore<E>,
    decider: Decider<C, E, S, Err>,
    streamName: string,
    command: C,
    options: HandleOptions = {},
  ): TaskEither<HandleError<Err>, HandleResult<E, S>> =>
  async () => {
    const retry = options.retry === false ? null : (options.retry ?? defaultRetry)
    const attempts = options.expectedVersion === undefined && retry !== null ? retry.maxAttempts : 1
    for (let attempt = 1; ; attempt++) {
      try {
        const loaded = await load(store, decider, streamName, options.commandId)
        if (loaded.previous !== null) {
          const last = loaded.previous.events[loaded.previous.events.length - 1]
          return {
            _tag: 'Right',
            right: {
              events: loaded.previous.events,
              state: loaded.previous.state,
              version: last?.metadata.streamPosition ?? loaded.version,
              repeated: true,
            },
          }
        }
        const decision = decider.decide(command, loaded.state)
        if (decision._tag === 'Left') return decision
        const appended = await store.appendToStream(streamName, decision.right, {
          expectedVersion: options.expectedVersion ?? loaded.version,
          metadata: {
            ...(options.commandId === undefined ? {} : { commandId: options.commandId }),
            ...((options.correlationId ?? options.commandId) === undefined
              ? {}
              : { correlationId: (options.correlationId ?? options.commandId) as string }),
            ...(options.causationId === undefined ? {} : { causationId: options.causationId }),
            ...(options.actor === undefined ? {} : { actor: options.actor }),
          },
        })
        return {
          _tag: 'Right',
          right: {
            events: appended.events,
            state: decision.right.reduce(decider.evolve, loaded.state),
            version: appended.nextExpectedVersion,
            repeated: false,
          },
        }
      } catch (error) {
        if (isConcurrencyError(error) && retry !== null && attempt < attempts) {
          await sleep(backoffDelay(retry, attempt))
          continue
        }
        return { _tag: 'Left', left: asKernelError(error) }
      }
    }
  }

const domainRejected = Symbol.for('@dealer-crm/eventsourcing/DomainRejectedError')

/** A domain rejection, as an Error, for callers who use promises instead of fp-ts. Its `code` is the rule's. */
export class DomainRejectedError<Err extends DomainError = DomainError> extends EventSourcingError {
  readonly code: Err['code']
  constructor(readonly error: Err) {
    super(error.message)
    this.code = error.code
    this.name = 'DomainRejectedError'
    Object.defineProperty(this, domainRejected, { value: true })
  }
}

/** True for a `DomainRejectedError` from either module format (see `isEventSourcingError`). */
export const isDomainRejectedError = (error: unknown): error is DomainRejectedError =>
  isEventSourcingError(error) && Reflect.get(error, domainRejected) === true

/** `handleCommand` for callers who do not use fp-ts: resolves with the result or rejects with a typed error. */
export const handle = async <C, E extends Event, S, Err extends DomainError>(
  store: EventStore<E>,
  decider: Decider<C, E, S, Err>,
  streamName: string,
  command: C,
  options: HandleOptions = {},
): Promise<HandleResult<E, S>> => {
  const result = await handleCommand(store, decider, streamName, command, options)()
  if (result._tag === 'Right') return result.right
  throw isEventSourcingError(result.left) ? result.left : new DomainRejectedError(result.left)
}
