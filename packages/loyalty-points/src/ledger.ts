import { type Instant, isBefore } from '@dealer-crm/eventsourcing'
import type { Lot, LoyaltyState } from './state.js'
import type { LotDraw } from './values.js'

const soonestExpiringFirst = (a: Lot, b: Lot): number =>
  Date.parse(a.expiresAt) - Date.parse(b.expiresAt) ||
  Date.parse(a.earnedAt) - Date.parse(b.earnedAt) ||
  (a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0)

/** Lots the member may spend at `at`: released, not empty, not yet expired. */
export const spendableLots = (m: LoyaltyState, at: Instant, except?: string): ReadonlyArray<Lot> =>
  m.lots
    .filter(
      (lot) =>
        lot.pending === null && lot.remaining > 0 && isBefore(at, lot.expiresAt) && lot.lotId !== except,
    )
    .sort(soonestExpiringFirst)

export const spendablePoints = (m: LoyaltyState, at: Instant): number =>
  spendableLots(m, at).reduce((sum, lot) => sum + lot.remaining, 0)

/** docs/domain.md §5 (Odoo's ledger): draw from the soonest-expiring lots first, up to `points`. */
export const drawSoonestExpiring = (lots: ReadonlyArray<Lot>, points: number): ReadonlyArray<LotDraw> => {
  const draws: LotDraw[] = []
  let left = points
  for (const lot of lots) {
    if (left === 0) break
    const take = Math.min(left, lot.remaining)
    if (take > 0) draws.push({ lotId: lot.lotId, points: take })
    left -= take
  }
  return draws
}

export const totalOf = (draws: ReadonlyArray<LotDraw>): number => draws.reduce((sum, d) => sum + d.points, 0)

/** docs/domain.md §4: what is left of every lot whose expiry has come, and nothing else. */
export const expiredBy = (m: LoyaltyState, at: Instant): ReadonlyArray<LotDraw> =>
  m.lots
    .filter((lot) => lot.remaining > 0 && !isBefore(at, lot.expiresAt))
    .map((lot) => ({ lotId: lot.lotId, points: lot.remaining }))

/** Pending lots whose locking period has ended by `at`. */
export const releasableBy = (m: LoyaltyState, at: Instant): ReadonlyArray<LotDraw> =>
  m.lots
    .filter(
      (lot) =>
        lot.remaining > 0 &&
        lot.pending !== null &&
        lot.pending.availableFrom !== null &&
        !isBefore(at, lot.pending.availableFrom),
    )
    .map((lot) => ({ lotId: lot.lotId, points: lot.remaining }))
