import type { Projection } from '@dealer-crm/eventsourcing'
import type { ComplaintEvent } from '../events.js'
import type { RootCause } from '../vocabulary.js'

/** The latest root cause of each closed complaint (a reopened and re-closed complaint counts once). */
export type ComplaintCauseTally = Map<string, RootCause>

/** Root causes of closed complaints, so causes can be ranked (docs/domain.md §5 Complaints). */
export const causeRankingProjection: Projection<ComplaintCauseTally, ComplaintEvent> = {
  name: 'complaint-cause-ranking',
  version: 1,
  handles: ['ComplaintClosed'],
  init: () => new Map(),
  apply: (tally, event) => {
    if (event.type === 'ComplaintClosed') tally.set(event.data.complaintId, event.data.rootCause)
    return tally
  },
}

export interface ComplaintCauseRank {
  readonly rootCause: RootCause
  readonly complaints: number
  /** This cause's share of all closed complaints, 0–1. */
  readonly share: number
  /** Share of this cause and every cause above it: the Pareto line. */
  readonly cumulativeShare: number
}

/** The Pareto of root causes: most frequent first (ties by name), with the cumulative share. */
export const causeRanking = (tally: ComplaintCauseTally): ReadonlyArray<ComplaintCauseRank> => {
  const counts = new Map<RootCause, number>()
  for (const cause of tally.values()) counts.set(cause, (counts.get(cause) ?? 0) + 1)
  const total = tally.size
  let running = 0
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([rootCause, complaints]) => {
      running += complaints
      return { rootCause, complaints, share: complaints / total, cumulativeShare: running / total }
    })
}
