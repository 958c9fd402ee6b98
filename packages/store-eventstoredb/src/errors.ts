import { EventSourcingError, isEventSourcingError, StoreError } from '@dealer-crm/eventsourcing'
import { CancelledError, DeadlineExceededError, UnavailableError } from '@eventstore/db-client'

/** The connection failed or was cut: worth retrying once the server answers again. */
export const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof CancelledError ||
  error instanceof DeadlineExceededError

/** Our typed errors pass through; any failure of the client becomes a StoreError naming the operation. */
export const storeErrorOf = (operation: string, error: unknown): Error => {
  if (isEventSourcingError(error)) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new StoreError(
    `EventStoreDB ${operation} failed${isTransient(error) ? ' (server unreachable or connection lost)' : ''}: ${reason}`,
    { cause: error },
  )
}

/**
 * An append larger than the server accepts (its MaxAppendSize, which counts all the events of
 * one append together), refused by the adapter before the events are sent.
 */
export class AppendTooLargeError extends EventSourcingError {
  readonly code = 'AppendTooLarge' as const
  constructor(
    readonly streamName: string,
    /** The largest event of the append: its type and size in bytes. */
    readonly eventType: string,
    readonly eventSize: number,
    readonly eventCount: number,
    /** All the events of the append, counted as the server counts them. */
    readonly appendSize: number,
    readonly maxAppendSize: number,
  ) {
    const what =
      eventCount === 1
        ? `event ${eventType} is ${eventSize} bytes`
        : `its ${eventCount} events are ${appendSize} bytes together (the largest, ${eventType}, is ${eventSize} bytes)`
    super(
      `EventStoreDB: append to ${streamName} refused before sending: ${what}, over the maximum append size of ${maxAppendSize} bytes (the server's MaxAppendSize; the adapter's maxAppendSize option)`,
    )
    this.name = 'AppendTooLargeError'
  }
}
