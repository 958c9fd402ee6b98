import {
  createCatchUpRunner,
  createEventStore,
  createInMemoryEventLog,
  createInMemoryEventStore,
  eventRegistry,
  eventType,
  inMemoryCheckpointStore,
  inMemoryInlineProjection,
  manualClock,
  type Projection,
  project,
  projectAsOf,
  rebuildProjection,
  type StoredEvent,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  type AccountEvent,
  accountRegistry,
  collect,
  earned,
  opened,
  pointsOf,
  redeemed,
  rejection,
  waitFor,
} from './support.js'

/** Balance per account and how many events were applied: a double-apply shows in `applied`. */
type Balances = { readonly balances: Record<string, number>; readonly applied: number }
const balances: Projection<Balances, AccountEvent> = {
  name: 'balances',
  version: 1,
  handles: ['PointsEarned', 'PointsRedeemed'],
  init: () => ({ balances: {}, applied: 0 }),
  apply: (state, e) => ({
    balances: {
      ...state.balances,
      [e.metadata.streamName]: (state.balances[e.metadata.streamName] ?? 0) + pointsOf(e),
    },
    applied: state.applied + 1,
  }),
}

const seeded = async () => {
  const clock = manualClock('2026-03-01T00:00:00Z')
  const store = createInMemoryEventStore({ registry: accountRegistry, clock })
  await store.appendToStream('account-1', [opened('1'), earned(100)])
  clock.advance(60_000)
  await store.appendToStream('account-2', [opened('2'), earned(40)])
  clock.advance(60_000)
  await store.appendToStream('account-1', [redeemed(30)])
  return { store, clock }
}

describe('project and rebuildProjection', () => {
  it('rebuild folds every handled event from the start', async () => {
    const { store } = await seeded()
    expect(await rebuildProjection(store, balances)).toEqual({
      balances: { 'account-1': 70, 'account-2': 40 },
      applied: 3,
    })
    const all = await collect(store.readAll())
    expect(project(balances, all)).toEqual(await rebuildProjection(store, balances))
  })

  it('rebuild of an empty store is the initial state', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    expect(await rebuildProjection(store, balances)).toEqual(balances.init())
  })
})

describe('projectAsOf', () => {
  it('stops after a global position (inclusive)', async () => {
    const { store } = await seeded()
    expect(await projectAsOf(store, balances, { position: 2n })).toEqual({
      balances: { 'account-1': 100 },
      applied: 1,
    })
    expect(await projectAsOf(store, balances, { position: 3n })).toEqual({
      balances: { 'account-1': 100 },
      applied: 1,
    })
    expect(await projectAsOf(store, balances, { position: 4n })).toMatchObject({ applied: 2 })
    expect(await projectAsOf(store, balances, { position: 0n })).toEqual(balances.init())
  })

  it('stops at a recorded time (inclusive)', async () => {
    const { store } = await seeded()
    const at = (iso: string) => projectAsOf(store, balances, { time: new Date(iso) })
    expect(await at('2026-02-28T23:59:59Z')).toEqual(balances.init())
    expect(await at('2026-03-01T00:00:00Z')).toEqual({ balances: { 'account-1': 100 }, applied: 1 })
    expect(await at('2026-03-01T00:01:30Z')).toEqual({
      balances: { 'account-1': 100, 'account-2': 40 },
      applied: 2,
    })
    expect(await at('2026-03-01T00:02:00Z')).toEqual(await rebuildProjection(store, balances))
  })
})

