import {
  type CommandContext,
  createCatchUpRunner,
  createProcessManagerRunner,
  type EventStore,
  eventRegistry,
  eventType,
  handle,
  inMemoryCheckpointStore,
  type ProcessManager,
  type Projection,
  projectAsOf,
  rebuildProjection,
} from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { createFaultyInMemoryEventStore, type FaultOptions } from '../src/fault-injection.js'

// A referral, once verified, earns the referrer points (the loyalty side is a plain counter here).
const ReferralVerified = eventType('ReferralVerified', t.type({ referralId: t.string, referrer: t.string }))
const PointsAwarded = eventType('PointsAwarded', t.type({ points: t.number, reason: t.string }))
const registry = eventRegistry([ReferralVerified, PointsAwarded])
type E = NonNullable<(typeof registry)['_E']>

type Award = { readonly type: 'Award'; readonly points: number; readonly reason: string }
const loyalty = {
  initialState: 0,
  evolve: (s: number, e: E) => (e.type === 'PointsAwarded' ? s + e.data.points : s),
  decide: (c: Award, _s: number) =>
    c.points <= 0 ? left({ code: 'NoPoints', message: 'nothing to award' }) : right([PointsAwarded.make(c)]),
}

type Send = { readonly stream: string; readonly command: Award }
const referralPoints: ProcessManager<E, Send> = {
  name: 'referral-points',
  handles: ['ReferralVerified'],
  react: (e) =>
    e.type === 'ReferralVerified'
      ? [
          {
            stream: `points-${e.data.referrer}`,
            command: { type: 'Award', points: 500, reason: e.data.referralId },
          },
        ]
      : [],
}

const verifiedCount: Projection<{ count: number }, E> = {
  name: 'verified-referrals',
  version: 1,
  handles: ['ReferralVerified'],
  init: () => ({ count: 0 }),
  apply: (s) => ({ count: s.count + 1 }),
}

const verified = (id: string, referrer = 'zhang') => ReferralVerified.make({ referralId: id, referrer })

const setup = (faults: FaultOptions) => {
  const { store, faults: controls } = createFaultyInMemoryEventStore({ registry, faults })
  const checkpoints = inMemoryCheckpointStore()
  let dispatches = 0
  const dispatch = async (send: Send, context: CommandContext) => {
    dispatches++
    await handle(store, loyalty, send.stream, send.command, { ...context, retry: false })
  }
  const processRunner = (s: EventStore<E> = store) =>
    createProcessManagerRunner({ store: s, processManager: referralPoints, checkpoints, dispatch })
  const points = async (referrer = 'zhang') => {
    let total = 0
    for await (const e of store.readStream(`points-${referrer}`)) total = loyalty.evolve(total, e)
    return total
  }
  return { store, controls, checkpoints, processRunner, points, dispatches: () => dispatches }
}

