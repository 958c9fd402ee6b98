import {
  addElapsedDays,
  type Count,
  type CustomerId,
  type Instant,
  type Projection,
} from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from '../events.js'
import type { ReferralId } from '../ids.js'
import { type ReferralPolicy, referralTierFor } from '../policy.js'
import type { ReferralReward } from '../rewards.js'

/** One referrer's account: successful referrals, tier, and rewards paid and pending (docs/domain.md §2.6, §5). */
export interface ReferrerAccount {
  readonly referrerId: CustomerId
  /** Verified referrals not since voided or reopened. */
  readonly successful: ReadonlyArray<ReferralId>
  /** The tier the referrer has reached, under the policy of their latest registration; null before the first. */
  readonly tier: string | null
  /** Verified, not yet paid. */
  readonly pending: ReadonlyArray<ReferralId>
  /** When each pending reward may be paid: delivery plus the policy's hold (docs/domain.md §5 Referrals). */
  readonly payableFrom: Record<string, Instant>
  readonly paid: ReadonlyArray<{ readonly referralId: ReferralId; readonly reward: ReferralReward }>
  readonly clawedBack: ReadonlyArray<{ readonly referralId: ReferralId; readonly reward: ReferralReward }>
  readonly paidFen: number
  readonly paidPoints: number
  /** Blocked from rewards while any of their fakes stands (docs/domain.md §2.7). */
  readonly blocked: boolean
  /** The faked referrals whose block stands; an overturned fake leaves the list. */
  readonly blockedBy: ReadonlyArray<ReferralId>
}

export interface ReferrerLedger {
  readonly accounts: Record<string, ReferrerAccount>
  readonly referrerOf: Record<string, CustomerId>
  readonly policyOf: Record<string, ReferralPolicy>
  /** Per referral: its reward hold in days, and when a reward may be paid (delivery plus the hold). */
  readonly holdDaysOf: Record<string, number>
  readonly payableFromOf: Record<string, Instant>
}

const worth = (reward: ReferralReward) =>
  reward.kind === 'loyalty-points' ? { fen: 0, points: reward.points } : { fen: reward.valueFen, points: 0 }

const without = (ids: ReadonlyArray<ReferralId>, id: ReferralId) => ids.filter((i) => i !== id)

const withoutKey = <V>(record: Record<string, V>, key: string): Record<string, V> =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key))

export const referrerLedgerProjection: Projection<ReferrerLedger, ReferralEvent> = {
  name: 'referral-verification.referrer-ledger',
  version: 2,
  handles: [
    'ReferralRegistered',
    'DeliveryChecked',
    'ReferralVerified',
    'ReferralFaked',
    'ReferrerBlocked',
    'RewardReleased',
    'ReferralVoided',
    'RewardClawedBack',
    'ReferralReopened',
    'ReferrerUnblocked',
  ],
  init: () => ({ accounts: {}, referrerOf: {}, policyOf: {}, holdDaysOf: {}, payableFromOf: {} }),
  apply: (s, e) => {
    const referralId = e.data.referralId
    if (e.type === 'ReferralRegistered') {
      const referrerId = e.data.referrer.subjectId
      s.referrerOf[referralId] = referrerId
      s.policyOf[referrerId] = e.data.policy
      s.holdDaysOf[referralId] = e.data.policy.rewardHoldDays
    }
    if (e.type === 'DeliveryChecked') {
      s.payableFromOf[referralId] = addElapsedDays(e.data.deliveredAt, s.holdDaysOf[referralId] ?? 0)
      return s
    }
    const referrerId = s.referrerOf[referralId]
    if (referrerId === undefined) return s
    const account = s.accounts[referrerId] ?? {
      referrerId,
      successful: [],
      tier: null,
      pending: [],
      payableFrom: {},
      paid: [],
      clawedBack: [],
      paidFen: 0,
      paidPoints: 0,
      blocked: false,
      blockedBy: [],
    }
    const next = ((): ReferrerAccount => {
      switch (e.type) {
        case 'ReferralVerified': {
          const payableFrom = s.payableFromOf[referralId]
          return {
            ...account,
            successful: [...account.successful, referralId],
            pending: [...account.pending, referralId],
            payableFrom:
              payableFrom === undefined
                ? account.payableFrom
                : { ...account.payableFrom, [referralId]: payableFrom },
          }
        }
        case 'ReferrerBlocked':
          return { ...account, blockedBy: [...without(account.blockedBy, referralId), referralId] }
        case 'ReferrerUnblocked':
          return { ...account, blockedBy: without(account.blockedBy, referralId) }
        case 'RewardReleased': {
          const value = worth(e.data.reward)
          return {
            ...account,
            pending: without(account.pending, referralId),
            payableFrom: withoutKey(account.payableFrom, referralId),
            paid: [...account.paid, { referralId, reward: e.data.reward }],
            paidFen: account.paidFen + value.fen,
            paidPoints: account.paidPoints + value.points,
          }
        }
        case 'RewardClawedBack': {
          const value = worth(e.data.reward)
          return {
            ...account,
            clawedBack: [...account.clawedBack, { referralId, reward: e.data.reward }],
            paidFen: account.paidFen - value.fen,
            paidPoints: account.paidPoints - value.points,
          }
        }
        case 'ReferralFaked':
        case 'ReferralVoided':
        case 'ReferralReopened':
          return {
            ...account,
            successful: without(account.successful, referralId),
            pending: without(account.pending, referralId),
            payableFrom: withoutKey(account.payableFrom, referralId),
          }
        default:
          return account
      }
    })()
    const policy = s.policyOf[referrerId]
    const tier = policy === undefined ? undefined : referralTierFor(policy, next.successful.length)
    s.accounts[referrerId] = { ...next, tier: tier?.name ?? null, blocked: next.blockedBy.length > 0 }
    return s
  },
}

/**
 * The referrer's standing to pass in `ReleaseReward` for one of their referrals: successful referrals
 * other than this one, and whether they are blocked.
 */
export const referrerStanding = (
  ledger: ReferrerLedger,
  referrerId: string,
  referralId: string,
): { successfulReferralsBefore: Count; blocked: boolean } =>
  accountStanding(ledger.accounts[referrerId], referralId)

/** The same standing from the referrer's account alone (undefined: a referrer with none yet). */
export const accountStanding = (
  account: ReferrerAccount | undefined,
  referralId: string,
): { successfulReferralsBefore: Count; blocked: boolean } => {
  const others = account?.successful.filter((id) => id !== referralId) ?? []
  return { successfulReferralsBefore: others.length as Count, blocked: account?.blocked ?? false } // a length is a count
}
