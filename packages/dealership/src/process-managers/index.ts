import type { ProcessManager } from '@dealer-crm/eventsourcing'
import type { DealershipPolicies } from '../policy.js'
import type { ProcessCommand } from '../process-command.js'
import type { DealershipEvent } from '../registry.js'
import { complaintTouchpoint } from './complaint-touchpoint.js'
import { deliveryMembership } from './delivery-membership.js'
import { loyaltyEarnings } from './loyalty-earnings.js'
import { referralPotential } from './referral-potential.js'

export { complaintTouchpoint } from './complaint-touchpoint.js'
export { deliveryMembership } from './delivery-membership.js'
export { loyaltyEarnings } from './loyalty-earnings.js'
export { referralPotential } from './referral-potential.js'

/** Every process manager of the dealership, in the order a catch-up runs them (enrolment first). */
export const dealershipProcessManagers = (
  policies: DealershipPolicies,
): ReadonlyArray<ProcessManager<DealershipEvent, ProcessCommand>> => [
  deliveryMembership(policies),
  loyaltyEarnings(policies),
  complaintTouchpoint(policies),
  referralPotential(policies),
]