const waitFor = async (condition: () => boolean, timeoutMs = 3_000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('process manager runner under faults', () => {
  it('duplicate delivery dispatches twice but awards once, thanks to deterministic command ids', async () => {
    const { store, processRunner, points, dispatches } = setup({ duplicateDelivery: true })
    await store.appendToStream('referral-1', [verified('r1')])
    await store.appendToStream('referral-2', [verified('r2')])
    await processRunner().catchUp()
    expect(dispatches()).toBe(4)
    expect(await points()).toBe(1000)
    expect(await store.streamVersion('points-zhang')).toBe(2)
  })

  it('duplicate delivery to a live runner awards once', async () => {
    const { store, processRunner, points, dispatches } = setup({ duplicateDelivery: true })
    const runner = processRunner()
    const sub = await runner.start()
    await store.appendToStream('referral-1', [verified('r1')])
    await waitFor(() => dispatches() >= 2)
    await sub.close()
    expect(await points()).toBe(500)
  })

  it('a failed command append stops the runner; after a restart the event is handled once', async () => {
    // appends 1 and 2 are the referrals, 3 is the first award, 4 (the second award) fails
    const { store, processRunner, points, checkpoints } = setup({ failAppendAt: 4 })
    await store.appendToStream('referral-1', [verified('r1')])
    await store.appendToStream('referral-2', [verified('r2')])
    await expect(processRunner().catchUp()).rejects.toMatchObject({ code: 'StoreError' })
    expect(await points()).toBe(500)
    expect((await checkpoints.load('process:referral-points'))?.position).toBe(2n)
    await processRunner().catchUp()
    expect(await points()).toBe(1000)
    expect(await store.streamVersion('points-zhang')).toBe(2)
  })

  it('a lost acknowledgement of an award, then a restart, awards once', async () => {
    const { store, processRunner, points, checkpoints } = setup({ loseAckAt: 2 })
    await store.appendToStream('referral-1', [verified('r1')])
    await expect(processRunner().catchUp()).rejects.toMatchObject({ code: 'StoreError' })
    expect(await points()).toBe(500)
    expect(await checkpoints.load('process:referral-points')).toBeNull()
    await processRunner().catchUp()
    expect(await points()).toBe(500)
    expect(await store.streamVersion('points-zhang')).toBe(1)
    expect((await checkpoints.load('process:referral-points'))?.position).toBe(2n)
  })

  it('with delayed visibility, a live runner acts once the events become visible', async () => {
    const { store, controls, processRunner, points, dispatches } = setup({ visibilityDelay: 'manual' })
    const runner = processRunner()
    const sub = await runner.start()
    await store.appendToStream('referral-1', [verified('r1')])
    await new Promise((r) => setTimeout(r, 20))
    expect(dispatches()).toBe(0)
    controls.reveal()
    await waitFor(() => dispatches() === 1)
    await sub.close()
    controls.reveal()
    expect(await points()).toBe(500)
  })
})

describe('projection runners under faults', () => {
  it('duplicate delivery does not double-count in rebuild, as-of or catch-up', async () => {
    const { store } = setup({ duplicateDelivery: true })
    await store.appendToStream('referral-1', [verified('r1')])
    await store.appendToStream('referral-2', [verified('r2'), verified('r3')])
    expect(await rebuildProjection(store, verifiedCount)).toEqual({ count: 3 })
    expect(await projectAsOf(store, verifiedCount, { position: 2n })).toEqual({ count: 2 })
    const runner = createCatchUpRunner({
      store,
      projection: verifiedCount,
      checkpoints: inMemoryCheckpointStore(),
    })
    await runner.catchUp()
    expect(runner.state()).toEqual({ count: 3 })
    const sub = await runner.start()
    await store.appendToStream('referral-4', [verified('r4')])
    await waitFor(() => runner.position() === 5n)
    await new Promise((r) => setTimeout(r, 10))
    await sub.close()
    expect(runner.state()).toEqual({ count: 4 })
  })

  it('a catch-up runner with delayed visibility sees nothing early, then everything once, in order', async () => {
    const { store, controls } = setup({ visibilityDelay: 'manual' })
    const checkpoints = inMemoryCheckpointStore()
    await store.appendToStream('referral-1', [verified('r1')])
    const runner = createCatchUpRunner({ store, projection: verifiedCount, checkpoints })
    expect(await runner.catchUp()).toBe(0n)
    expect(runner.state()).toEqual({ count: 0 })
    controls.reveal()
    await store.appendToStream('referral-2', [verified('r2')])
    expect(await runner.catchUp()).toBe(2n)
    controls.reveal()
    expect(await runner.catchUp()).toBe(3n)
    expect(runner.state()).toEqual({ count: 2 })
    expect(await checkpoints.load('verified-referrals@v1')).toEqual({ position: 3n, state: { count: 2 } })
  })

  it('a restart after a crash between checkpoints neither repeats nor skips', async () => {
    const { store } = setup({ duplicateDelivery: (e) => e.streamPosition === 1 })
    for (let i = 1; i <= 7; i++) await store.appendToStream(`referral-${i}`, [verified(`r${i}`)])
    const checkpoints = inMemoryCheckpointStore()
    const first = createCatchUpRunner({ store, projection: verifiedCount, checkpoints, checkpointEvery: 3 })
    await first.catchUp()
    await checkpoints.save('verified-referrals@v1', { position: 4n, state: { count: 3 } })
    const restarted = createCatchUpRunner({
      store,
      projection: verifiedCount,
      checkpoints,
      checkpointEvery: 3,
    })
    await restarted.catchUp()
    expect(restarted.state()).toEqual({ count: 7 })
  })
})
