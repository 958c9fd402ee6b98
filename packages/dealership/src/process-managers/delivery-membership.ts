import type { ProcessManager } from '@dealer-crm/eventsourcing'
import type { DealershipPolicies } from '../policy.js'
import { loyaltyActorFor, type ProcessCommand } from '../process-command.js'
import type { DealershipEvent } from '../registry.js'
import { enrolment } from './membership.js'

/**
 * A delivery makes the buyer an owner (the lifecycle's own rule: `VehicleDelivered` comes with
 * `StageChanged` to owner) and, by policy, a loyalty member: `VehicleDelivered` → `EnrolMember`
 * (docs/domain.md §1 stage 2, §4 会员卡). A buyer who already holds a card is left as they are.
 */
export const deliveryMembership = (
  policies: DealershipPolicies,
): ProcessManager<DealershipEvent, ProcessCommand> => ({
  name: 'delivery-membership',
  handles: ['VehicleDelivered'],
  react: (event) =>
    event.type === 'VehicleDelivered' && policies.processes.membership.enrolOnDelivery
      ? [
          enrolment(
            policies,
            event.data.customerId,
            event.data.at,
            loyaltyActorFor(event.data.by, 'delivery-membership'),
          ),
        ]
      : [],
})
