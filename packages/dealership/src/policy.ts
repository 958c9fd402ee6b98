import {
  type ComplaintChannel,
  type ComplaintPolicy,
  defaultComplaintPolicy,
  type Severity,
} from '@dealer-crm/complaint-workflow'
import {
  type Channel,
  defaultPolicy as defaultLifecyclePolicy,
  type LifecyclePolicy,
  type OwnerStage,
} from '@dealer-crm/customer-lifecycle'
import { defaultPolicy as defaultLoyaltyPolicy, type LoyaltyPolicy } from '@dealer-crm/loyalty-points'
import { defaultReferralPolicy, type ReferralPolicy } from '@dealer-crm/referral-verification'

type ReferralPotential = 'high' | 'medium' | 'low'

/** How the process managers link the domains: plain data, every choice a dealer may change. */
export interface ProcessPolicy {
  readonly membership: {
    /** A delivery enrols the buyer as a loyalty member (docs/domain.md §4 会员卡). */
    readonly enrolOnDelivery: boolean
    /** Points due to a customer who is not yet a member enrol them first (else the award is refused). */
    readonly enrolWhenEarning: boolean
    /** The member card account (`member-<id>`) a process manager opens for a customer. */
    readonly memberIdFor: (customerId: string) => string
    readonly cardNumberFor: (customerId: string) => string
    /** The level a new member starts at; null: the lowest level of the loyalty policy. */
    readonly level: string | null
  }
  readonly complaints: {
    /** The lifecycle's contact channel a complaint's touchpoint is recorded under. */
    readonly touchpointChannel: Readonly<Record<ComplaintChannel, Channel>>
    /** A complaint of these severities holds the customer's stage for a while; null: never. */
    readonly moveStage: {
      readonly severities: ReadonlyArray<Severity>
      readonly to: OwnerStage
      readonly forDays: number
    } | null
  }
  readonly referralPotential: {
    /** The referrer's referral potential after a verified referral; null: leave it. */
    readonly verified: ReferralPotential | null
    /** …and after a faked one. */
    readonly faked: ReferralPotential | null
  }
}

export const defaultProcessPolicy: ProcessPolicy = {
  membership: {
    enrolOnDelivery: true,
    enrolWhenEarning: true,
    memberIdFor: (customerId) => customerId,
    cardNumberFor: (customerId) => `card-${customerId}`,
    level: null,
  },
  complaints: {
    touchpointChannel: { phone: 'call', 'on-site': 'call', written: 'sms' },
    moveStage: null,
  },
  referralPotential: { verified: 'high', faked: 'low' },
}

/** The policies of the four domains and of the process managers linking them. */
export interface DealershipPolicies {
  readonly customerLifecycle: LifecyclePolicy
  readonly referralVerification: ReferralPolicy
  readonly complaintWorkflow: ComplaintPolicy
  readonly loyaltyPoints: LoyaltyPolicy
  readonly processes: ProcessPolicy
}

export const defaultDealershipPolicies: DealershipPolicies = {
  customerLifecycle: defaultLifecyclePolicy,
  referralVerification: defaultReferralPolicy,
  complaintWorkflow: defaultComplaintPolicy,
  loyaltyPoints: defaultLoyaltyPolicy,
  processes: defaultProcessPolicy,
}
