import { type DealershipEvent, type DealershipStore, dealershipReadModels } from '@dealer-crm/dealership'
import { type CheckpointStore, createCatchUpRunner, type Projection } from '@dealer-crm/eventsourcing'

/**
 * Checkpoints that keep the state by reference. The facade's read-model queries keep theirs in an
 * in-memory checkpoint store that copies (`structuredClone`) the whole state on every catch-up that
 * saw new events; the simulation consults some read models thousands of times, so it runs those
 * with this store instead. The projections are the facade's own (`dealershipReadModels`).
 */
const byReference = (): CheckpointStore => {
  const checkpoints = new Map<string, Parameters<CheckpointStore['save']>[1]>()
  return {
    load: async (name) => checkpoints.get(name) ?? null,
    save: async (name, checkpoint) => {
      checkpoints.set(name, checkpoint)
    },
    delete: async (name) => {
      checkpoints.delete(name)
    },
  }
}

const view = <S>(store: DealershipStore, projection: Projection<S, DealershipEvent>) => {
  const runner = createCatchUpRunner({ store, projection, checkpoints: byReference() })
  return async (): Promise<S> => {
    await runner.catchUp()
    return runner.state()
  }
}

/** The read models the simulated staff consult while they work, caught up on every look. */
export const createViews = (store: DealershipStore) => ({
  customerProfiles: view(store, dealershipReadModels.customerProfiles),
  churnRisk: view(store, dealershipReadModels.churnRisk),
  memberLedgers: view(store, dealershipReadModels.memberLedgers),
  refereeReferrals: view(store, dealershipReadModels.refereeReferrals),
  referrerLedger: view(store, dealershipReadModels.referrerLedger),
  slaBoard: view(store, dealershipReadModels.slaBoard),
})

export type Views = ReturnType<typeof createViews>
