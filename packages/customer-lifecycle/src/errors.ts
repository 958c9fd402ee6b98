/** Why a command was refused: a stable code and a message a clerk can read. */
export type LifecycleErrorCode =
  | 'NotRegistered'
  | 'AlreadyRegistered'
  | 'NotThisCustomer'
  | 'BeforeLastEvaluation'
  | 'FamilyMemberAlreadyRecorded'
  | 'UnknownFamilyMember'
  | 'VehicleAlreadyOwned'
  | 'WrongCheckDigit'
  | 'SellerIsBuyer'
  | 'VehicleNotOwned'
  | 'MileageWentBack'
  | 'RepairOrderAlreadyRecorded'
  | 'NotAnOwner'
  | 'ManagerAlreadyAssigned'
  | 'NoManagerToReassign'
  | 'SameManager'
  | 'SameStage'
  | 'WrongValueWindow'
  | 'ContactAlreadyRecorded'
  | 'TouchpointAlreadyPlanned'
  | 'UnknownTouchpoint'
  | 'TouchpointClosed'
  | 'DueInThePast'
  | 'GreetingOnlyForFamily'
  | 'NotEligible'
  | 'NoLiveConsent'
  | 'FrequencyCapReached'
  | 'QuietHours'
  | 'SurveyAlreadyRecorded'

export interface LifecycleError {
  readonly code: LifecycleErrorCode
  readonly message: string
}

export const lifecycleError = (code: LifecycleErrorCode, message: string): LifecycleError => ({
  code,
  message,
})
