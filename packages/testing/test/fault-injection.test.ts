import {
  createEventStore,
  createInMemoryEventLog,
  eventRegistry,
  eventType,
  handle,
  handleCommand,
  type RecordedEvent,
  StoreError,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { collect } from '../src/collect.js'
import { createFaultyInMemoryEventStore, injectFaults } from '../src/fault-injection.js'

const Added = eventType('Added', t.type({ n: t.number }))
const registry = eventRegistry([Added])
type E = ReturnType<typeof Added.make>
const added = (n: number) => Added.make({ n })

const counter = {
  initialState: 0,
  evolve: (s: number, e: E) => s + e.data.n,
  decide: (c: { add: number }, s: number) =>
    c.add + s > 100 ? left({ code: 'TooMuch', message: 'over 100' }) : right([added(c.add)]),
}

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject, but it resolved')
}
const waitFor = async (condition: () => boolean, timeoutMs = 3_000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
const ns = (events: ReadonlyArray<RecordedEvent<E>>) => events.map((e) => e.data.n)

describe('injectFaults: failing appends', () => {
  it('the Nth append rejects with a StoreError and writes nothing; the others go through', async () => {
    const { store, faults } = createFaultyInMemoryEventStore({ registry, faults: { failAppendAt: 2 } })
    await store.appendToStream('c-1', [added(1)])
    const error = await rejection(store.appendToStream('c-1', [added(2), added(3)]))
    expect(error).toBeInstanceOf(StoreError)
    expect((error as Error).message).toMatch(/append #2/)
    expect(await store.streamVersion('c-1')).toBe(1)
    expect(await collect(store.readAll())).toHaveLength(1)
    await store.appendToStream('c-1', [added(4)])
    expect(ns(await collect(store.readStream('c-1')))).toEqual([1, 4])
    expect(faults.appends()).toBe(3)
  })

  it('failNextAppend fails the next appends on demand; a list of positions fails each of them', async () => {
    const { store, faults } = createFaultyInMemoryEventStore({ registry, faults: { failAppendAt: [1, 3] } })
    expect(await rejection(store.appendToStream('c-1', [added(1)]))).toBeInstanceOf(StoreError)
    await store.appendToStream('c-1', [added(2)])
    expect(await rejection(store.appendToStream('c-1', [added(3)]))).toBeInstanceOf(StoreError)
    faults.failNextAppend(2)
    expect(await rejection(store.appendToStream('c-1', [added(4)]))).toBeInstanceOf(StoreError)
    expect(await rejection(store.appendToStream('c-1', [added(5)]))).toBeInstanceOf(StoreError)
    await store.appendToStream('c-1', [added(6)])
    expect(ns(await collect(store.readStream('c-1')))).toEqual([2, 6])
  })

  it('the command handler returns the injected StoreError and does not retry it', async () => {
    const { store, faults } = createFaultyInMemoryEventStore({ registry, faults: { failAppendAt: 1 } })
    const result = await handleCommand(store, counter, 'c-1', { add: 5 })()
    expect(result._tag === 'Left' && result.left).toBeInstanceOf(StoreError)
    expect(faults.appends()).toBe(1)
    expect(await store.streamVersion('c-1')).toBe(0)
  })

  it('a lost acknowledgement writes the events; repeating the command by its id does not append again', async () => {
    const { store } = createFaultyInMemoryEventStore({ registry, faults: { loseAckAt: 1 } })
    const first = await handleCommand(store, counter, 'c-1', { add: 5 }, { commandId: 'cmd-1' })()
    expect(first._tag === 'Left' && first.left).toBeInstanceOf(StoreError)
    expect(await store.streamVersion('c-1')).toBe(1)
    const again = await handle(store, counter, 'c-1', { add: 5 }, { commandId: 'cmd-1' })
    expect(again).toMatchObject({ repeated: true, state: 5, version: 1 })
    expect(await store.streamVersion('c-1')).toBe(1)
  })
})

describe('injectFaults: duplicate delivery', () => {
  it('readAll and subscriptions see every event twice; readStream does not', async () => {
    const { store } = createFaultyInMemoryEventStore({ registry, faults: { duplicateDelivery: true } })
    await store.appendToStream('c-1', [added(1), added(2)])
    expect(ns(await collect(store.readAll()))).toEqual([1, 1, 2, 2])
    expect(ns(await collect(store.readStream('c-1')))).toEqual([1, 2])
    const seen: number[] = []
    const sub = store.subscribe((e) => {
      seen.push(e.data.n)
    })
    await store.appendToStream('c-1', [added(3)])
    await waitFor(() => seen.length >= 6)
    await sub.close()
    expect(seen).toEqual([1, 1, 2, 2, 3, 3])
  })

  it('can pick which events are duplicated, and be switched off', async () => {
    const { store, faults } = createFaultyInMemoryEventStore({
      registry,
      faults: { duplicateDelivery: (e) => e.streamPosition === 2 },
    })
    await store.appendToStream('c-1', [added(1), added(2), added(3)])
    expect(ns(await collect(store.readAll()))).toEqual([1, 2, 2, 3])
    faults.duplicateDelivery(false)
    expect(ns(await collect(store.readAll()))).toEqual([1, 2, 3])
  })
})

describe('injectFaults: delayed visibility', () => {
  it("'manual': appended events are invisible to readers until revealed, then visible in order", async () => {
    const { store, faults } = createFaultyInMemoryEventStore({
      registry,
      faults: { visibilityDelay: 'manual' },
    })
    const r = await store.appendToStream('c-1', [added(1), added(2)])
    expect(r.nextExpectedVersion).toBe(2)
    await store.appendToStream('c-2', [added(3)])
    expect(faults.hidden()).toBe(3)
    expect(await collect(store.readStream('c-1'))).toEqual([])
    expect(await collect(store.readAll())).toEqual([])
    expect(await store.streamVersion('c-1')).toBe(0)
    faults.reveal()
    expect(faults.hidden()).toBe(0)
    expect(ns(await collect(store.readAll()))).toEqual([1, 2, 3])
    expect(await store.streamVersion('c-1')).toBe(2)
  })

  it('a subscription receives hidden events as soon as they become visible, without gaps', async () => {
    const { store, faults } = createFaultyInMemoryEventStore({
      registry,
      faults: { visibilityDelay: 'manual' },
    })
    const seen: bigint[] = []
    const sub = store.subscribe((e) => {
      seen.push(e.metadata.globalPosition)
    })
    await store.appendToStream('c-1', [added(1)])
    await store.appendToStream('c-2', [added(2)])
    await new Promise((r) => setTimeout(r, 30))
    expect(seen).toEqual([])
    faults.reveal()
    await waitFor(() => seen.length >= 2)
    await sub.close()
    expect(seen).toEqual([1n, 2n])
  })

  it('a numeric delay reveals events after that many milliseconds', async () => {
    const { store } = createFaultyInMemoryEventStore({ registry, faults: { visibilityDelay: 20 } })
    await store.appendToStream('c-1', [added(1)])
    expect(await store.streamVersion('c-1')).toBe(0)
    await new Promise((r) => setTimeout(r, 40))
    expect(await store.streamVersion('c-1')).toBe(1)
    await store.close()
  })

  it('the command handler rides out read lag by retrying the resulting conflicts', async () => {
    const { store } = createFaultyInMemoryEventStore({ registry, faults: { visibilityDelay: 15 } })
    const retry = { maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 10, random: seededRandom(5) }
    await handle(store, counter, 'c-1', { add: 1 }, { retry })
    await handle(store, counter, 'c-1', { add: 2 }, { retry })
    const third = await handle(store, counter, 'c-1', { add: 3 }, { retry })
    expect(third).toMatchObject({ version: 3, state: 6 })
    await new Promise((r) => setTimeout(r, 30))
    expect(ns(await collect(store.readStream('c-1')))).toEqual([1, 2, 3])
  })

  it('a failing inline projection leaves nothing hidden behind', async () => {
    const log = injectFaults(createInMemoryEventLog(), { visibilityDelay: 'manual' })
    let fail = true
    const store = createEventStore(log, {
      registry,
      inline: [
        {
          name: 'fragile',
          handles: ['Added'],
          apply: () => {
            if (fail) throw new Error('no')
          },
        },
      ],
    })
    expect(await rejection(store.appendToStream('c-1', [added(1)]))).toMatchObject({ message: 'no' })
    expect(log.faults.hidden()).toBe(0)
    fail = false
    await store.appendToStream('c-1', [added(2)])
    log.faults.reveal()
    expect(ns(await collect(store.readAll()))).toEqual([2])
  })
})
