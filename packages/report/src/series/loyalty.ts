import { idOf, type Projection } from '@dealer-crm/eventsourcing'
import type { LoyaltyReportEvent } from '../events.js'
import { advanceTo, bucket, type Month, type MonthCursor, monthOf } from '../months.js'

export interface LoyaltyMonth {
  /** Points movements in the month, counted as the domain's loyalty totals count them. */
  issued: number
  redeemed: number
  expired: number
  reversed: number
  /** Refund debts settled from new points, and points forfeited on exit: they also end a liability. */
  debtSettled: number
  forfeited: number
  enrolled: number
  exited: number
  /** At the month's end (null while the month is open): points owed, prepaid money held, members per level. */
  liabilityPoints: number | null
  prepaidFen: number | null
  levelsAtEnd: Record<string, number> | null
}

export interface LoyaltySeriesState extends MonthCursor {
  readonly months: Map<Month, LoyaltyMonth>
  /** Current members (not exited) and their level. */
  readonly levelOf: Map<string, string>
  liabilityPoints: number
  prepaidFen: number
}

const sum = (lots: ReadonlyArray<{ readonly points: number }>) => lots.reduce((n, l) => n + l.points, 0)

const freshMonth = (): LoyaltyMonth => ({
  issued: 0,
  redeemed: 0,
  expired: 0,
  reversed: 0,
  debtSettled: 0,
  forfeited: 0,
  enrolled: 0,
  exited: 0,
  liabilityPoints: null,
  prepaidFen: null,
  levelsAtEnd: null,
})

const endFigures = (s: LoyaltySeriesState) => {
  const levelsAtEnd: Record<string, number> = {}
  for (const level of s.levelOf.values()) levelsAtEnd[level] = (levelsAtEnd[level] ?? 0) + 1
  return { liabilityPoints: s.liabilityPoints, prepaidFen: s.prepaidFen, levelsAtEnd }
}

/**
 * The loyalty programme month by month (docs/domain.md §4, §5 Loyalty): points issued, redeemed,
 * expired and reversed, and at each month's end the points still owed, prepaid money held and
 * members per level (会员等级).
 */
export const loyaltySeriesProjection: Projection<LoyaltySeriesState, LoyaltyReportEvent> = {
  name: 'report.loyalty-series',
  version: 1,
  handles: [
    'MemberEnrolled',
    'PointsEarned',
    'PointsRedeemed',
    'PointsExpired',
    'PointsReversed',
    'PointsDebtSettled',
    'PointsForfeited',
    'LevelUpgraded',
    'LevelReviewed',
    'MemberExited',
    'PrepaidToppedUp',
    'PrepaidSpent',
    'PrepaidRefunded',
  ],
  init: () => ({ cursor: null, months: new Map(), levelOf: new Map(), liabilityPoints: 0, prepaidFen: 0 }),
  apply: (s, e) => {
    const month = monthOf(e.data.at)
    advanceTo(s, month, (closed) => Object.assign(bucket(s.months, closed, freshMonth), endFigures(s)))
    const b = bucket(s.months, month, freshMonth)
    const member = idOf(e.metadata.streamName)
    let owedChange = 0
    switch (e.type) {
      case 'MemberEnrolled':
        if (s.levelOf.has(member)) break
        b.enrolled += 1
        s.levelOf.set(member, e.data.level)
        break
      case 'PointsEarned':
        b.issued += e.data.points
        owedChange = e.data.points
        break
      case 'PointsRedeemed':
        owedChange = -sum(e.data.drawnFrom)
        b.redeemed -= owedChange
        break
      case 'PointsExpired':
        owedChange = -sum(e.data.lots)
        b.expired -= owedChange
        break
      case 'PointsReversed':
        owedChange = -(e.data.taken + sum(e.data.settledFrom))
        b.reversed -= owedChange
        break
      case 'PointsDebtSettled':
        owedChange = -sum(e.data.lots)
        b.debtSettled -= owedChange
        break
      case 'PointsForfeited':
        owedChange = -sum(e.data.lots)
        b.forfeited -= owedChange
        break
      case 'LevelUpgraded':
      case 'LevelReviewed':
        if (s.levelOf.has(member)) s.levelOf.set(member, e.data.to)
        break
      case 'MemberExited':
        if (s.levelOf.delete(member)) b.exited += 1
        break
      case 'PrepaidToppedUp':
        s.prepaidFen += e.data.amountFen
        break
      case 'PrepaidSpent':
      case 'PrepaidRefunded':
        s.prepaidFen -= e.data.amountFen
        break
    }
    s.liabilityPoints += owedChange
    return s
  },
}

/** The months of the series; the open month gets its end figures as they stand. Reading changes nothing. */
export const loyaltyMonths = (s: LoyaltySeriesState): ReadonlyMap<Month, LoyaltyMonth> => {
  const months = new Map(s.months)
  if (s.cursor !== null)
    months.set(s.cursor, { ...(s.months.get(s.cursor) ?? freshMonth()), ...endFigures(s) })
  return months
}
