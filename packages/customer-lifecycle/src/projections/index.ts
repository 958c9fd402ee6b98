import { churnRiskProjection } from './churn-risk.js'
import { customerProfileProjection } from './customer-profile.js'
import { lifecycleMetricsProjection } from './metrics.js'
import { touchpointCalendarProjection } from './touchpoint-calendar.js'

export * from './churn-risk.js'
export * from './customer-profile.js'
export * from './metrics.js'
export * from './touchpoint-calendar.js'

/** Every read model of the customer lifecycle. */
export const lifecycleProjections = [
  customerProfileProjection,
  churnRiskProjection,
  touchpointCalendarProjection,
  lifecycleMetricsProjection,
] as const
