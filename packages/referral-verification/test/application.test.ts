import {
  CommandValidationError,
  createInMemoryEventStore,
  DomainRejectedError,
  decodeCommand,
  handle,
  project,
  type RecordedEvent,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  drawCallBack,
  ReferralCommand,
  type ReferralEvent,
  type ReferralState,
  referralDecider,
  referralEvents,
  referrerLedgerProjection,
  referrerStanding,
} from '../src/index.js'
import { referralPolicyArb } from '../src/testing.js'
import {
  answers,
  caller,
  checkAtDelivery,
  command,
  historyOf,
  historyUnder,
  liSi,
  referralId,
  register,
  screen,
  zhangSan,
} from './fixtures.js'

const decider = referralDecider()

const stream = `referral-${referralId}`

const all = async (events: AsyncIterable<RecordedEvent<ReferralEvent>>) => {
  const out: RecordedEvent<ReferralEvent>[] = []
  for await (const e of events) out.push(e)
  return out
}

const registered = (state: ReferralState) => {
  if (!('policy' in state)) throw new Error('expected a registered referral')
  return state
}

describe('embedding: a referral from registration to reward through the store', () => {
  it('the application draws the call-back with its Random, passes read-model lookups in, and pays the reward', async () => {
    const store = createInMemoryEventStore({ registry: referralEvents })
    for (const c of [register(), screen()]) await handle(store, decider, stream, c)
    const delivered = await handle(store, decider, stream, checkAtDelivery())

    const draw = drawCallBack(seededRandom(2026), registered(delivered.state))
    expect(draw).toEqual(drawCallBack(seededRandom(2026), registered(delivered.state)))
    if (draw === null) throw new Error('the registered facts are there to draw from')
    const scheduled = await handle(
      store,
      decider,
      stream,
      command({
        type: 'ScheduleCallBack',
        data: { referralId, by: caller, verifierId: caller.id, draw, at: '2026-03-11T09:00:00+08:00' },
      }),
    )
    expect(scheduled.events[0]?.data).toMatchObject({ callee: draw.callee, questions: draw.questions })

    await handle(store, decider, stream, answers(draw.questions.map(() => 'right')))
    const ledger = project(referrerLedgerProjection, await all(store.readAll()))
    const paid = await handle(
      store,
      decider,
      stream,
      command({
        type: 'ReleaseReward',
        data: {
          referralId,
          by: { id: 'showroom-manager-chen', role: 'showroom-manager' },
          kind: 'purchase-voucher',
          referrerStanding: referrerStanding(ledger, zhangSan.customerId, referralId),
          at: '2026-03-12T10:00:00+08:00',
        },
      }),
    )
    expect(paid.events.map((e) => e.type)).toEqual(['RewardReleased'])
    expect(paid.state).toMatchObject({ stage: 'verified', reward: { status: 'released' } })
  })

  it('the Random draws either party, and the questions are about the other one', () => {
    const state = registered(
      historyOf(register(), screen(), checkAtDelivery()).reduce(decider.evolve, decider.initialState),
    )
    const draws = Array.from({ length: 40 }, (_, seed) => drawCallBack(seededRandom(seed), state))
    expect(new Set(draws.map((d) => d?.callee))).toEqual(new Set(['referee', 'referrer']))
    for (const draw of draws) {
      const about = draw?.callee === 'referee' ? zhangSan.vehicle : liSi.purchase
      for (const q of draw?.questions ?? [])
        if (q.kind === 'false-statement') expect(q.asserted.model).not.toBe(about.model)
    }
  })

  it('every draw satisfies the policy it is drawn under', () => {
    fc.assert(
      fc.property(referralPolicyArb, fc.integer(), (policy, seed) => {
        const history = historyUnder(policy)(register(), screen(), checkAtDelivery())
        const state = registered(history.reduce(decider.evolve, decider.initialState))
        const draw = drawCallBack(seededRandom(seed), state)
        if (draw === null) return false
        const c = command({
          type: 'ScheduleCallBack',
          data: { referralId, by: caller, verifierId: caller.id, draw, at: '2026-03-11T09:00:00+08:00' },
        })
        return decider.decide(c, state)._tag === 'Right'
      }),
      { numRuns: 150 },
    )
  })
})

describe('bad input writes nothing (ARCHITECTURE.md: "Bad input never writes anything")', () => {
  it('a malformed command is refused naming its field, and the stream stays empty', async () => {
    const store = createInMemoryEventStore({ registry: referralEvents })
    const input = { ...register(), data: { ...register().data, referrer: { ...zhangSan, phone: '12345' } } }
    const decoded = decodeCommand(ReferralCommand, input)
    if (decoded._tag === 'Right') throw new Error('a bad phone was accepted')
    expect(decoded.left).toBeInstanceOf(CommandValidationError)
    expect(decoded.left.message).toContain('data.referrer.phone')
    expect(await store.streamVersion(stream)).toBe(0)
  })

  it('a command the rules refuse is a DomainRejectedError with its code, and appends nothing', async () => {
    const store = createInMemoryEventStore({ registry: referralEvents })
    await handle(store, decider, stream, register())
    const refusal = await handle(store, decider, stream, checkAtDelivery()).catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(DomainRejectedError)
    expect(refusal).toMatchObject({ error: { code: 'NotAwaitingDeliveryCheck' } })
    expect(await store.streamVersion(stream)).toBe(1)
  })
})
