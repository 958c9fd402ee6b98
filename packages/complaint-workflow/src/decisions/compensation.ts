import type { Fen, PositiveInt } from '@dealer-crm/eventsourcing'
import type { ComplaintPolicy } from '../policy.js'
import type { Compensation } from '../vocabulary.js'

/** The goodwill points a proposal grants, for the loyalty package to book (0: none). */
export const goodwillPoints = (items: ReadonlyArray<Compensation>): number =>
  items.reduce((sum, item) => sum + (item.kind === 'goodwill-points' ? item.points : 0), 0)

/** Goodwill points as the event holds them: a sum of positive whole numbers, when there are any. */
export const positivePoints = (points: number): PositiveInt => points as PositiveInt // checked > 0 by the caller

/**
 * What a proposal costs the dealership, in fen; an apology costs nothing (docs/domain.md §3 rules:
 * compensation above a policy limit needs approval by a higher role).
 */
export const compensationValue = (p: ComplaintPolicy, items: ReadonlyArray<Compensation>): Fen =>
  items.reduce((sum, item) => sum + itemValue(p, item), 0) as Fen // a sum of whole, non-negative fen

const itemValue = (p: ComplaintPolicy, item: Compensation): number => {
  switch (item.kind) {
    case 'apology':
      return 0
    case 'discount':
      return Math.floor((item.onAmount * item.percent) / 100)
    case 'price-correction':
    case 'service-voucher':
      return item.amount
    case 'goodwill-points':
      return item.points * p.fenPerGoodwillPoint
  }
}
