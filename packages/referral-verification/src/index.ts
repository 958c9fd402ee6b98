export {
  CheckAtDelivery,
  CloseManualReview,
  RecordCallBackAnswers,
  RecordCallBackUnreachable,
  RecordSaleReturned,
  ReferralCommand,
  RegisterReferral,
  ReleaseReward,
  ReopenReferral,
  referralCommandTypes,
  referralStream,
  referralStreamOf,
  ScheduleCallBack,
  ScreenReferral,
} from './commands.js'
export { type ReferralDecider, referralDecider } from './decide.js'
export { referralDomain } from './domain.js'
export { drawCallBack } from './draw.js'
export { type ReferralError, type ReferralErrorCode, referralError } from './errors.js'
export {
  CallBackAnswered,
  CallBackScheduled,
  CallBackUnreachable,
  DeliveryChecked,
  FraudPenaltyLifted,
  FraudPenaltyRecorded,
  LateClaimRejected,
  ManualReviewClosed,
  type ReferralEvent,
  ReferralFaked,
  ReferralRegistered,
  ReferralReopened,
  ReferralScreened,
  ReferralVerified,
  ReferralVoided,
  ReferrerBlocked,
  ReferrerUnblocked,
  RegisteredReferee,
  RegisteredReferrer,
  RewardClawedBack,
  RewardReleased,
  referralEvents,
  VerificationInconclusive,
} from './events.js'
export { ReferralId } from './ids.js'
export { Phone, StoredPhone, samePhone } from './phone.js'
export { defaultReferralPolicy, ReferralPolicy, ReferralRewardTier, referralTierFor } from './policy.js'
export * from './projections/index.js'
export {
  AssertedVehicle,
  CallBackAnswer,
  CallBackDraw,
  CallBackQuestion,
  CallBackTopic,
  Callee,
} from './questions.js'
export { ReferralReward, ReferralRewardKind } from './rewards.js'
export { ReferralActor, ReferralRole, referralRoles } from './roles.js'
export {
  type CallBack,
  isLiveReferral,
  type Referral,
  type ReferralParty,
  type ReferralRewardState,
  type ReferralStage,
  type ReferralState,
} from './state.js'
export { PersonName, ReviewReason } from './text.js'
export { CarModel, Colour, DescribedVehicle, Gearbox } from './vehicle.js'
