import type { Dealership } from '@dealer-crm/dealership'

/** The read models the simulated staff consult while they work: the facade's, caught up on every look. */
export const createViews = (dealership: Dealership) => ({
  customerProfiles: () => dealership.readModel('customerProfiles'),
  churnRisk: () => dealership.readModel('churnRisk'),
  memberLedgers: () => dealership.readModel('memberLedgers'),
  refereeReferrals: () => dealership.readModel('refereeReferrals'),
  referrerLedger: () => dealership.readModel('referrerLedger'),
  slaBoard: () => dealership.readModel('slaBoard'),
})

export type Views = ReturnType<typeof createViews>
