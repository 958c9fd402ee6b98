export {
  AwardPoints,
  ConfirmExit,
  EarnPointsForSpend,
  EnrolMember,
  EvaluateMember,
  LoyaltyCommand,
  loyaltyCommandTypes,
  loyaltyStreamOf,
  memberStream,
  RedeemPoints,
  RefundDocument,
  RefundPrepaid,
  ReleasePendingPoints,
  RequestExitStatement,
  ResumeMember,
  SpendPrepaid,
  SuspendMember,
  TopUpPrepaid,
} from './commands.js'
export { type LoyaltyDecider, loyaltyDecider } from './decide.js'
export { loyaltyDomain } from './domain.js'
export { type LoyaltyError, type LoyaltyErrorCode, loyaltyError } from './errors.js'
export {
  ExitStatementIssued,
  LevelDowngradeNoticeSent,
  LevelGraceStarted,
  LevelReviewed,
  LevelUpgraded,
  type LoyaltyEvent,
  loyaltyEvents,
  loyaltyEventTypes,
  MemberEnrolled,
  MemberExited,
  MemberResumed,
  MemberSuspended,
  PendingPointsReleased,
  PointsDebtSettled,
  PointsEarned,
  PointsExpired,
  PointsForfeited,
  PointsRedeemed,
  PointsReversed,
  PrepaidRefunded,
  PrepaidSpent,
  PrepaidToppedUp,
} from './events.js'
export { CardNumber, DocumentId, MemberId, RedemptionId } from './ids.js'
export { drawSoonestExpiring, spendableLots, spendablePoints } from './ledger.js'
export { levelMeasure, levelTierFor, levelTierIndex } from './levels.js'
export {
  defaultLoyaltyPolicy,
  type EarningRate,
  type LevelPolicy,
  type LevelTier,
  type LoyaltyPolicy,
  type PendingRule,
} from './policy.js'
export * from './projections/index.js'
export { LoyaltyActor, LoyaltyRole, loyaltyRoles, RecordedLoyaltyActor } from './roles.js'
export {
  availablePoints,
  type ExitStatement,
  initialLoyaltyState,
  type Lot,
  type LoyaltyState,
  pendingPoints,
} from './state.js'
export {
  AwardCategory,
  awardCategories,
  FenAmount,
  FenBalance,
  LevelName,
  LotDraw,
  lotIdOf,
  PointCount,
  Points,
  PointsSource,
  RedemptionReward,
  redemptionRewards,
  SourceCategory,
  SpendCategory,
  spendCategories,
} from './values.js'
