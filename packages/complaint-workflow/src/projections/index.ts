import { causeRankingProjection } from './cause-ranking.js'
import { complaintMetricsProjection } from './metrics.js'
import { slaBoardProjection } from './sla-board.js'
import { complaintTimelineProjection } from './timeline.js'

export * from './cause-ranking.js'
export * from './metrics.js'
export * from './sla-board.js'
export * from './timeline.js'

/** Every read model of complaint handling. */
export const complaintProjections = [
  slaBoardProjection,
  complaintTimelineProjection,
  causeRankingProjection,
  complaintMetricsProjection,
] as const
