import type { Either } from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import type { Event } from '../decider/decider.js'
import type { EventType, UpcastFailure } from './event-type.js'

/** An event type seen from a registry: its shapes are no longer known statically. */
export interface RegisteredEventType {
  readonly type: string
  readonly codec: t.Mixed
  readonly schemaVersion: number
  readonly subject: ((data: never) => string) | undefined
  readonly decodeVersion: (version: number, raw: unknown) => Either<UpcastFailure, unknown>
}

/**
 * The event types a store accepts. Built from the domain packages' `eventType`s;
 * `E` is the union of their events, so reads are typed.
 */
export interface EventRegistry<E extends Event = Event> {
  readonly types: ReadonlyArray<string>
  readonly get: (type: string) => RegisteredEventType | undefined
  /** Phantom: the union of events this registry describes. */
  readonly _E?: E
}

type EventsOf<Defs extends ReadonlyArray<unknown>> = {
  [K in keyof Defs]: Defs[K] extends EventType<infer T, infer A, infer _O> ? Event<T, A> : never
}[number]

export const eventRegistry = <const Defs extends ReadonlyArray<RegisteredEventType>>(
  definitions: Defs,
): EventRegistry<EventsOf<Defs>> => {
  const byType = new Map<string, RegisteredEventType>()
  for (const d of definitions) {
    if (byType.has(d.type)) throw new Error(`event type ${d.type} is registered twice`)
    byType.set(d.type, d)
  }
  return { types: [...byType.keys()], get: (type) => byType.get(type) }
}

/** One registry holding the event types of several (for a store shared by many packages). */
export const mergeRegistries = <Rs extends ReadonlyArray<EventRegistry<Event>>>(
  ...registries: Rs
): EventRegistry<NonNullable<Rs[number]['_E']>> => {
  const all: RegisteredEventType[] = []
  for (const r of registries) for (const type of r.types) all.push(r.get(type)!)
  return eventRegistry(all) as EventRegistry<NonNullable<Rs[number]['_E']>>
}

/** The union of events a registry describes: `type ComplaintEvent = EventsIn<typeof complaintEvents>`. */
export type EventsIn<R extends EventRegistry<Event>> = NonNullable<R['_E']>
