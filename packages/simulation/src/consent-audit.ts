import type { DealershipEvent } from '@dealer-crm/dealership'
import type { Projection } from '@dealer-crm/eventsourcing'

/**
 * Did the dealership honour consent (docs/domain.md §5 Consent)? Per customer, the purposes and channels
 * they withdrew; every touchpoint planned or made afterwards on a withdrawn purpose and channel is
 * counted. The log proves the figure: zero means no such contact was ever recorded.
 */
export interface ConsentAudit {
  /** Customer → `purpose/channel` currently withdrawn. */
  readonly withdrawn: Map<string, Set<string>>
  /** Customers who withdrew any consent, by purpose. */
  readonly customersWithdrawing: Record<string, Set<string>>
  withdrawals: number
  /** Touchpoints made (done), by purpose. */
  readonly contactsMade: Record<string, number>
  /** Touchpoints planned or made on a purpose and channel the customer had withdrawn. */
  contactsAfterWithdrawal: number
}

export const consentAuditProjection: Projection<ConsentAudit, DealershipEvent> = {
  name: 'simulation.consent-audit',
  version: 1,
  handles: ['ConsentGranted', 'ConsentWithdrawn', 'TouchpointPlanned', 'TouchpointDone'],
  init: () => ({
    withdrawn: new Map(),
    customersWithdrawing: {},
    withdrawals: 0,
    contactsMade: {},
    contactsAfterWithdrawal: 0,
  }),
  apply: (state, e) => {
    if (
      e.type !== 'ConsentGranted' &&
      e.type !== 'ConsentWithdrawn' &&
      e.type !== 'TouchpointPlanned' &&
      e.type !== 'TouchpointDone'
    )
      return state
    const key = `${e.data.purpose}/${e.data.channel}`
    const withdrawn = state.withdrawn.get(e.data.customerId) ?? new Set<string>()
    state.withdrawn.set(e.data.customerId, withdrawn)
    switch (e.type) {
      case 'ConsentWithdrawn': {
        withdrawn.add(key)
        state.withdrawals += 1
        const who = state.customersWithdrawing[e.data.purpose] ?? new Set<string>()
        who.add(e.data.customerId)
        state.customersWithdrawing[e.data.purpose] = who
        break
      }
      case 'ConsentGranted':
        withdrawn.delete(key)
        break
      case 'TouchpointPlanned':
      case 'TouchpointDone':
        if (withdrawn.has(key)) state.contactsAfterWithdrawal += 1
        if (e.type === 'TouchpointDone')
          state.contactsMade[e.data.purpose] = (state.contactsMade[e.data.purpose] ?? 0) + 1
        break
    }
    return state
  },
}
