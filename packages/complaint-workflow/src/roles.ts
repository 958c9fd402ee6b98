import { type ActorOf, actor } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

/**
 * The roles staff act in on a complaint (docs/domain.md §1 parties), plus `system` for the SLA
 * scheduler: the one place they are declared.
 */
export const complaintRoles = [
  'system',
  'call-back-staff',
  'service-advisor',
  'customer-manager',
  'duty-manager',
  'service-manager',
  'after-sales-director',
  'general-manager',
] as const

/** A role of `complaintRoles`, as the policy's approval tiers and ranks hold it. */
export const ComplaintRole = t.keyof(
  Object.fromEntries(complaintRoles.map((role) => [role, null])) as Record<ComplaintRole, null>,
  'ComplaintRole',
)
export type ComplaintRole = (typeof complaintRoles)[number]

/** Who did it: every command and event names the member of staff (`StaffId`) and the role they acted in. */
export const ComplaintActor = actor(complaintRoles)
export type ComplaintActor = ActorOf<ComplaintRole>
