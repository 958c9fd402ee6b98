import type { Event, RecordedEvent } from '@dealer-crm/eventsourcing'

/**
 * What the report reads of each domain event, named by its event type string (docs/events/*). Only
 * the fields used are declared, so the report depends on the events as stored, not on the names the
 * domain packages export; test/event-shapes.test.ts checks each shape against the dealership's
 * registry, so a change of a stored field fails there.
 */
type Ev<T extends string, D> = Event<T, D>
type At = { readonly at: string }
type Lots = ReadonlyArray<{ readonly points: number }>
type Reward = { readonly kind: string; readonly valueFen?: number; readonly points?: number }

export type ComplaintClock = 'response' | 'investigation' | 'resolution'
export type ReportSeverity = 'general' | 'escalated' | 'major'
export type CallBackOutcome = 'verified' | 'faked' | 'inconclusive'

export type ComplaintReportEvent =
  | Ev<'ComplaintReceived', At & { readonly complaintId: string; readonly severity: ReportSeverity }>
  | Ev<'SlaClockStopped', At & { readonly complaintId: string; readonly clock: ComplaintClock }>
  | Ev<'SlaBreached', At & { readonly complaintId: string; readonly clock: ComplaintClock }>
  | Ev<'ComplaintEscalated', At & { readonly complaintId: string }>
  | Ev<'ComplaintClosed', At & { readonly complaintId: string; readonly rootCause: string }>
  | Ev<'ComplaintReopened', At & { readonly complaintId: string }>

export type ReferralReportEvent =
  | Ev<'ReferralRegistered', { readonly referralId: string; readonly registeredAt: string }>
  | Ev<'LateClaimRejected', { readonly referralId: string; readonly claimedAt: string }>
  | Ev<'ReferralVerified', At & { readonly referralId: string }>
  | Ev<'ReferralFaked', At & { readonly referralId: string }>
  | Ev<'VerificationInconclusive', At & { readonly referralId: string }>
  | Ev<'ReferralReopened', At & { readonly referralId: string; readonly previousOutcome: CallBackOutcome }>
  | Ev<'RewardReleased', At & { readonly referralId: string; readonly reward: Reward }>
  | Ev<'RewardClawedBack', At & { readonly referralId: string; readonly reward: Reward }>
  | Ev<'FraudPenaltyRecorded', At & { readonly referralId: string; readonly amountFen: number }>
  | Ev<'FraudPenaltyLifted', At & { readonly referralId: string; readonly amountFen: number }>

export type LoyaltyReportEvent =
  | Ev<'MemberEnrolled', At & { readonly level: string }>
  | Ev<'PointsEarned', At & { readonly points: number }>
  | Ev<'PointsRedeemed', At & { readonly drawnFrom: Lots }>
  | Ev<'PointsExpired', At & { readonly lots: Lots }>
  | Ev<'PointsReversed', At & { readonly taken: number; readonly settledFrom: Lots }>
  | Ev<'PointsDebtSettled', At & { readonly lots: Lots }>
  | Ev<'PointsForfeited', At & { readonly lots: Lots }>
  | Ev<'LevelUpgraded', At & { readonly to: string }>
  | Ev<'LevelReviewed', At & { readonly to: string }>
  | Ev<'MemberExited', At>
  | Ev<'PrepaidToppedUp', At & { readonly amountFen: number }>
  | Ev<'PrepaidSpent', At & { readonly amountFen: number }>
  | Ev<'PrepaidRefunded', At & { readonly amountFen: number }>

type LifecycleStage = string
export type LifecycleReportEvent =
  | Ev<'ProspectRegistered', At & { readonly customerId: string }>
  | Ev<'VehicleDelivered', At & { readonly customerId: string }>
  | Ev<'ServiceVisitRecorded', At & { readonly customerId: string }>
  | Ev<'VehicleOwnershipTransferred', At & { readonly customerId: string }>
  | Ev<'StageChanged', At & { readonly customerId: string; readonly to: LifecycleStage }>
  | Ev<'StageOverridden', At & { readonly customerId: string; readonly to: LifecycleStage }>
  | Ev<'TouchpointDone', At & { readonly customerId: string }>
  | Ev<'SatisfactionRecorded', At & { readonly customerId: string }>

/** The business time of an event: `at`, or the claim's time for the two claim events. */
export const businessTime = (
  e: RecordedEvent<ComplaintReportEvent | ReferralReportEvent | LoyaltyReportEvent | LifecycleReportEvent>,
): string => {
  switch (e.type) {
    case 'ReferralRegistered':
      return e.data.registeredAt
    case 'LateClaimRejected':
      return e.data.claimedAt
    default:
      return e.data.at
  }
}
