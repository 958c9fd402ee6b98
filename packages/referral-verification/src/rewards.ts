import { Count, Fen } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import type { ReferralRewardTier } from './policy.js'

/** docs/domain.md §2.6: gifts, cash back, purchase vouchers or loyalty points. */
export const ReferralRewardKind = t.keyof(
  { gift: null, 'cash-back': null, 'purchase-voucher': null, 'loyalty-points': null },
  'ReferralRewardKind',
)
export type ReferralRewardKind = t.TypeOf<typeof ReferralRewardKind>

/** A referral reward as paid: money's worth in fen, or points for the loyalty package to book. */
export const ReferralReward = t.union(
  [
    t.type({ kind: t.keyof({ gift: null, 'cash-back': null, 'purchase-voucher': null }), valueFen: Fen }),
    t.type({ kind: t.literal('loyalty-points'), points: Count }),
  ],
  'ReferralReward',
)
export type ReferralReward = t.TypeOf<typeof ReferralReward>

/** The reward of a kind that a tier pays. */
export const rewardOf = (kind: ReferralRewardKind, tier: ReferralRewardTier): ReferralReward => {
  switch (kind) {
    case 'gift':
      return { kind, valueFen: tier.giftFen }
    case 'cash-back':
      return { kind, valueFen: tier.cashBackFen }
    case 'purchase-voucher':
      return { kind, valueFen: tier.purchaseVoucherFen }
    case 'loyalty-points':
      return { kind, points: tier.loyaltyPoints }
  }
}
