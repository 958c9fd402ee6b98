import type { Projection } from '@dealer-crm/eventsourcing'
import type { DealershipEvent } from './registry.js'

/** A car handed over to a customer, as the referral rules compare it with a claimed purchase. */
export interface Delivery {
  readonly at: string
  readonly model: string
  readonly colour: string
}

/** The parties of a referral, by id: which referee and referrer a later command of it concerns. */
export interface ReferralParties {
  readonly refereeId: string
  readonly refereePhoneHash: string
  readonly referrerId: string
}

/**
 * What one domain's command needs to know from other streams, indexed by the ids commands carry:
 * the facade supplies these facts itself (docs/architecture.md, "Cross-stream facts"), so no caller
 * can turn a rule off by leaving one out.
 */
export interface CrossStreamFacts {
  /** customerId → cars delivered to them, oldest first. */
  readonly deliveries: Record<string, Delivery[]>
  /** customerId → the complaints received from them: id and time received, oldest first. */
  readonly complaints: Record<string, Array<{ readonly complaintId: string; readonly at: string }>>
  /** referralId → its parties. */
  readonly referrals: Record<string, ReferralParties>
}

export const crossStreamFactsProjection: Projection<CrossStreamFacts, DealershipEvent> = {
  name: 'dealership.cross-stream-facts',
  version: 1,
  handles: ['VehicleDelivered', 'ComplaintReceived', 'ReferralRegistered', 'LateClaimRejected'],
  init: () => ({ deliveries: {}, complaints: {}, referrals: {} }),
  apply: (facts, e) => {
    if (e.type === 'VehicleDelivered') {
      const { customerId, at, model, colour } = e.data
      facts.deliveries[customerId] = [...(facts.deliveries[customerId] ?? []), { at, model, colour }]
    } else if (e.type === 'ComplaintReceived') {
      const { customerId, complaintId, at } = e.data
      facts.complaints[customerId] = [...(facts.complaints[customerId] ?? []), { complaintId, at }]
    } else if (e.type === 'ReferralRegistered')
      facts.referrals[e.data.referralId] = {
        refereeId: e.data.referee.subjectId,
        refereePhoneHash: e.data.referee.phoneHash,
        referrerId: e.data.referrer.subjectId,
      }
    return facts
  },
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

/**
 * When the claimed purchase was handed over, if it was before `at`: the latest delivery to the
 * referee of a car of the claimed model and colour (docs/domain.md §2.2: a claim raised at or after
 * the delivery is a late claim). An earlier car of another model is not the claimed purchase.
 */
export const deliveredAtOf = (
  facts: CrossStreamFacts,
  refereeId: string,
  purchase: { readonly model: string; readonly colour: string },
  at: string,
): string | null => {
  const before = Date.parse(at)
  let latest: string | null = null
  for (const d of facts.deliveries[refereeId] ?? [])
    if (same(d.model, purchase.model) && same(d.colour, purchase.colour) && Date.parse(d.at) <= before)
      latest = d.at
  return latest
}

/** The complaints a customer made before this one (docs/domain.md §5: a repeat complaint is 升级, escalated). */
export const priorComplaintsOf = (
  facts: CrossStreamFacts,
  customerId: string,
  complaintId: string,
): { readonly count: number; readonly lastReceivedAt: string | null } => {
  const prior = (facts.complaints[customerId] ?? []).filter((c) => c.complaintId !== complaintId)
  return { count: prior.length, lastReceivedAt: prior[prior.length - 1]?.at ?? null }
}
