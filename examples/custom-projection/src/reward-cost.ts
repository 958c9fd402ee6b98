// A read model of your own: what referral rewards cost each month, per sales consultant.
// Written with the kernel's public `Projection` interface only: a name, a version, the event types it
// reads, `init` and a pure `evolve`. The same object then runs catch-up with a checkpoint, rebuilds
// from zero or folds "as of" a past date (see main.ts).
import type { DealershipEvent } from '@dealer-crm/dealership'
import type { Projection, RecordedEvent } from '@dealer-crm/eventsourcing'

/** Rewards paid in money's worth, in fen (docs/domain.md §2 step 6: gifts, cash back, purchase vouchers). */
export type MoneyKind = 'gift' | 'cash-back' | 'purchase-voucher'

/** One consultant's rewards released in one month, net of the claw-backs of those same rewards. */
export interface MonthCost {
  /** Rewards released this month (a clawed-back one still counts here, and in `clawedBack`). */
  readonly released: number
  readonly clawedBack: number
  /** Net value per money kind, in fen (integers: no rounding until it is printed). */
  readonly fen: Readonly<Record<MoneyKind, number>>
  /** Net loyalty points: counted apart, as points are not money until redeemed. */
  readonly points: number
}

interface ReferralSeen {
  /** Staff id of the consultant who reported the referral (and sold the car): `reportedBy`. */
  readonly consultantId: string
  /** The month its reward was released in, once it was. */
  readonly releasedIn: string | null
}

/** The state is plain JSON, so the catch-up runner can keep it in its checkpoint as it is. */
export interface RewardCost {
  readonly referrals: Readonly<Record<string, ReferralSeen>>
  /** Month (`YYYY-MM`, China time) → consultant id → cost. */
  readonly months: Readonly<Record<string, Readonly<Record<string, MonthCost>>>>
}

type Handled = Extract<
  DealershipEvent,
  { type: 'ReferralRegistered' | 'RewardReleased' | 'RewardClawedBack' }
>
type Reward = Extract<Handled, { type: 'RewardReleased' }>['data']['reward']

/** The consultant of a reward whose registration this log does not hold (it never happens in one log). */
export const unknownConsultant = '(unknown)'

const chinaOffsetMs = 8 * 3_600_000

/** The month an instant falls in at the dealership, in China Standard Time (UTC+8, no daylight saving). */
export const monthOf = (at: string): string =>
  new Date(Date.parse(at) + chinaOffsetMs).toISOString().slice(0, 7)

const emptyCost: MonthCost = {
  released: 0,
  clawedBack: 0,
  fen: { gift: 0, 'cash-back': 0, 'purchase-voucher': 0 },
  points: 0,
}

/** `cost` with a reward added (sign +1) or taken back (sign -1). */
const withReward = (cost: MonthCost, reward: Reward, sign: 1 | -1): MonthCost => ({
  released: cost.released + (sign === 1 ? 1 : 0),
  clawedBack: cost.clawedBack + (sign === -1 ? 1 : 0),
  fen:
    reward.kind === 'loyalty-points'
      ? cost.fen
      : { ...cost.fen, [reward.kind]: cost.fen[reward.kind] + sign * reward.valueFen },
  points: cost.points + (reward.kind === 'loyalty-points' ? sign * reward.points : 0),
})

const book = (state: RewardCost, month: string, consultantId: string, reward: Reward, sign: 1 | -1) => {
  const inMonth = state.months[month] ?? {}
  return {
    ...state.months,
    [month]: { ...inMonth, [consultantId]: withReward(inMonth[consultantId] ?? emptyCost, reward, sign) },
  }
}

export const init = (): RewardCost => ({ referrals: {}, months: {} })

/**
 * Pure: returns a new state and never changes the one given.
 * - `ReferralRegistered`: remember who reported it (LateClaimRejected is never rewarded, docs/domain.md §2 step 2).
 * - `RewardReleased`: the reward counts in the month of its release, for that consultant.
 * - `RewardClawedBack` (a returned sale, docs/domain.md §5 Referrals): it is taken off the month the reward
 *   was released in, so each month shows the net cost of the rewards it released. A month already
 *   reported can therefore go down later; `projectAsOf` shows what it was at the time.
 */
export const evolve = (state: RewardCost, event: RecordedEvent<Handled>): RewardCost => {
  switch (event.type) {
    case 'ReferralRegistered': {
      const { referralId, reportedBy } = event.data
      return {
        ...state,
        referrals: { ...state.referrals, [referralId]: { consultantId: reportedBy.id, releasedIn: null } },
      }
    }
    case 'RewardReleased': {
      const { referralId, reward, at } = event.data
      const seen = state.referrals[referralId] ?? { consultantId: unknownConsultant, releasedIn: null }
      const month = monthOf(at)
      return {
        referrals: { ...state.referrals, [referralId]: { ...seen, releasedIn: month } },
        months: book(state, month, seen.consultantId, reward, 1),
      }
    }
    case 'RewardClawedBack': {
      const { referralId, reward, at } = event.data
      const seen = state.referrals[referralId]
      const month = seen?.releasedIn ?? monthOf(at)
      return { ...state, months: book(state, month, seen?.consultantId ?? unknownConsultant, reward, -1) }
    }
  }
}

export const rewardCostProjection: Projection<RewardCost, DealershipEvent> = {
  name: 'example.referral-reward-cost',
  version: 1,
  handles: ['ReferralRegistered', 'RewardReleased', 'RewardClawedBack'],
  init,
  // The runners only pass the types in `handles`; anything else leaves the state as it is.
  apply: (state, event) =>
    event.type === 'ReferralRegistered' ||
    event.type === 'RewardReleased' ||
    event.type === 'RewardClawedBack'
      ? evolve(state, event)
      : state,
}

/** One row of the report. */
export interface CostRow extends MonthCost {
  readonly month: string
  readonly consultantId: string
}

/** The rows, by month then consultant. */
export const costRows = (state: RewardCost): ReadonlyArray<CostRow> =>
  Object.keys(state.months)
    .sort()
    .flatMap((month) => {
      const byConsultant = state.months[month] ?? {}
      return Object.keys(byConsultant)
        .sort()
        .map((consultantId) => ({ month, consultantId, ...(byConsultant[consultantId] ?? emptyCost) }))
    })
