import { type ActorOf, actor } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

/** The roles staff act in on a referral (docs/domain.md §2): the one place they are declared. */
export const referralRoles = [
  'sales-consultant',
  'duty-manager',
  'showroom-manager',
  'call-back-staff',
  'sales-manager',
  'general-manager',
] as const

/** A role of `referralRoles`, as the policy's role lists hold it. */
export const ReferralRole = t.keyof(
  Object.fromEntries(referralRoles.map((role) => [role, null])) as Record<ReferralRole, null>,
  'ReferralRole',
)
export type ReferralRole = (typeof referralRoles)[number]

/** Who acted on a referral: a member of staff (`StaffId`) in one of `referralRoles`. */
export const ReferralActor = actor(referralRoles)
export type ReferralActor = ActorOf<ReferralRole>
