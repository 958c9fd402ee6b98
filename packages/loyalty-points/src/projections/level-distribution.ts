import type { Projection } from '@dealer-crm/eventsourcing'
import type { LoyaltyEvent } from '../events.js'
import { memberIdOf } from './member-id.js'

/** Tier distribution and flows (docs/domain.md §5 metrics). */
export interface LevelDistribution {
  readonly levelOf: Map<string, string>
  /** Current members per level. */
  readonly members: Record<string, number>
  /** Moves between levels, keyed `from → to`; enrolment comes from `new`, exit goes to `exited`. */
  readonly flows: Record<string, number>
}

const move = (
  state: LevelDistribution,
  memberId: string,
  from: string,
  to: string | null,
): LevelDistribution => {
  if (from === to) return state
  if (state.levelOf.has(memberId)) state.members[from] = (state.members[from] ?? 1) - 1
  if (to === null) state.levelOf.delete(memberId)
  else {
    state.levelOf.set(memberId, to)
    state.members[to] = (state.members[to] ?? 0) + 1
  }
  const key = `${from} → ${to ?? 'exited'}`
  state.flows[key] = (state.flows[key] ?? 0) + 1
  return state
}

export const levelDistributionProjection: Projection<LevelDistribution, LoyaltyEvent> = {
  name: 'loyalty-level-distribution',
  version: 1,
  handles: ['MemberEnrolled', 'LevelUpgraded', 'LevelReviewed', 'MemberExited'],
  init: () => ({ levelOf: new Map(), members: {}, flows: {} }),
  apply: (state, event) => {
    const id = memberIdOf(event)
    switch (event.type) {
      case 'MemberEnrolled':
        return state.levelOf.has(id) ? state : move(state, id, 'new', event.data.level)
      case 'LevelUpgraded':
      case 'LevelReviewed':
        return move(state, id, state.levelOf.get(id) ?? event.data.from, event.data.to)
      case 'MemberExited':
        return move(state, id, state.levelOf.get(id) ?? event.data.level, null)
      default:
        return state
    }
  },
}
