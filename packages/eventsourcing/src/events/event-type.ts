import { type Either, left, map } from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import type { Event } from '../decider/decider.js'

/** Why stored data could not be brought to the latest schema. */
export type UpcastFailure =
  | { readonly _tag: 'Invalid'; readonly errors: t.Errors }
  | { readonly _tag: 'UnknownVersion'; readonly version: number; readonly latest: number }

type VersionDecoder<A> = (raw: unknown) => Either<UpcastFailure, A>

export interface EventTypeOptions<A> {
  /** The person whose personal fields this event carries, unless a field's enclosing object has a `subjectId`. */
  readonly subject?: (data: A) => string
}

/**
 * One event type: its name, the io-ts codec of its latest schema, and how every older
 * stored version reaches that schema. Versions are built one step at a time with
 * `upgrade`, so a chain v1 → v2 → v3 whose step is missing or mistyped does not compile.
 */
export interface EventType<T extends string, A, O = A> {
  readonly type: T
  readonly codec: t.Type<A, O, unknown>
  readonly schemaVersion: number
  readonly subject: ((data: A) => string) | undefined
  /** Decode data stored with `version` of the schema and upcast it to the latest. */
  readonly decodeVersion: (version: number, raw: unknown) => Either<UpcastFailure, A>
  /** Build the event value. */
  readonly make: (data: A) => Event<T, A>
  /** The next schema version, and the step that turns the current shape into it. */
  readonly upgrade: <B, P>(
    codec: t.Type<B, P, unknown>,
    step: (previous: A) => B,
    options?: EventTypeOptions<B>,
  ) => EventType<T, B, P>
}

const fromDecoders = <T extends string, A, O>(
  type: T,
  codec: t.Type<A, O, unknown>,
  decoders: ReadonlyArray<VersionDecoder<A>>,
  options: EventTypeOptions<A>,
): EventType<T, A, O> => ({
  type,
  codec,
  schemaVersion: decoders.length,
  subject: options.subject,
  decodeVersion: (version, raw) => {
    const decoder = decoders[version - 1]
    return decoder === undefined
      ? left({ _tag: 'UnknownVersion', version, latest: decoders.length })
      : decoder(raw)
  },
  make: (data) => ({ type, data }),
  upgrade: (next, step, nextOptions = {}) =>
    fromDecoders(
      type,
      next,
      [...decoders.map((d) => (raw: unknown) => map(step)(d(raw))), decodeWith(next)],
      nextOptions,
    ),
})

const decodeWith =
  <A>(codec: t.Type<A, unknown, unknown>): VersionDecoder<A> =>
  (raw) => {
    const result = codec.decode(raw)
    return result._tag === 'Left' ? left({ _tag: 'Invalid', errors: result.left }) : result
  }

/** Define an event type at schema version 1. */
export const eventType = <T extends string, A, O>(
  type: T,
  codec: t.Type<A, O, unknown>,
  options: EventTypeOptions<A> = {},
): EventType<T, A, O> => fromDecoders(type, codec, [decodeWith(codec)], options)

/** The event value an event type describes. */
export type EventOf<D> = D extends EventType<infer T, infer A, infer _O> ? Event<T, A> : never
