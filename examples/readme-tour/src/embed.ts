import { createDealership, dealershipRegistry } from '@dealer-crm/dealership'
import { keyedHash, manualClock, normalizePhone, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'

export const embed = async (path: string) => {
  const clock = manualClock('2026-03-02T01:00:00Z')
  const store = createSqliteEventStore({ path, registry: dealershipRegistry, clock })
  const dealership = createDealership({
    store,
    clock,
    random: seededRandom(42),
    checkpoints: store.checkpoints,
  })
  const at = clock.now().toISOString()
  const by = { id: 'consultant-wang', role: 'sales-consultant' }
  const phone = '13800138000'
  // Untrusted JSON in: decoded with the domain's codec, then handled on the stream customer-zhang-san.
  await dealership.customerLifecycle({
    type: 'RegisterProspect',
    data: {
      customerId: 'zhang-san',
      at,
      by,
      source: 'showroom',
      kind: 'person',
      name: '张三',
      phone,
      phoneHash: keyedHash('dealer-secret', normalizePhone(phone)),
      birthday: null,
    },
  })
  await dealership.customerLifecycle({
    type: 'RecordDelivery',
    data: {
      customerId: 'zhang-san',
      at,
      by,
      vin: 'LSVAU218XN2183294',
      model: 'Sagitar',
      colour: 'white',
      plate: '粤B12345',
      mileageKm: 12,
      previousOwnerId: null,
    },
  })
  await dealership.runProcessManagers() // the delivery enrols a loyalty member (a policy)
  const view = await dealership.customer360('zhang-san') // profile, stage, vehicles, membership, …
  await dealership.close()
  return view
}
