import {
  type ContactChannel,
  type Purpose,
  purposeOf,
  type TouchpointKind,
  type TouchpointOutcome,
} from '@dealer-crm/customer-lifecycle'
import type { StaffMember } from './staff.js'
import { iso } from './time.js'
import { attempt, now, type Sim, type SimCustomer } from './world.js'

const preferred: Readonly<Record<Purpose, ReadonlyArray<ContactChannel>>> = {
  'service-reminder': ['sms', 'wechat', 'call'],
  survey: ['call', 'sms', 'wechat'],
  marketing: ['wechat', 'sms', 'call'],
}

/**
 * The channel to contact a customer on for a touchpoint's purpose (the lifecycle's `purposeOf`), as
 * the CRM knows their consent (the customer-profile read model): where the lifecycle policy requires
 * opting in (marketing, by default) only a channel they opted into, otherwise any channel they did
 * not opt out of (docs/domain.md §5 Consent). Null: no contact.
 */
export const channelFor = async (
  sim: Sim,
  customerId: string,
  kind: TouchpointKind,
  only?: ContactChannel,
): Promise<ContactChannel | null> => {
  const profile = (await sim.views.customerProfiles()).get(customerId)
  if (profile === undefined) return null
  const purpose = purposeOf[kind]
  const optIn = sim.dealership.policies.customerLifecycle.consentRequired[purpose]
  const allowed = (channel: ContactChannel) => {
    const word = profile.consents[`${purpose}/${channel}`]
    return optIn ? word === 'granted' : word !== 'withdrawn'
  }
  return (
    preferred[purpose].find((channel) => (only === undefined || channel === only) && allowed(channel)) ?? null
  )
}

export interface Planned {
  readonly touchpointId: string
  readonly channel: ContactChannel
}

/**
 * docs/domain.md §1 care touchpoints: plan a contact due at `dueAt`, on a channel the customer's consent
 * allows; null when none does (the customer is not contacted) or a rule refuses it.
 */
export const planTouchpoint = async (
  sim: Sim,
  c: SimCustomer,
  kind: TouchpointKind,
  dueAt: number,
  by: StaffMember,
): Promise<Planned | null> => {
  const channel = await channelFor(sim, c.id, kind)
  if (channel === null) return null
  const touchpointId = `tp-${String(++sim.world.serial.touchpoint).padStart(6, '0')}`
  const done = await attempt(sim, () =>
    sim.dealership.customerLifecycle(
      {
        type: 'PlanTouchpoint',
        data: {
          customerId: c.id,
          touchpointId,
          at: now(sim),
          by,
          kind,
          channel,
          dueAt: iso(dueAt),
          familyMemberId: null,
        },
      },
      { actor: by, correlationId: touchpointId },
    ),
  )
  return done === null ? null : { touchpointId, channel }
}

/** The contact was made (or tried): its outcome. Refused if consent was withdrawn meanwhile. */
export const recordOutcome = (
  sim: Sim,
  c: SimCustomer,
  touchpointId: string,
  outcome: TouchpointOutcome,
  by: StaffMember,
  note = '',
) =>
  attempt(sim, () =>
    sim.dealership.customerLifecycle(
      {
        type: 'RecordTouchpointOutcome',
        data: { customerId: c.id, touchpointId, at: now(sim), by, outcome, note },
      },
      { actor: by, correlationId: touchpointId },
    ),
  )

export const cancelTouchpoint = (
  sim: Sim,
  c: SimCustomer,
  touchpointId: string,
  by: StaffMember,
  reason: string,
) =>
  attempt(sim, () =>
    sim.dealership.customerLifecycle(
      { type: 'CancelTouchpoint', data: { customerId: c.id, touchpointId, at: now(sim), by, reason } },
      { actor: by, correlationId: touchpointId },
    ),
  )

/** Plan a contact and make it when due, with an outcome drawn by `outcomeOf`; `then` follows a made contact. */
export const contact = async (
  sim: Sim,
  c: SimCustomer,
  kind: TouchpointKind,
  dueAt: number,
  by: StaffMember,
  outcomeOf: () => TouchpointOutcome,
  then: (outcome: TouchpointOutcome, planned: Planned) => Promise<void> = async () => {},
): Promise<Planned | null> => {
  const planned = await planTouchpoint(sim, c, kind, dueAt, by)
  if (planned === null) return null
  sim.agenda.plan(dueAt, async () => {
    // Consent is checked again when the contact is made: withdrawn meanwhile, the contact is cancelled.
    if ((await channelFor(sim, c.id, kind, planned.channel)) === null) {
      await cancelTouchpoint(
        sim,
        c,
        planned.touchpointId,
        by,
        'the customer withdrew consent for this channel',
      )
      return
    }
    const outcome = outcomeOf()
    if ((await recordOutcome(sim, c, planned.touchpointId, outcome, by)) !== null)
      await then(outcome, planned)
  })
  return planned
}
