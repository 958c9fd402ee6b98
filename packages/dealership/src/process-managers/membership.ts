import type { Actor } from '@dealer-crm/eventsourcing'
import type { DealershipPolicies } from '../policy.js'
import type { ProcessCommand } from '../process-command.js'

/** Enrol a customer as a loyalty member, on the card account the policy names for them. */
export const enrolment = (
  policies: DealershipPolicies,
  customerId: string,
  at: string,
  by: Actor,
): ProcessCommand => {
  const membership = policies.processes.membership
  return {
    domain: 'loyalty-points',
    customerId,
    command: {
      type: 'EnrolMember',
      data: {
        customerId,
        cardNumber: membership.cardNumberFor(customerId),
        level: membership.level ?? policies.loyaltyPoints.levels.tiers[0]?.name ?? 'standard',
        at,
        by,
      },
    },
    alreadyDone: ['AlreadyEnrolled'],
  }
}
