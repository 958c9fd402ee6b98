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
import {
  type CommandEnd,
  type CommandTrace,
  type LoadReport,
  startCommand,
} from '../telemetry/command-trace.js'
import type { CachedStream, StateCache } from './state-cache.js'

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
  /**
   * Aggregate state by stream and version (`createStateCache`): only the events after the cached
   * version are read. Share one per store; the deciders must be pure (ADR 0018).
   */
  readonly cache?: StateCache
  /** Names the command's domain in its span and metrics (default: the stream's category). */
  readonly domain?: string
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

interface Loaded<E extends Event, S> extends LoadReport {
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
  let eventsRead = 0
  for await (const event of store.readStream(streamName)) {
    state = decider.evolve(state, event)
    version = event.metadata.streamPosition
    eventsRead++
    if (commandId !== undefined && event.metadata.commandId === commandId) {
      previousEvents.push(event)
      previousState = state
    }
  }
  return {
    state,
    version,
    previous: previousEvents.length > 0 ? { events: previousEvents, state: previousState } : null,
    eventsRead,
    source: 'store',
  }
}

interface CachedLoad<S> extends CachedStream<S>, LoadReport {
  /** True when the store was read for it (up to its end, at that moment). */
  readonly read: boolean
}

/**
 * The stream's state from the cache. With `catchUp`, or when the cache does not hold the stream,
 * the events after the cached version (or a snapshot's, or all) are read from the store, and the
 * result is cached: it is what the store held when it was read.
 */
const loadCached = async <C, E extends Event, S, Err extends DomainError>(
  store: EventStore<E>,
  decider: Decider<C, E, S, Err>,
  streamName: string,
  cache: StateCache,
  catchUp: boolean,
): Promise<CachedLoad<S>> => {
  const cached = cache.get<S>(streamName, decider)
  if (cached !== undefined && !catchUp) return { ...cached, read: false, eventsRead: 0, source: 'cache' }
  const snapshot = cached === undefined ? await cache.snapshot<S>(streamName, decider) : undefined
  const start = cached ??
    snapshot ?? {
      state: decider.initialState,
      version: 0,
      commandIds: new Set<string>(),
    }
  let { state, version } = start
  const { commandIds } = start
  let eventsRead = 0
  for await (const event of store.readStream(streamName, { from: version + 1 })) {
    state = decider.evolve(state, event)
    version = event.metadata.streamPosition
    eventsRead++
    if (event.metadata.commandId !== null) commandIds.add(event.metadata.commandId)
  }
  const loaded = { state, version, commandIds }
  cache.set(streamName, decider, loaded)
  const source = cached !== undefined ? 'cache' : snapshot !== undefined ? 'snapshot' : 'store'
  return { ...loaded, read: true, eventsRead, source }
}

const metadataOf = (options: HandleOptions, traced: CommandTrace) => ({
  ...(options.commandId === undefined ? {} : { commandId: options.commandId }),
  ...((options.correlationId ?? options.commandId) === undefined
    ? {}
    : { correlationId: (options.correlationId ?? options.commandId) as string }),
  ...(options.causationId === undefined ? {} : { causationId: options.causationId }),
  ...(options.actor === undefined ? {} : { actor: options.actor }),
  ...(traced.traceparent === null ? {} : { traceparent: traced.traceparent }),
})

const repeatedResult = <E extends Event, S>(
  previous: NonNullable<Loaded<E, S>['previous']>,
  version: number,
): HandleResult<E, S> => {
  const last = previous.events[previous.events.length - 1]
  return {
    events: previous.events,
    state: previous.state,
    version: last?.metadata.streamPosition ?? version,
    repeated: true,
  }
}

type Outcome<E extends Event, S, Err> =
  | { readonly _tag: 'Left'; readonly left: Err }
  | { readonly _tag: 'Right'; readonly right: HandleResult<E, S> }

/**
 * Decide on the cached state and append with its version. The append's version check is what makes
 * a cached state safe to decide on without reading the store first: a state that is behind the
 * stream fails it. A refusal cannot be checked that way, so a refusal of a state not just read is
 * decided again after reading the events since (ADR 0018). A command id in the index is answered
 * from a full read (the first result's events and state are not cached).
 */
