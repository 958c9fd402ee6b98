import type { Event } from '../decider/decider.js'

/** Who did it: a person or a process, and the role they acted in. */
export interface Actor {
  readonly id: string
  readonly role: string
}

/**
 * The metadata every store records with an event, in the same shape from every store
 * (ARCHITECTURE.md, "Semantics that every store shares").
 */
export interface EventMetadata {
  /** UUID v7. */
  readonly eventId: string
  readonly streamName: string
  /** 1-based position in the stream; the stream's version is the position of its last event. */
  readonly streamPosition: number
  /** Strictly increasing across the store; a reader never sees a lower one after a higher one. */
  readonly globalPosition: bigint
  /**
   * When the store committed the event, by the store's clock: never earlier than the commit time of
   * an event before it in global order. "As of a time" means the events committed by then.
   */
  readonly committedAt: Date
  /** The writer's clock when it appended (the business time it saw); writers' clocks may disagree. */
  readonly recordedAt: Date
  /** The schema version the event was written with (reads upcast to the latest). */
  readonly schemaVersion: number
  readonly correlationId: string | null
  readonly causationId: string | null
  readonly commandId: string | null
  readonly actor: Actor | null
  /**
   * The W3C `traceparent` of the span of the command that wrote the event (null: written with no
   * trace, or before events carried one). Followers link their spans to it; it is not hashed.
   * Every store sets it; it may be left out where events are made up by hand (tests of projections).
   */
  readonly traceparent?: string | null
  /** Hash of the previous event in the stream ('' for the first). */
  readonly prevHash: string
  /** SHA-256 over `prevHash` and the canonical stored form of this event. */
  readonly hash: string
}

/** A stored event as read back: the domain event plus its metadata. */
export type RecordedEvent<E extends Event = Event> = E & { readonly metadata: EventMetadata }

/** What a caller may attach to an append. */
export interface AppendMetadata {
  readonly correlationId?: string
  readonly causationId?: string
  readonly commandId?: string
  readonly actor?: Actor
  /** The trace context to record (default: the active span's, if any). */
  readonly traceparent?: string
}
