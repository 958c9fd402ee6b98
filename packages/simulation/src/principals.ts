import { actorNamedBy, type Dealership, type Principal } from '@dealer-crm/dealership'

/** The member of staff a simulated command is written for, as the principal they log in as. */
const principalOf = (input: unknown): Principal => {
  const actor = actorNamedBy(input)
  if (actor === undefined) throw new Error('a simulated command names the member of staff who acts')
  return { id: actor.id, roles: [actor.role] }
}

/**
 * The facade as the simulated staff use it: each command goes through `dealership.as(principal)`
 * for the member of staff who does it, as a clerk logged in to a host would (docs/privacy.md).
 */
export const asStaff = (dealership: Dealership): Dealership => ({
  ...dealership,
  customerLifecycle: (input, o) => dealership.as(principalOf(input)).customerLifecycle(input, o),
  referralVerification: (input, o) => dealership.as(principalOf(input)).referralVerification(input, o),
  complaintWorkflow: (input, o) => dealership.as(principalOf(input)).complaintWorkflow(input, o),
  loyaltyPoints: (input, o) => dealership.as(principalOf(input)).loyaltyPoints(input, o),
})
