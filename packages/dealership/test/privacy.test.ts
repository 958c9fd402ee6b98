import { isErased, manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { createDealership } from '../src/index.js'
import { mondayAt, recordDelivery, registerProspect, zhangSan } from './fixtures.js'

describe('forgetting a person', () => {
  it('erases their personal data from the customer 360 already folded', async () => {
    const dealership = createDealership({ clock: manualClock(mondayAt(2)), random: seededRandom(2) })
    await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await dealership.customerLifecycle(recordDelivery())
    expect((await dealership.customer360(zhangSan.customerId))?.profile.name).toBe(zhangSan.name)

    await dealership.forget(zhangSan.customerId)
    const view = await dealership.customer360(zhangSan.customerId)
    expect(isErased(view?.profile.name)).toBe(true)
    expect(isErased(view?.vehicles[0]?.plate)).toBe(true)
    expect(view?.stage).toBe('owner')
    await dealership.close()
  })
})