describe('projectAsOf by time with writers whose clocks disagree', () => {
  /**
   * Two writers on one log, the second's clock 4 s behind the first's (issue #18): the log as it
   * stood at a time is what the store had committed by then, whatever time the writers saw.
   */
  it('folds exactly the events committed by the time', async () => {
    const storeClock = manualClock('2026-03-01T00:00:10Z')
    const log = createInMemoryEventLog({ clock: storeClock })
    const ahead = createEventStore(log, {
      registry: accountRegistry,
      clock: manualClock('2026-03-01T00:00:14Z'),
    })
    const behind = createEventStore(log, {
      registry: accountRegistry,
      clock: manualClock('2026-03-01T00:00:10Z'),
    })
    await ahead.appendToStream('account-1', [opened('1'), earned(100)])
    storeClock.advance(1000)
    await behind.appendToStream('account-2', [opened('2'), earned(40)])
    storeClock.advance(1000)
    await ahead.appendToStream('account-1', [redeemed(30)])
    const all = await collect(ahead.readAll())
    // The second append carries a recorded time earlier than the first's, yet came after it.
    expect(all[2]!.metadata.recordedAt.getTime()).toBeLessThan(all[1]!.metadata.recordedAt.getTime())
    const committed = all.map((e) => e.metadata.committedAt.toISOString())
    expect(committed).toEqual([
      '2026-03-01T00:00:10.000Z',
      '2026-03-01T00:00:10.000Z',
      '2026-03-01T00:00:11.000Z',
      '2026-03-01T00:00:11.000Z',
      '2026-03-01T00:00:12.000Z',
    ])
    const at = (iso: string) => projectAsOf(ahead, balances, { time: new Date(iso) })
    expect(await at('2026-03-01T00:00:09.999Z')).toEqual(balances.init())
    expect(await at('2026-03-01T00:00:10Z')).toEqual({ balances: { 'account-1': 100 }, applied: 1 })
    expect(await at('2026-03-01T00:00:11.500Z')).toEqual({
      balances: { 'account-1': 100, 'account-2': 40 },
      applied: 2,
    })
    expect(await at('2026-03-01T00:00:12Z')).toEqual(await rebuildProjection(ahead, balances))
  })

  it('gives commit times that never decrease when the store clock goes back', async () => {
    const storeClock = manualClock('2026-03-01T00:00:10Z')
    const store = createInMemoryEventStore({ registry: accountRegistry, clock: storeClock })
    await store.appendToStream('account-1', [opened('1')])
    storeClock.set('2026-03-01T00:00:05Z')
    await store.appendToStream('account-1', [earned(5)])
    const [first, second] = await collect(store.readAll())
    expect(second!.metadata.committedAt).toEqual(first!.metadata.committedAt)
    expect(second!.metadata.recordedAt.toISOString()).toBe('2026-03-01T00:00:05.000Z')
  })
})

describe('inMemoryInlineProjection', () => {
  it('keeps a read model current inside every append', async () => {
    const inline = inMemoryInlineProjection(balances)
    const store = createInMemoryEventStore({ registry: accountRegistry, inline: [inline.inline] })
    await store.appendToStream('account-1', [opened('1'), earned(10), earned(5)])
    expect(inline.state()).toEqual({ balances: { 'account-1': 15 }, applied: 2 })
    await store.appendToStream('account-1', [redeemed(15)])
    expect(inline.state()).toEqual({ balances: { 'account-1': 0 }, applied: 3 })
    expect(inline.state()).toEqual(await rebuildProjection(store, balances))
  })

  it('receives recorded events with their positions', async () => {
    const seen: Array<[string, number, bigint]> = []
    const store = createInMemoryEventStore({
      registry: accountRegistry,
      inline: [
        {
          name: 'spy',
          handles: ['AccountOpened', 'PointsEarned'],
          apply: (events) => {
            for (const e of events) seen.push([e.type, e.metadata.streamPosition, e.metadata.globalPosition])
          },
        },
      ],
    })
    await store.appendToStream('account-1', [opened('1'), redeemed(0), earned(2)])
    expect(seen).toEqual([
      ['AccountOpened', 1, 1n],
      ['PointsEarned', 3, 3n],
    ])
  })

  it('a throwing inline projection makes the append fail and writes nothing', async () => {
    let fail = false
    const store = createInMemoryEventStore({
      registry: accountRegistry,
      inline: [
        {
          name: 'fragile',
          handles: ['PointsEarned'],
          apply: () => {
            if (fail) throw new Error('read model rejected the event')
          },
        },
      ],
    })
    await store.appendToStream('account-1', [opened('1'), earned(1)])
    fail = true
    const error = await rejection(store.appendToStream('account-1', [earned(2), earned(3)]))
    expect((error as Error).message).toBe('read model rejected the event')
    expect(await store.streamVersion('account-1')).toBe(2)
    expect(await collect(store.readAll())).toHaveLength(2)
    fail = false
    const next = await store.appendToStream('account-1', [earned(4)])
    expect(next.globalPositions).toEqual([3n])
  })
})

