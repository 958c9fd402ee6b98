import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { createDealership, createInMemoryDealershipStore, type Dealership } from '../src/index.js'
import { liSi, mondayAt, recordDelivery, registerProspect, zhangSan } from './fixtures.js'

/** What a command came to: the version it left, or the code it was refused with. */
const outcome = (promise: Promise<{ readonly version: number }>) =>
  promise.then(
    (result) => `version ${result.version}`,
    (error: { code?: string }) => `refused ${error.code}`,
  )

/** The same commands, each sent to one of the facades in turn. */
const run = async (facades: ReadonlyArray<Dealership>) => {
  const steps: ReadonlyArray<(d: Dealership) => Promise<{ readonly version: number }>> = [
    (d) => d.customerLifecycle(registerProspect(zhangSan, mondayAt(0))),
    (d) => d.customerLifecycle(recordDelivery()),
    // Facade 0 still holds zhang-san as a prospect: its cached state is behind the delivery.
    (d) => d.customerLifecycle(recordDelivery({ at: mondayAt(2) })),
    (d) => d.customerLifecycle(registerProspect(zhangSan, mondayAt(3))),
    (d) => d.customerLifecycle(registerProspect(liSi, mondayAt(3))),
    (d) => d.customerLifecycle(recordDelivery({ customerId: liSi.customerId, at: mondayAt(4) })),
  ]
  const outcomes: string[] = []
  for (const [i, step] of steps.entries()) outcomes.push(await outcome(step(facades[i % facades.length]!)))
  return outcomes
}

describe("the facade's command cache", () => {
  it('two facades over one store decide as one facade does: a stale cached state never commits', async () => {
    const clock = manualClock(mondayAt(0))
    const shared = createInMemoryDealershipStore({ clock })
    const two = [
      createDealership({ store: shared, clock, random: seededRandom(1) }),
      createDealership({ store: shared, clock, random: seededRandom(2) }),
    ]
    const one = createDealership({ clock, random: seededRandom(1) })
    const together = await run(two)
    expect(together).toEqual(await run([one]))
    expect(together.some((o) => o.startsWith('refused'))).toBe(true)
    for (const stream of ['customer-zhang-san', 'customer-li-si'])
      expect(await shared.streamVersion(stream)).toBe(await one.store.streamVersion(stream))
  })

  it('refuses a bound that is not a positive whole number, naming it', () => {
    const clock = manualClock(mondayAt(0))
    expect(() =>
      createDealership({ clock, random: seededRandom(1), commandCache: { maxStreams: 0 } }),
    ).toThrow(/maxStreams must be a positive whole number/)
  })
})
