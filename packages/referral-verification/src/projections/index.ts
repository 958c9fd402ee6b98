import { callBackQueueProjection } from './call-back-queue.js'
import { fraudReportProjection } from './fraud-report.js'
import { referralMetricsProjection } from './metrics.js'
import { refereeReferralsProjection } from './referee-referrals.js'
import { referrerLedgerProjection } from './referrer-ledger.js'

export * from './call-back-queue.js'
export * from './fraud-report.js'
export * from './metrics.js'
export * from './referee-referrals.js'
export * from './referrer-ledger.js'

/** Every read model of referral verification. */
export const referralProjections = [
  callBackQueueProjection,
  referrerLedgerProjection,
  fraudReportProjection,
  referralMetricsProjection,
  refereeReferralsProjection,
] as const
