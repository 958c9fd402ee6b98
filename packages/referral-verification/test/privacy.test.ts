import {
  createInMemoryEventStore,
  inMemoryKeyVault,
  isErased,
  type RecordedEvent,
} from '@dealer-crm/eventsourcing'
import { collect, deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { type ReferralEvent, referralDecider, referralEvents } from '../src/index.js'
import { delivered, liSi, referralId, scheduleCallBack, zhangSan } from './fixtures.js'

const decider = referralDecider()

const readAll = async (store: { readStream: (s: string) => AsyncIterable<RecordedEvent<ReferralEvent>> }) => {
  const events: RecordedEvent<ReferralEvent>[] = []
  for await (const e of store.readStream(`referral-${referralId}`)) events.push(e)
  return events
}

// ARCHITECTURE.md "Audit and privacy", docs/domain.md §5 Consent: personal fields are sealed per person.
describe('personal data of a referral in the store', () => {
  it('is stored encrypted, each party under their own key, and reads back in clear', async () => {
    const store = createInMemoryEventStore({
      registry: referralEvents,
      keyVault: inMemoryKeyVault(),
    })
    await store.appendToStream(`referral-${referralId}`, [...delivered()])
    const stored = await collect(
      store.log.readStream(`referral-${referralId}`, { from: 1, to: 100, maxCount: 100 }),
    )
    const raw = JSON.stringify(stored.map((e) => e.data))
    for (const clear of [zhangSan.name, liSi.name, zhangSan.phone, 'Sagitar', 'Golf'])
      expect(raw).not.toContain(clear)
    const [registered] = await readAll(store)
    expect(registered?.data).toMatchObject({ referrer: { name: '张三', vehicle: zhangSan.vehicle } })
  })

  it('forgetting the referee erases only the referee; the call-back cannot check facts it no longer has', async () => {
    const store = createInMemoryEventStore({
      registry: referralEvents,
      keyVault: inMemoryKeyVault(),
    })
    await store.appendToStream(`referral-${referralId}`, [...delivered()])
    await store.forget(liSi.customerId)
    const history = await readAll(store)
    const state = deciderSpec(decider).stateAfter(history)
    if (!('referee' in state)) throw new Error('expected a registered referral')
    expect(isErased(state.referee.name)).toBe(true)
    expect(isErased(state.referee.vehicle)).toBe(true)
    expect(state.referrer.name).toBe('张三')
    const askTheReferrer = scheduleCallBack({
      draw: {
        callee: 'referrer',
        questions: [
          { kind: 'ask', topic: 'workplace' },
          { kind: 'confirm-vehicle' },
          { kind: 'false-statement', asserted: { model: 'Jetta', colour: null, gearbox: null } },
        ],
      },
    })
    deciderSpec(decider).given(history).when(askTheReferrer).thenError('FactsErased')
    expect(deciderSpec(decider).given(history).when(scheduleCallBack()).events()).toHaveLength(1)
  })
})
