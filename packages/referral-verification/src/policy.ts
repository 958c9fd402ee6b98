import { Count, describeFieldErrors, Fen, fieldErrors } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { ReferralRole } from './roles.js'

/**
 * One reward tier: from the referrer's n-th successful referral on, what each kind of reward is worth
 * (docs/domain.md §5 Referrals: "tier rewards by the number of successful referrals").
 */
export const ReferralRewardTier = t.type(
  {
    name: t.string,
    fromSuccessfulReferral: Count,
    giftFen: Fen,
    cashBackFen: Fen,
    purchaseVoucherFen: Fen,
    loyaltyPoints: Count,
  },
  'ReferralRewardTier',
)
export type ReferralRewardTier = t.TypeOf<typeof ReferralRewardTier>

/**
 * A number of days a policy waits (the reward hold, the return window): whole, and at most 36,500 (a hundred
 * years), so that delivery plus the days is still an instant.
 */
const PolicyDays = t.refinement(Count, (days) => days <= 36_500, 'PolicyDays')

/**
 * The tunable rules of referral verification, recorded on the registration so that every later
 * decision about that referral uses the policy it was registered under.
 */
export const ReferralPolicy = t.intersection(
  [
    t.type({
      policyVersion: t.string,
      /** docs/domain.md §2.5: "3–4 simple, specific questions". */
      questionsAtLeast: Count,
      questionsAtMost: Count,
      /** docs/domain.md §2.5: at least one deliberately false statement the callee must correct. */
      falseStatementsAtLeast: Count,
      /** docs/domain.md §2.5: "two wrong answers mark the referral as faked". */
      wrongAnswersForFake: Count,
      /** docs/domain.md §5 Referrals: unreachable call-backs have a retry budget, then manual review. */
      callBackAttempts: Count,
      /** docs/domain.md §5 Referrals: a hold after delivery before the reward is paid (the seed pays at once: 0). */
      rewardHoldDays: PolicyDays,
      /** docs/domain.md §5 Referrals: a sale returned or cancelled within this many days of delivery voids the referral. */
      returnWindowDays: PolicyDays,
      /** docs/domain.md §2.7, §5 Referrals: the fine on the consultant who reported a faked referral (¥500). */
      fraudPenaltyFen: Fen,
      /** docs/domain.md §2.7: whether a faked referral blocks the referrer from further rewards. */
      blockReferrerOnFraud: t.boolean,
      /** docs/domain.md §2: roles that may register a referral (the duty manager, 值班经理). */
      registeringRoles: t.array(ReferralRole),
      /** docs/domain.md §2.3: roles that may screen a referral (the sales consultant, 销售顾问自行判断). */
      screeningRoles: t.array(ReferralRole),
      /** docs/domain.md §2.4: roles that may check the registration at delivery (the showroom manager, 展厅经理). */
      deliveryCheckRoles: t.array(ReferralRole),
      /** docs/domain.md §2: roles that may reopen a final outcome. */
      reopeningRoles: t.array(ReferralRole),
      /** Reward tiers; a referral earns the tier with the highest start at or below its number. */
      rewardTiers: t.array(ReferralRewardTier),
    }),
    t.partial({
      /**
       * docs/domain.md §2.1: roles that may report a referral to the duty manager (the sales consultant who sells
       * the car, 销售顾问须将此情况及时报告给值班经理). New in `referral-policy-2`; optional so that policies
       * recorded before it still read back, and a policy without it allows the sales consultant only.
       */
      reportingRoles: t.array(ReferralRole),
    }),
  ],
  'ReferralPolicy',
)

export type ReferralPolicy = t.TypeOf<typeof ReferralPolicy>

/** Who may report a referral when a policy does not say (docs/domain.md §2.1: the sales consultant). */
export const defaultReportingRoles: ReadonlyArray<ReferralRole> = ['sales-consultant']

/**
 * A policy written in code, through its codec (counts and amounts are whole numbers, roles are known), so that its
 * values carry their kernel types. Throws on an invalid policy: a policy in code is the programmer's to fix.
 */
export const checkedPolicy = (policy: t.OutputOf<typeof ReferralPolicy>): ReferralPolicy => {
  const decoded = ReferralPolicy.decode(policy)
  if (decoded._tag === 'Left')
    throw new Error(`invalid referral policy: ${describeFieldErrors(fieldErrors(decoded.left))}`)
  return decoded.right
}

/** The defaults of docs/domain.md §2 and §5; amounts other than the ¥500 fine are a dealer's choice, not the seed's. */
export const defaultReferralPolicy: ReferralPolicy = checkedPolicy({
  policyVersion: 'referral-policy-2',
  questionsAtLeast: 3,
  questionsAtMost: 4,
  falseStatementsAtLeast: 1,
  wrongAnswersForFake: 2,
  callBackAttempts: 3,
  rewardHoldDays: 0,
  returnWindowDays: 30,
  fraudPenaltyFen: 50_000,
  blockReferrerOnFraud: true,
  registeringRoles: ['duty-manager', 'showroom-manager', 'sales-manager'],
  reportingRoles: ['sales-consultant'],
  screeningRoles: ['sales-consultant'],
  deliveryCheckRoles: ['showroom-manager'],
  reopeningRoles: ['showroom-manager', 'sales-manager', 'general-manager'],
  rewardTiers: [
    {
      name: 'standard',
      fromSuccessfulReferral: 1,
      giftFen: 30_000,
      cashBackFen: 50_000,
      purchaseVoucherFen: 100_000,
      loyaltyPoints: 5_000,
    },
    {
      name: 'silver',
      fromSuccessfulReferral: 3,
      giftFen: 50_000,
      cashBackFen: 80_000,
      purchaseVoucherFen: 150_000,
      loyaltyPoints: 8_000,
    },
    {
      name: 'gold',
      fromSuccessfulReferral: 6,
      giftFen: 80_000,
      cashBackFen: 120_000,
      purchaseVoucherFen: 200_000,
      loyaltyPoints: 12_000,
    },
  ],
})

/** The tier of a referrer's n-th successful referral: the last tier starting at or before n. */
export const referralTierFor = (
  policy: ReferralPolicy,
  nthSuccessfulReferral: number,
): ReferralRewardTier | undefined =>
  policy.rewardTiers.reduce<ReferralRewardTier | undefined>(
    (found, tier) =>
      tier.fromSuccessfulReferral <= nthSuccessfulReferral &&
      (found === undefined || tier.fromSuccessfulReferral >= found.fromSuccessfulReferral)
        ? tier
        : found,
    undefined,
  )
