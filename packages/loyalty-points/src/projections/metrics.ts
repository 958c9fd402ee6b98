import { addElapsedDays, type Instant, isBefore, later, type Projection } from '@dealer-crm/eventsourcing'
import type { LoyaltyEvent } from '../events.js'
import type { LotDraw } from '../values.js'
import { memberIdOf } from './member-id.js'

/** Running totals of the programme, in points and fen. */
export interface LoyaltyTotals {
  issued: number
  redeemed: number
  expired: number
  /** Taken back by refunds (from the document's lot and, under the debt policy, from other lots). */
  reversed: number
  debtSettled: number
  forfeited: number
  prepaidLiabilityFen: number
  /** Members not exited, with the time of their last earning, redemption or prepaid movement. */
  readonly members: Map<string, Instant | null>
}

const drawn = (lots: ReadonlyArray<LotDraw>) => lots.reduce((sum, d) => sum + d.points, 0)

const touch = (state: LoyaltyTotals, memberId: string, at: Instant) => {
  if (!state.members.has(memberId)) return
  const last = state.members.get(memberId) ?? null
  state.members.set(memberId, last === null ? at : later(last, at))
}

/** The programme's running totals (`loyaltyMetrics` turns them into rates). */
export const loyaltyTotalsProjection: Projection<LoyaltyTotals, LoyaltyEvent> = {
  name: 'loyalty-metrics',
  version: 1,
  handles: [
    'MemberEnrolled',
    'PointsEarned',
    'PointsRedeemed',
    'PointsExpired',
    'PointsReversed',
    'PointsDebtSettled',
    'PointsForfeited',
    'PrepaidToppedUp',
    'PrepaidSpent',
    'PrepaidRefunded',
    'MemberExited',
  ],
  init: () => ({
    issued: 0,
    redeemed: 0,
    expired: 0,
    reversed: 0,
    debtSettled: 0,
    forfeited: 0,
    prepaidLiabilityFen: 0,
    members: new Map(),
  }),
  apply: (state, event) => {
    const id = memberIdOf(event)
    switch (event.type) {
      case 'MemberEnrolled':
        state.members.set(id, null)
        break
      case 'PointsEarned':
        state.issued += event.data.points
        touch(state, id, event.data.at)
        break
      case 'PointsRedeemed':
        state.redeemed += drawn(event.data.drawnFrom)
        touch(state, id, event.data.at)
        break
      case 'PointsExpired':
        state.expired += drawn(event.data.lots)
        break
      case 'PointsReversed':
        state.reversed += event.data.taken + drawn(event.data.settledFrom)
        break
      case 'PointsDebtSettled':
        state.debtSettled += drawn(event.data.lots)
        break
      case 'PointsForfeited':
        state.forfeited += drawn(event.data.lots)
        break
      case 'PrepaidToppedUp':
        state.prepaidLiabilityFen += event.data.amountFen
        touch(state, id, event.data.at)
        break
      case 'PrepaidSpent':
        state.prepaidLiabilityFen -= event.data.amountFen
        touch(state, id, event.data.at)
        break
      case 'PrepaidRefunded':
        state.prepaidLiabilityFen -= event.data.amountFen
        break
      case 'MemberExited':
        state.members.delete(id)
        break
      default:
        break
    }
    return state
  },
}

/** A share, with its parts, so a report can show "12 of 480"; null when nothing to divide by. */
export interface LoyaltyRate {
  readonly numerator: number
  readonly denominator: number
  readonly value: number | null
}

const rate = (numerator: number, denominator: number): LoyaltyRate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
})

export interface LoyaltyMetrics {
  /** Points the dealer still owes: issued and not yet redeemed, expired, reversed or forfeited. */
  readonly pointsLiability: number
  /** Expired ÷ issued (docs/domain.md §5). */
  readonly breakage: LoyaltyRate
  /** Redeemed ÷ issued. */
  readonly redemptionRate: LoyaltyRate
  /** Members with an earning, redemption or prepaid movement in the window ÷ current members. */
  readonly activeMemberRate: LoyaltyRate
  /** Prepaid money held for members, in fen. */
  readonly prepaidLiabilityFen: number
}

export const loyaltyMetrics = (
  totals: LoyaltyTotals,
  asOf: Instant,
  activeWithinDays = 365,
): LoyaltyMetrics => {
  const since = addElapsedDays(asOf, -activeWithinDays)
  const active = [...totals.members.values()].filter((last) => last !== null && !isBefore(last, since)).length
  return {
    pointsLiability:
      totals.issued -
      totals.redeemed -
      totals.expired -
      totals.reversed -
      totals.debtSettled -
      totals.forfeited,
    breakage: rate(totals.expired, totals.issued),
    redemptionRate: rate(totals.redeemed, totals.issued),
    activeMemberRate: rate(active, totals.members.size),
    prepaidLiabilityFen: totals.prepaidLiabilityFen,
  }
}
