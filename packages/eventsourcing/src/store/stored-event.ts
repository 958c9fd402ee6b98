import * as t from 'io-ts'

/**
 * Who sets a field of the envelope: the writer (the kernel's append, from the command and its clock),
 * the stream (where the event is placed in its stream: position and hash chain), or the store (when
 * it commits the append: global position and commit time).
 */
export type SetBy = 'writer' | 'stream' | 'store'

/** One field of the stored envelope: its codec (JSON form ↔ value), who sets it, whether the hash covers it. */
export interface EnvelopeField<A, O, S extends SetBy, H extends boolean> {
  readonly codec: t.Type<A, O, unknown>
  readonly setBy: S
  /** A member of the canonical JSON that the per-stream hash covers (ADR 0003). */
  readonly hashed: H
  /** A field added after export files were first written: absent from one, it reads as null. */
  readonly absentIsNull?: boolean
}

const field = <A, O, S extends SetBy, H extends boolean>(
  codec: t.Type<A, O, unknown>,
  setBy: S,
  hashed: H,
  absentIsNull = false,
): EnvelopeField<A, O, S, H> => ({ codec, setBy, hashed, absentIsNull })

/** An instant as ISO-8601 text (what `Date#toISOString` writes: milliseconds, UTC). */
const IsoTime = new t.Type<string, string, unknown>(
  'ISO-8601 time',
  (u): u is string => typeof u === 'string' && !Number.isNaN(Date.parse(u)),
  (u, c) => (typeof u === 'string' && !Number.isNaN(Date.parse(u)) ? t.success(u) : t.failure(u, c)),
  t.identity,
)
/** A global position: a bigint, in JSON a decimal string (JSON numbers lose precision past 2^53). */
const GlobalPosition = new t.Type<bigint, string, unknown>(
  'global position (decimal string)',
  (u): u is bigint => typeof u === 'bigint',
  (u, c) => (typeof u === 'string' && /^\d{1,20}$/.test(u) ? t.success(BigInt(u)) : t.failure(u, c)),
  (b) => b.toString(),
)
const PositiveInt = (name: string) => t.refinement(t.Int, (n) => n >= 1, name) as unknown as t.Type<number>
/** Any JSON value, but present. */
const JsonValue = new t.Type<unknown>(
  'JSON value',
  (u): u is unknown => u !== undefined,
  (u, c) => (u === undefined ? t.failure(u, c, 'missing') : t.success(u)),
  t.identity,
)
const nullable = <A, O>(codec: t.Type<A, O, unknown>) =>
  t.union([codec, t.null]) as unknown as t.Type<A | null, O | null, unknown>
const ActorCodec = t.readonly(t.type({ id: t.string, role: t.string }))
/** A W3C trace context `traceparent` (version, trace id, span id, flags in lower-case hex). */
const Traceparent = t.refinement(
  t.string,
  (s) => /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(s),
  'traceparent',
)

/**
 * The envelope of a stored event, declared once: the types of the stored, pending and chained
 * events, the list of fields the hash covers, and the JSON form of export and import all derive from
 * it. The order is the order of the JSON form. Code on the hot paths (the hash, the row mappings,
 * `toRecorded`) builds its objects field by field (ADR 0003): their types come from here, so a field
 * added here and missing there is a compile error, and a test checks the hash against `hashedFields`.
 */
export const envelopeFields = {
  /** UUID v7. */
  eventId: field(t.string, 'writer', true),
  streamName: field(t.string, 'stream', true),
  /** 1-based position in the stream. */
  streamPosition: field(PositiveInt('stream position (1, 2, …)'), 'stream', true),
  /** Strictly increasing across the store; left out of the hash, so a log moved to another store verifies. */
  globalPosition: field(GlobalPosition, 'store', false),
  /**
   * When the store committed the append, by the store's clock, assigned in global order and never
   * below the commit time before it (docs/architecture.md, "As of a time"). Not in the per-stream
   * hash: the stream's chain is built before the store gives the append its place.
   */
  committedAt: field(IsoTime, 'store', false),
  /** The writer's clock when it appended: the business time it saw. */
  recordedAt: field(IsoTime, 'writer', true),
  type: field(t.string, 'writer', true),
  /** The schema version the data was written with. */
  schemaVersion: field(PositiveInt('schema version (1, 2, …)'), 'writer', true),
  /** The encoded data, personal fields sealed: a JSON value. */
  data: field(JsonValue, 'writer', true),
  correlationId: field(nullable(t.string), 'writer', true),
  causationId: field(nullable(t.string), 'writer', true),
  commandId: field(nullable(t.string), 'writer', true),
  actor: field(nullable(ActorCodec), 'writer', true),
  /**
   * The W3C `traceparent` of the command's span (docs/observability.md); null when there was none,
   * and for events written before the field existed. Not hashed: old chains verify as they are, and
   * a trace context says nothing about what happened.
   */
  traceparent: field(nullable(Traceparent), 'writer', false, true),
  /** The hash of the previous event of the stream ('' for the first): hashed as the hash's prefix. */
  prevHash: field(t.string, 'stream', false),
  /** SHA-256 over `prevHash` and the canonical JSON of the hashed fields. */
  hash: field(t.string, 'stream', false),
}

