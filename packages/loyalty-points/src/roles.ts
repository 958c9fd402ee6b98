import { type ActorOf, actor } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

/**
 * The roles staff act in on a member card (docs/domain.md §4, §1 parties): the one place they are declared.
 * - at the counter: the `cashier` and the `service-advisor` book spend, redeem points, move prepaid money,
 *   suspend and resume a card, and state and confirm an exit; the `customer-manager` does the same for the
 *   members they look after;
 * - on delivery (the dealership's process managers pass the delivering consultant on): the `sales-consultant`
 *   enrols the buyer;
 * - awards and refunds of other domains, passed on by the process managers: a referral reward released by the
 *   `showroom-manager`, `duty-manager` or `sales-manager`; goodwill points granted by the `service-manager`,
 *   `after-sales-director` or `general-manager`;
 * - the `scheduler` sends the time-driven `EvaluateMember` and acts for the process managers.
 * The rules refuse nothing by role: a role outside this list is refused by the codec, naming `data.by.role`.
 */
export const loyaltyRoles = [
  'cashier',
  'service-advisor',
  'customer-manager',
  'sales-consultant',
  'showroom-manager',
  'duty-manager',
  'sales-manager',
  'service-manager',
  'after-sales-director',
  'general-manager',
  'scheduler',
] as const

export type LoyaltyRole = (typeof loyaltyRoles)[number]

/** A role of `loyaltyRoles`. */
export const LoyaltyRole = t.keyof(
  Object.fromEntries(loyaltyRoles.map((role) => [role, null])) as Record<LoyaltyRole, null>,
  'LoyaltyRole',
)

/** Who acted on a member card: a member of staff (`StaffId`) in one of `loyaltyRoles`. */
export const LoyaltyActor = actor(loyaltyRoles)
export type LoyaltyActor = ActorOf<LoyaltyRole>

const hasText = (s: string): boolean => s.trim().length > 0

/**
 * Who acted, as loyalty events hold it. Commands take a `LoyaltyActor`; events written before the roles were
 * declared hold any non-blank id and role, and keep reading.
 */
export const RecordedLoyaltyActor = t.type(
  {
    id: t.refinement(t.string, hasText, 'ActorId'),
    role: t.refinement(t.string, hasText, 'ActorRole'),
  },
  'RecordedLoyaltyActor',
)
export type RecordedLoyaltyActor = t.TypeOf<typeof RecordedLoyaltyActor>
