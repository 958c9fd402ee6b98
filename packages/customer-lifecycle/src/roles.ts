import { type ActorOf, actor } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

/**
 * The roles that act on a customer's lifecycle: the dealership staff of docs/domain.md §1, and the
 * scheduler that sends evaluations. The one place they are declared.
 */
export const lifecycleRoles = [
  'sales-consultant',
  'customer-manager',
  'service-advisor',
  'showroom-manager',
  'duty-manager',
  'call-back-staff',
  'scheduler',
] as const

export type LifecycleRole = (typeof lifecycleRoles)[number]

/** A role of `lifecycleRoles`. */
export const LifecycleRole = t.keyof(
  Object.fromEntries(lifecycleRoles.map((role) => [role, null])) as Record<LifecycleRole, null>,
  'LifecycleRole',
)

/** Who acted on a customer: a member of staff (`StaffId`), or the scheduler, in one of `lifecycleRoles`. */
export const LifecycleActor = actor(lifecycleRoles)
export type LifecycleActor = ActorOf<LifecycleRole>
