import { domainError } from '@dealer-crm/eventsourcing'

export type LoyaltyErrorCode =
  | 'AlreadyEnrolled'
  | 'NotEnrolled'
  | 'MemberHasExited'
  | 'MemberIsSuspended'
  | 'MemberNotSuspended'
  | 'UnknownLevel'
  | 'BelowMinimumSpend'
  | 'NothingToEarn'
  | 'DocumentNotEarned'
  | 'InsufficientPoints'
  | 'InsufficientPrepaid'
  | 'NoExitStatement'
  | 'EvaluationInThePast'

/** A rule said no: a stable code and a sentence a clerk can read. */
export interface LoyaltyError {
  readonly code: LoyaltyErrorCode
  readonly message: string
}

export const loyaltyError = (code: LoyaltyErrorCode, message: string): LoyaltyError =>
  domainError(code, message)
