import { domainError } from '@dealer-crm/eventsourcing'

/** Why a complaint command was refused; the message is for the clerk at the desk. */
export type ComplaintErrorCode =
  | 'ComplaintAlreadyReceived'
  | 'ComplaintNotFound'
  | 'WrongComplaint'
  | 'TimeWentBackwards'
  | 'StepOutOfOrder'
  | 'ComplaintClosed'
  | 'EmptyProposal'
  | 'ApproverRoleTooLow'
  | 'RejectionNeedsReason'
  | 'AlreadyAtTopLevel'
  | 'AlreadyPaused'
  | 'NotPaused'

export interface ComplaintError {
  readonly code: ComplaintErrorCode
  readonly message: string
}

export const complaintError = (code: ComplaintErrorCode, message: string): ComplaintError =>
  domainError(code, message)