describe('createCatchUpRunner', () => {
  it('catches up, saves its checkpoint with the state, and a new runner resumes without repeating', async () => {
    const { store } = await seeded()
    const checkpoints = inMemoryCheckpointStore()
    const runner = createCatchUpRunner({ store, projection: balances, checkpoints })
    expect(() => runner.state()).toThrow(/not been loaded/)
    expect(await runner.catchUp()).toBe(6n)
    expect(runner.state()).toEqual({ balances: { 'account-1': 70, 'account-2': 40 }, applied: 3 })
    expect(await checkpoints.load('balances@v1')).toEqual({ position: 6n, state: runner.state() })

    await store.appendToStream('account-2', [earned(5)])
    const restarted = createCatchUpRunner({ store, projection: balances, checkpoints })
    expect(await restarted.catchUp()).toBe(7n)
    expect(restarted.state()).toEqual({ balances: { 'account-1': 70, 'account-2': 45 }, applied: 4 })
    expect(restarted.state()).toEqual(await rebuildProjection(store, balances))
    expect(await restarted.catchUp()).toBe(7n)
    expect(restarted.state().applied).toBe(4)
  })

  it('moves its checkpoint past the events it does not handle, so the next catch-up reads on from the head', async () => {
    const log = createInMemoryEventLog()
    const froms: bigint[] = []
    const spied = {
      ...log,
      readAll: (filter: Parameters<typeof log.readAll>[0]) => {
        froms.push(filter.from)
        return log.readAll(filter)
      },
    }
    const store = createEventStore(spied, { registry: accountRegistry })
    await store.appendToStream('account-1', [opened('1'), earned(10)])
    // Six events the projection does not handle, after the last one it does.
    for (let i = 0; i < 6; i++) await store.appendToStream(`account-${i + 2}`, [opened(String(i + 2))])
    const runner = createCatchUpRunner({
      store,
      projection: balances,
      checkpoints: inMemoryCheckpointStore(),
    })
    expect(await runner.catchUp()).toBe(9n)
    expect(await runner.catchUp()).toBe(9n) // nothing new: not even a read
    await store.appendToStream('account-9', [opened('9')])
    expect(await runner.catchUp()).toBe(10n)
    // The last catch-up starts at the old head, not after the last PointsEarned (position 3).
    expect(froms).toEqual([0n, 9n])
    expect(runner.state().applied).toBe(1)
  })

  it('resumes from a checkpoint saved mid-way (checkpointEvery) without skipping or repeating', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    await store.appendToStream('account-1', [
      opened('1'),
      ...Array.from({ length: 9 }, (_, i) => earned(i + 1)),
    ])
    const checkpoints = inMemoryCheckpointStore()
    const saved: bigint[] = []
    const spying = {
      ...checkpoints,
      save: async (name: string, c: { position: bigint; state: unknown }) => {
        saved.push(c.position)
        await checkpoints.save(name, c)
      },
    }
    const runner = createCatchUpRunner({
      store,
      projection: balances,
      checkpoints: spying,
      checkpointEvery: 4,
    })
    await runner.catchUp()
    expect(saved).toEqual([6n, 10n, 11n])
    await checkpoints.save('balances@v1', {
      position: 6n,
      state: { balances: { 'account-1': 10 }, applied: 4 },
    })
    const resumed = createCatchUpRunner({ store, projection: balances, checkpoints })
    await resumed.catchUp()
    expect(resumed.state()).toEqual({ balances: { 'account-1': 45 }, applied: 9 })
  })

  it('a new projection version rebuilds beside the old one', async () => {
    const { store } = await seeded()
    const checkpoints = inMemoryCheckpointStore()
    await createCatchUpRunner({ store, projection: balances, checkpoints }).catchUp()
    const v2 = { ...balances, version: 2 }
    const runner = createCatchUpRunner({ store, projection: v2, checkpoints })
    await runner.catchUp()
    expect(runner.state().applied).toBe(3)
    expect((await checkpoints.load('balances@v1'))?.position).toBe(6n)
    expect((await checkpoints.load('balances@v2'))?.position).toBe(6n)
  })

  it('converts state through toJson/fromJson for the checkpoint', async () => {
    const { store } = await seeded()
    const checkpoints = inMemoryCheckpointStore()
    const counting: Projection<Map<string, number>, AccountEvent> = {
      name: 'map',
      version: 1,
      handles: ['PointsEarned'],
      init: () => new Map(),
      apply: (m, e) => m.set(e.metadata.streamName, (m.get(e.metadata.streamName) ?? 0) + pointsOf(e)),
    }
    const options = {
      store,
      projection: counting,
      checkpoints,
      toJson: (m: Map<string, number>) => Object.fromEntries(m),
      fromJson: (j: unknown) => new Map(Object.entries(j as Record<string, number>)),
    }
    await createCatchUpRunner(options).catchUp()
    expect((await checkpoints.load('map@v1'))?.state).toEqual({ 'account-1': 100, 'account-2': 40 })
    await store.appendToStream('account-3', [opened('3'), earned(1)])
    const again = createCatchUpRunner(options)
    await again.catchUp()
    expect([...again.state()]).toEqual([
      ['account-1', 100],
      ['account-2', 40],
      ['account-3', 1],
    ])
  })

  it('follows live appends after catching up and checkpoints on close', async () => {
    const { store } = await seeded()
    const checkpoints = inMemoryCheckpointStore()
    const runner = createCatchUpRunner({ store, projection: balances, checkpoints })
    const subscription = await runner.start()
    await waitFor(() => runner.position() === 6n)
    await store.appendToStream('account-1', [earned(1)])
    await store.appendToStream('account-2', [earned(2)])
    await waitFor(() => runner.position() === 8n)
    await subscription.close()
    expect(runner.state()).toEqual(await rebuildProjection(store, balances))
    expect((await checkpoints.load('balances@v1'))?.position).toBe(8n)
  })
})

