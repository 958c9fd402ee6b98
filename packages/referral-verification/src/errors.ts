import { domainError } from '@dealer-crm/eventsourcing'

/** Why a referral command was refused. */
export type ReferralErrorCode =
  | 'AlreadyRegistered'
  | 'NotRegistered'
  | 'WrongReferral'
  | 'RoleNotAllowed'
  | 'SelfReferral'
  | 'RefereeAlreadyReferred'
  | 'BeforeRegistration'
  | 'NotAwaitingScreening'
  | 'NotAwaitingDeliveryCheck'
  | 'NotReadyForCallBack'
  | 'NoCallBackScheduled'
  | 'VerifierIsSeller'
  | 'QuestionCountOutsidePolicy'
  | 'TooFewFalseStatements'
  | 'StatementNotFalse'
  | 'FactsErased'
  | 'AnswersDoNotMatchQuestions'
  | 'NotVerified'
  | 'RewardAlreadyReleased'
  | 'RewardOnHold'
  | 'ReferrerBlocked'
  | 'NoRewardTier'
  | 'NothingToVoid'
  | 'ReturnWindowClosed'
  | 'OutcomeNotFinal'
  | 'RewardAlreadyPaid'
  | 'NotInManualReview'

export interface ReferralError {
  readonly code: ReferralErrorCode
  readonly message: string
}

export const referralError = (code: ReferralErrorCode, message: string): ReferralError =>
  domainError(code, message)
