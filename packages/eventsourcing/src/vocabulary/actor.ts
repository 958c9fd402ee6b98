import * as t from 'io-ts'
import { StaffId } from './identifier.js'

/** Who acts on a command of a domain: a member of staff (or a process) and one of the domain's roles. */
export interface ActorOf<Role extends string> {
  readonly id: StaffId
  readonly role: Role
}

/**
 * The actor codec of a domain, from the roles it declares in one place:
 * `const complaintRoles = ['service-advisor', …] as const; export const ComplaintActor = actor(complaintRoles)`.
 */
export const actor = <Role extends string>(
  roles: readonly [Role, ...Role[]],
): t.Type<ActorOf<Role>, { readonly id: string; readonly role: string }, unknown> =>
  t.readonly(
    t.type(
      {
        id: StaffId,
        role: t.keyof(Object.fromEntries(roles.map((r) => [r, null])) as Record<Role, null>, 'Role'),
      },
      'Actor',
    ),
  )
