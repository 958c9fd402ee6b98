import { levelDistributionProjection } from './level-distribution.js'
import { memberLedgersProjection } from './member-statement.js'
import { loyaltyTotalsProjection } from './metrics.js'

export * from './level-distribution.js'
export * from './member-statement.js'
export * from './metrics.js'

/** Every read model of the loyalty programme. */
export const loyaltyProjections = [
  memberLedgersProjection,
  levelDistributionProjection,
  loyaltyTotalsProjection,
] as const
