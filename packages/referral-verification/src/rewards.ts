import * as t from 'io-ts'
import { Count, Fen } from './values.js'

/** docs/domain.md §2.6: gifts, cash back, purchase vouchers or loyalty points. */
export const RewardKind = t.keyof(
  { gift: null, 'cash-back': null, 'purchase-voucher': null, 'loyalty-points': null },
  'RewardKind',
)
export type RewardKind = t.TypeOf<typeof RewardKind>

/** A reward as paid: money's worth in fen, or points for the loyalty package to book. */
export const Reward = t.union(
  [
    t.type({ kind: t.keyof({ gift: null, 'cash-back': null, 'purchase-voucher': null }), valueFen: Fen }),
    t.type({ kind: t.literal('loyalty-points'), points: Count }),
  ],
  'Reward',
)
export type Reward = t.TypeOf<typeof Reward>