describe('bad events in runners', () => {
  const Broken = eventType('PointsEarned', t.type({ points: t.unknown, reason: t.unknown }))
  const withBadEvent = async () => {
    const log = createInMemoryEventLog()
    const store = createEventStore(log, { registry: accountRegistry })
    const loose = createEventStore(log, { registry: eventRegistry([Broken]) })
    await store.appendToStream('account-1', [opened('1'), earned(10)])
    await loose.appendToStream('account-1', [Broken.make({ points: 'lots', reason: 1 })])
    await store.appendToStream('account-1', [earned(5)])
    return store
  }

  it("'stop' (the default) ends the runner with the typed error and does not checkpoint past it", async () => {
    const store = await withBadEvent()
    const checkpoints = inMemoryCheckpointStore()
    const runner = createCatchUpRunner({ store, projection: balances, checkpoints, checkpointEvery: 1 })
    const error = await rejection(runner.catchUp())
    expect(error).toMatchObject({ code: 'EventDecodeError', streamName: 'account-1', streamPosition: 3 })
    expect(runner.state().applied).toBe(1)
    expect((await checkpoints.load('balances@v1'))?.position).toBe(3n)
    expect(await rejection(rebuildProjection(store, balances))).toMatchObject({ code: 'EventDecodeError' })
  })

  it('a dead-letter function parks the bad event once and the runner goes on', async () => {
    const store = await withBadEvent()
    const checkpoints = inMemoryCheckpointStore()
    const parked: Array<[StoredEvent, unknown]> = []
    const options = {
      store,
      projection: balances,
      checkpoints,
      onBadEvent: (stored: StoredEvent, error: unknown) => {
        parked.push([stored, error])
      },
    }
    const runner = createCatchUpRunner(options)
    expect(await runner.catchUp()).toBe(5n)
    expect(runner.state()).toEqual({ balances: { 'account-1': 15 }, applied: 2 })
    expect(parked).toHaveLength(1)
    expect(parked[0]![0]).toMatchObject({ streamPosition: 3, globalPosition: 3n })
    expect(parked[0]![1]).toMatchObject({ code: 'EventDecodeError' })
    await createCatchUpRunner(options).catchUp()
    expect(parked).toHaveLength(1)
  })

  it('a bad event at the end of the log is parked once, even across restarts', async () => {
    const log = createInMemoryEventLog()
    const store = createEventStore(log, { registry: accountRegistry })
    await store.appendToStream('account-1', [opened('1'), earned(10)])
    await createEventStore(log, { registry: eventRegistry([Broken]) }).appendToStream('account-1', [
      Broken.make({ points: null, reason: null }),
    ])
    const checkpoints = inMemoryCheckpointStore()
    const parked: StoredEvent[] = []
    const options = {
      store,
      projection: balances,
      checkpoints,
      onBadEvent: (stored: StoredEvent) => {
        parked.push(stored)
      },
    }
    const runner = createCatchUpRunner(options)
    expect(await runner.catchUp()).toBe(4n)
    expect(await runner.catchUp()).toBe(4n)
    await createCatchUpRunner(options).catchUp()
    expect(parked.map((e) => e.globalPosition)).toEqual([3n])
  })
})
