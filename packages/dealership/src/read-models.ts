import {
  causeRankingProjection,
  complaintMetricsProjection,
  complaintTimelineProjection,
  slaBoardProjection,
} from '@dealer-crm/complaint-workflow'
import {
  churnRiskProjection,
  customerProfileProjection,
  lifecycleMetrics,
  touchpointCalendarProjection,
} from '@dealer-crm/customer-lifecycle'
import { type Projection, widenProjection } from '@dealer-crm/eventsourcing'
import { levelDistribution, loyaltyTotals, memberLedgers } from '@dealer-crm/loyalty-points'
import {
  callBackQueueProjection,
  fraudReportProjection,
  refereeReferralsProjection,
  referralMetricsProjection,
  referrerLedgerProjection,
} from '@dealer-crm/referral-verification'
import { customer360Projection } from './customer-360.js'
import type { DealershipEvent } from './registry.js'

const over = <S, Sub extends DealershipEvent>(projection: Projection<S, Sub>) =>
  widenProjection<S, Sub, DealershipEvent>(projection)

/** Every read model the facade serves, by name: the four domains' own, and the customer 360. */
export const dealershipReadModels = {
  customerProfiles: over(customerProfileProjection),
  churnRisk: over(churnRiskProjection),
  touchpointCalendar: over(touchpointCalendarProjection),
  lifecycleMetrics: over(lifecycleMetrics),
  callBackQueue: over(callBackQueueProjection),
  referrerLedger: over(referrerLedgerProjection),
  fraudReport: over(fraudReportProjection),
  referralMetrics: over(referralMetricsProjection),
  refereeReferrals: over(refereeReferralsProjection),
  slaBoard: over(slaBoardProjection),
  complaintTimelines: over(complaintTimelineProjection),
  complaintCauses: over(causeRankingProjection),
  complaintMetrics: over(complaintMetricsProjection),
  memberLedgers: over(memberLedgers),
  levelDistribution: over(levelDistribution),
  loyaltyTotals: over(loyaltyTotals),
  customer360: customer360Projection,
} as const

export type ReadModelName = keyof typeof dealershipReadModels

/** The state of a read model, by name. */
export type ReadModelState<K extends ReadModelName> =
  (typeof dealershipReadModels)[K] extends Projection<infer S, DealershipEvent> ? S : never
