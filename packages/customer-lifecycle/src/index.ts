export {
  hasVinCheckDigit,
  Kilometres,
  LicencePlate,
  PhoneNumber,
  RfmScore,
  SurveyScore,
  Vin,
  vinCheckDigit,
} from './codecs.js'
export {
  AssessReferralPotential,
  AssignCustomerManager,
  AssignValueTier,
  CancelTouchpoint,
  EvaluateCustomer,
  GrantConsent,
  LifecycleCommand,
  type LifecycleCommandOf,
  lifecycleCommandTypes,
  lifecycleStreamOf,
  OverrideStage,
  PlanTouchpoint,
  ReassignCustomerManager,
  RecordDelivery,
  RecordFamilyMember,
  RecordInboundContact,
  RecordPersonalityType,
  RecordSatisfaction,
  RecordServiceVisit,
  RecordTouchpointOutcome,
  RegisterProspect,
  ScoreRfm,
  SetAccountFlag,
  TransferOwnership,
  WithdrawConsent,
} from './commands.js'
export { type LifecycleDecider, lifecycleDecider } from './decide.js'
export { lifecycleDomain } from './domain.js'
export { type LifecycleError, type LifecycleErrorCode, lifecycleError } from './errors.js'
export {
  type AccountFlagSet,
  type ConsentGranted,
  type ConsentWithdrawn,
  type CustomerManagerAssigned,
  type CustomerManagerReassigned,
  type FamilyMemberRecorded,
  type InboundContactRecorded,
  type LifecycleEvaluated,
  type LifecycleEvent,
  lifecycleEvents,
  type PersonalityTypeRecorded,
  type ProspectRegistered,
  type ReferralPotentialAssessed,
  type RfmScored,
  type SatisfactionRecorded,
  type ServiceVisitRecorded,
  type StageChanged,
  StageEvidence,
  type StageOverridden,
  type StageOverrideExpired,
  type TouchpointCancelled,
  type TouchpointDone,
  type TouchpointPlanned,
  type ValueTierAssigned,
  type VehicleDelivered,
  type VehicleOwnershipTransferred,
} from './events.js'
export {
  ContactId,
  FamilyMemberId,
  lifecycleStream,
  RepairOrderNumber,
  SurveyId,
  TouchpointId,
} from './ids.js'
export { defaultLifecyclePolicy, LifecyclePolicy } from './policy.js'
export * from './projections/index.js'
export { LifecycleActor, LifecycleRole, lifecycleRoles } from './roles.js'
export { contactStyleOf, rfmSegmentOf, satisfactionOf, valueTierOf, valueWindow } from './segments.js'
export { type Assessment, assess, expectedInterval, nextStage, type StageMove } from './stage.js'
export {
  type Consent,
  consentKey,
  type FamilyMember,
  initialLifecycleState,
  type LifecycleState,
  type ServiceVisit,
  type StageOverride,
  type Touchpoint,
  type Vehicle,
} from './state.js'
export { busiestMarketingWindow, hasLiveConsent, inQuietHours, purposeOf } from './touchpoints.js'
export * from './vocabulary.js'
