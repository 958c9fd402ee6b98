import { DomainRejectedError, isEventSourcingError } from '@dealer-crm/eventsourcing'
import type { SendError } from './send.js'

/** The facade's edge: a `Left` becomes the error it holds (a rule's refusal as a `DomainRejectedError`). */
export const orThrow = <A>(result: { _tag: 'Left'; left: SendError } | { _tag: 'Right'; right: A }): A => {
  if (result._tag === 'Right') return result.right
  throw isEventSourcingError(result.left) ? result.left : new DomainRejectedError(result.left)
}
