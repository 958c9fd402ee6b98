import { addElapsedDays, type Instant, isBefore, type Projection } from '@dealer-crm/eventsourcing'
import { type LoyaltyEvent, loyaltyEventTypes } from '../events.js'
import { evolveLoyalty, initialLoyaltyState, type Lot, type LoyaltyState } from '../state.js'
import { memberIdOf } from './member-id.js'

/** Every member's ledger (`memberStatement` reads one), folded with the domain's own `evolve`: the history is the balance. */
export const memberLedgersProjection: Projection<Map<string, LoyaltyState>, LoyaltyEvent> = {
  name: 'loyalty-member-ledgers',
  version: 1,
  handles: loyaltyEventTypes,
  init: () => new Map(),
  apply: (state, event) => {
    const id = memberIdOf(event)
    state.set(id, evolveLoyalty(state.get(id) ?? initialLoyaltyState, event))
    return state
  },
}

export interface StatementLot {
  readonly lotId: string
  readonly source: Lot['source']
  readonly earnedAt: Instant
  readonly expiresAt: Instant
  readonly earned: number
  readonly remaining: number
  readonly pending: boolean
}

/** The member balance and ledger statement (docs/domain.md §4, §5): lots, pending, expiring soon. */
export interface MemberStatement {
  readonly memberId: string
  readonly cardNumber: string | null
  readonly status: LoyaltyState['status']
  readonly level: string | null
  readonly availablePoints: number
  readonly pendingPoints: number
  readonly debt: number
  readonly prepaidFen: number
  readonly lots: ReadonlyArray<StatementLot>
  /** Spendable lots expiring within the window after `asOf`, soonest first. */
  readonly expiringSoon: ReadonlyArray<StatementLot>
}

export const memberStatement = (
  ledgers: Map<string, LoyaltyState>,
  memberId: string,
  asOf: Instant,
  expiringWithinDays = 30,
): MemberStatement | undefined => {
  const m = ledgers.get(memberId)
  if (m === undefined) return undefined
  const live = m.lots.filter((lot) => lot.remaining > 0 && isBefore(asOf, lot.expiresAt))
  const lots = live.map(
    (lot): StatementLot => ({
      lotId: lot.lotId,
      source: lot.source,
      earnedAt: lot.earnedAt,
      expiresAt: lot.expiresAt,
      earned: lot.points,
      remaining: lot.remaining,
      pending: lot.pending !== null,
    }),
  )
  const horizon = addElapsedDays(asOf, expiringWithinDays)
  return {
    memberId,
    cardNumber: m.cardNumber,
    status: m.status,
    level: m.level,
    availablePoints: lots.reduce((sum, lot) => (lot.pending ? sum : sum + lot.remaining), 0),
    pendingPoints: lots.reduce((sum, lot) => (lot.pending ? sum + lot.remaining : sum), 0),
    debt: m.debt,
    prepaidFen: m.prepaidFen,
    lots,
    expiringSoon: lots
      .filter((lot) => !lot.pending && !isBefore(horizon, lot.expiresAt))
      .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt)),
  }
}
