import { EventSourcingError, StoreError } from '@dealer-crm/eventsourcing'
import { CancelledError, DeadlineExceededError, UnavailableError } from '@eventstore/db-client'

/** The connection failed or was cut: worth retrying once the server answers again. */
export const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof CancelledError ||
  error instanceof DeadlineExceededError

/** Our typed errors pass through; any failure of the client becomes a StoreError naming the operation. */
export const storeErrorOf = (operation: string, error: unknown): Error => {
  if (error instanceof EventSourcingError) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new StoreError(
    `EventStoreDB ${operation} failed${isTransient(error) ? ' (server unreachable or connection lost)' : ''}: ${reason}`,
    { cause: error },
  )
}
