import type { ProcessManager } from '@dealer-crm/eventsourcing'
import type { DealershipPolicies } from '../policy.js'
import { type ProcessCommand, processActor } from '../process-command.js'
import type { DealershipEvent } from '../registry.js'

const name = 'referral-potential'

/**
 * A referral's outcome is evidence of the referrer's referral potential, a segment of the customer
 * (docs/domain.md §1 segmentation: 正确评估用户的推广潜力; §2 the referrer):
 * `ReferralVerified` → `AssessReferralPotential` (policy: high), `ReferralFaked` → (policy: low).
 */
export const referralPotential = (
  policies: DealershipPolicies,
): ProcessManager<DealershipEvent, ProcessCommand> => ({
  name,
  handles: ['ReferralVerified', 'ReferralFaked'],
  react: (event) => {
    if (event.type !== 'ReferralVerified' && event.type !== 'ReferralFaked') return []
    const verified = event.type === 'ReferralVerified'
    const potential = verified
      ? policies.processes.referralPotential.verified
      : policies.processes.referralPotential.faked
    if (potential === null) return []
    const { referralId, referrerId, at } = event.data
    return [
      {
        domain: 'customer-lifecycle',
        command: {
          type: 'AssessReferralPotential',
          data: {
            customerId: referrerId,
            at,
            by: processActor(name),
            potential,
            reason: `referral ${referralId} ${verified ? 'verified' : 'faked'}`,
          },
        },
      },
    ]
  },
})