type Fields = typeof envelopeFields
export type EnvelopeFieldName = keyof Fields
type FieldsWhere<P extends keyof Fields[EnvelopeFieldName], V> = {
  [K in EnvelopeFieldName]: Fields[K][P] extends V ? K : never
}[EnvelopeFieldName]

/**
 * An event as a store keeps it: personal fields already encrypted, at the schema version it was
 * written with. This is what the hash chain covers and what export/import moves.
 */
export type StoredEvent = { readonly [K in EnvelopeFieldName]: t.TypeOf<Fields[K]['codec']> }

/** An event ready to be written: what the writer sets. */
export type PendingEvent = Pick<StoredEvent, FieldsWhere<'setBy', 'writer'>>

/** A stored event before the store committed it (no global position, no commit time yet). */
export type ChainedEvent = Omit<StoredEvent, FieldsWhere<'setBy', 'store'>> & {
  /** `data` as canonical JSON: what the hash covers, and the text a store writes (serialised once). */
  readonly dataJson: string
}

/** The fields the hash's canonical JSON holds. */
export type HashedEvent = Pick<StoredEvent, FieldsWhere<'hashed', true>>

const names = Object.keys(envelopeFields) as EnvelopeFieldName[]

/** The members of the hashed canonical JSON, in the (sorted) order they are written. */
export const hashedFields: ReadonlyArray<keyof HashedEvent> = names
  .filter((k) => envelopeFields[k].hashed)
  .sort() as Array<keyof HashedEvent>

/** The fields the writer sets, in envelope order. */
export const pendingFields: ReadonlyArray<keyof PendingEvent> = names.filter(
  (k) => envelopeFields[k].setBy === 'writer',
) as Array<keyof PendingEvent>

/** The pending part of a stored event (to append it again elsewhere: import). */
export const pendingOf = (e: StoredEvent): PendingEvent => {
  const out: Record<string, unknown> = {}
  for (const k of pendingFields) out[k] = e[k]
  return out as PendingEvent
}

/** The JSON form of a stored event (export): every field, in envelope order, the global position as a string. */
export const storedEventToJson = (e: StoredEvent): Record<EnvelopeFieldName, unknown> => {
  const out: Record<string, unknown> = {}
  for (const k of names) out[k] = (envelopeFields[k].codec as t.Type<unknown, unknown, unknown>).encode(e[k])
  return out as Record<EnvelopeFieldName, unknown>
}

/** Decodes the JSON form (import), with io-ts's errors naming the field that is wrong. */
export const storedEventJson: t.Decoder<unknown, StoredEvent> = new t.Type<StoredEvent, unknown, unknown>(
  'stored event',
  (u): u is StoredEvent =>
    typeof u === 'object' && u !== null && names.every((k) => k in u || envelopeFields[k].absentIsNull),
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, 'not an object')
    const input = u as Record<string, unknown>
    const out: Record<string, unknown> = {}
    const errors: t.Errors = []
    for (const k of names) {
      const value = input[k] === undefined && envelopeFields[k].absentIsNull ? null : input[k]
      const result = envelopeFields[k].codec.validate(
        value,
        t.appendContext(c, k, envelopeFields[k].codec, value),
      )
      if (result._tag === 'Left') errors.push(...result.left)
      else out[k] = result.right
    }
    return errors.length > 0 ? t.failures(errors) : t.success(out as StoredEvent)
  },
  t.identity,
)

/**
 * The commit time of an event written before stores assigned one (old export files; the schema
 * migrations of the SQL stores do the same in SQL): the greatest `recordedAt` at or before it in
 * global order, so that commit times never decrease. `recordedAt` is ISO-8601 text as the kernel
 * writes it (fixed width, UTC), whose text order is time order. `previous` is the value for the
 * event before it ('' for the first).
 */
export const legacyCommitTime = (previous: string, recordedAt: string): string =>
  previous === '' || recordedAt > previous ? recordedAt : previous
