import type { Actor, ProcessManager, RecordedEvent } from '@dealer-crm/eventsourcing'
import type { DealershipPolicies } from '../policy.js'
import type { ProcessCommand } from '../process-command.js'
import { loyaltyActorFor, processActor } from '../process-command.js'
import type { DealershipEvent } from '../registry.js'
import { enrolment } from './membership.js'

const name = 'loyalty-earnings'

/** The goodwill decision is one execution of a complaint's resolution: one source document each. */
const goodwillDocument = (event: RecordedEvent<DealershipEvent>, complaintId: string): string =>
  `${complaintId}#${event.metadata.streamPosition}`

/**
 * Points owed by other domains become loyalty earnings, once per source document (the loyalty
 * ledger's own rule, docs/domain.md §4 "earning is idempotent per source transaction"):
 * - `RewardReleased` of kind loyalty points → `AwardPoints` (referral-reward, the referral) — §2 step 6;
 * - `RewardClawedBack` of those points → `RefundDocument` (the referral) — §5 Referrals, §4 refunds;
 * - `GoodwillPointsGranted` → `AwardPoints` (goodwill, the complaint's resolution) — §3 step 4.
 */
export const loyaltyEarnings = (
  policies: DealershipPolicies,
): ProcessManager<DealershipEvent, ProcessCommand> => {
  /** By policy, a customer owed points who holds no card is enrolled first (a card already held is kept). */
  const earning = (
    customerId: string,
    at: string,
    by: Actor,
    award: ProcessCommand,
  ): ReadonlyArray<ProcessCommand> =>
    policies.processes.membership.enrolWhenEarning
      ? [enrolment(policies, customerId, at, loyaltyActorFor(by, name)), award]
      : [award]
  return {
    name,
    handles: ['RewardReleased', 'RewardClawedBack', 'GoodwillPointsGranted'],
    react: (event) => {
      switch (event.type) {
        case 'RewardReleased': {
          const { reward, referralId, referrerId, at, by } = event.data
          return reward.kind === 'loyalty-points'
            ? earning(referrerId, at, by, {
                domain: 'loyalty-points',
                customerId: referrerId,
                command: {
                  type: 'AwardPoints',
                  data: {
                    document: { category: 'referral-reward', documentId: referralId },
                    points: reward.points,
                    at,
                    by: loyaltyActorFor(by, name),
                  },
                },
              })
            : []
        }
        case 'RewardClawedBack': {
          const { reward, referralId, referrerId, at } = event.data
          return reward.kind === 'loyalty-points'
            ? [
                {
                  domain: 'loyalty-points',
                  customerId: referrerId,
                  command: {
                    type: 'RefundDocument',
                    data: {
                      document: { category: 'referral-reward', documentId: referralId },
                      reason: `referral ${referralId} voided: the referee's sale was returned or cancelled`,
                      at,
                      by: processActor(name),
                    },
                  },
                },
              ]
            : []
        }
        case 'GoodwillPointsGranted': {
          const { complaintId, customerId, points, at, by } = event.data
          return earning(customerId, at, by, {
            domain: 'loyalty-points',
            customerId,
            command: {
              type: 'AwardPoints',
              data: {
                document: { category: 'goodwill', documentId: goodwillDocument(event, complaintId) },
                points,
                at,
                by: loyaltyActorFor(by, name),
              },
            },
          })
        }
        default:
          return []
      }
    },
  }
}