const decideCached = async <C, E extends Event, S, Err extends DomainError>(
  store: EventStore<E>,
  decider: Decider<C, E, S, Err>,
  streamName: string,
  command: C,
  options: HandleOptions,
  cache: StateCache,
  catchUp: boolean,
  traced: CommandTrace,
): Promise<Outcome<E, S, Err>> => {
  const repeated = async (loaded: CachedStream<S>): Promise<Outcome<E, S, Err> | null> => {
    if (options.commandId === undefined || !loaded.commandIds.has(options.commandId)) return null
    const full = await traced.load(() => load(store, decider, streamName, options.commandId))
    return full.previous === null
      ? null
      : { _tag: 'Right', right: repeatedResult(full.previous, full.version) }
  }
  let loaded = await traced.load(() => loadCached(store, decider, streamName, cache, catchUp))
  let decision = traced.decide(() => decider.decide(command, loaded.state))
  if (decision._tag === 'Left' && !loaded.read) {
    loaded = await traced.load(() => loadCached(store, decider, streamName, cache, true))
    decision = traced.decide(() => decider.decide(command, loaded.state))
  }
  const first = await repeated(loaded)
  if (first !== null) return first
  if (decision._tag === 'Left') return decision
  const events = decision.right
  const appended = await traced.append(() =>
    store.appendToStream(streamName, events, {
      expectedVersion: options.expectedVersion ?? loaded.version,
      metadata: metadataOf(options, traced),
    }),
  )
  const state = appended.events.reduce(decider.evolve, loaded.state)
  // With an explicit expected version ('any') others' events may lie between: then not cached.
  if (appended.nextExpectedVersion === loaded.version + appended.events.length) {
    if (options.commandId !== undefined && appended.events.length > 0)
      loaded.commandIds.add(options.commandId)
    cache.set(streamName, decider, {
      state,
      version: appended.nextExpectedVersion,
      commandIds: loaded.commandIds,
    })
  } else cache.invalidate(streamName)
  return {
    _tag: 'Right',
    right: { events: appended.events, state, version: appended.nextExpectedVersion, repeated: false },
  }
}

/**
 * One attempt with the cache. Whatever goes wrong drops the stream's entry. A conflict after
 * deciding on a cached state that was not read (it was behind) is tried again at once, reading the
 * store; further conflicts go to the handler's retry with backoff. With an explicit expected version
 * the store is always read first: `any` would not catch a state that is behind.
 */
const attemptCached = async <C, E extends Event, S, Err extends DomainError>(
  store: EventStore<E>,
  decider: Decider<C, E, S, Err>,
  streamName: string,
  command: C,
  options: HandleOptions,
  cache: StateCache,
  traced: CommandTrace,
): Promise<Outcome<E, S, Err>> => {
  let catchUp = options.expectedVersion !== undefined
  for (;;) {
    try {
      return await decideCached(store, decider, streamName, command, options, cache, catchUp, traced)
    } catch (error) {
      cache.invalidate(streamName)
      if (catchUp || !isConcurrencyError(error)) throw error
      catchUp = true
    }
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
  () => {
    const traced = startCommand(streamName, command, options.domain, options.expectedVersion)
    const outcome = attempts(store, decider, streamName, command, options, traced)
    // With no SDK there is nothing to end: no promise more than before.
    return traced.active
      ? outcome.then((settled) => {
          traced.end(endOf(settled))
          return settled
        })
      : outcome
  }

/** How a command's outcome reads in its span and metrics. */
const endOf = <E extends Event, S, Err extends DomainError>(
  outcome: Outcome<E, S, HandleError<Err>>,
): CommandEnd => {
  if (outcome._tag === 'Right') {
    const { repeated, version, events } = outcome.right
    return { outcome: repeated ? 'repeated' : 'appended', version, events: repeated ? 0 : events.length }
  }
  const error = outcome.left
  if (!isEventSourcingError(error)) return { outcome: 'refused', errorCode: error.code }
  return { outcome: isConcurrencyError(error) ? 'conflict' : 'failed', errorCode: error.code }
}

/** The attempts of one command: load, decide, append; again after a conflict, with backoff. */
const attempts = async <C, E extends Event, S, Err extends DomainError>(
  store: EventStore<E>,
  decider: Decider<C, E, S, Err>,
  streamName: string,
  command: C,
  options: HandleOptions,
  traced: CommandTrace,
): Promise<Outcome<E, S, HandleError<Err>>> => {
  const retry = options.retry === false ? null : (options.retry ?? defaultRetry)
  const attempts = options.expectedVersion === undefined && retry !== null ? retry.maxAttempts : 1
  for (let attempt = 1; ; attempt++) {
    try {
      if (options.cache !== undefined)
        return await attemptCached(store, decider, streamName, command, options, options.cache, traced)
      const loaded = await traced.load(() => load(store, decider, streamName, options.commandId))
      if (loaded.previous !== null)
        return { _tag: 'Right', right: repeatedResult(loaded.previous, loaded.version) }
      const decision = traced.decide(() => decider.decide(command, loaded.state))
      if (decision._tag === 'Left') return decision
      const events = decision.right
      const appended = await traced.append(() =>
        store.appendToStream(streamName, events, {
          expectedVersion: options.expectedVersion ?? loaded.version,
          metadata: metadataOf(options, traced),
        }),
      )
      return {
        _tag: 'Right',
        right: {
          events: appended.events,
          state: events.reduce(decider.evolve, loaded.state),
          version: appended.nextExpectedVersion,
          repeated: false,
        },
      }
    } catch (error) {
      if (isConcurrencyError(error) && retry !== null && attempt < attempts) {
        traced.conflict(attempt)
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
