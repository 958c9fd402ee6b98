import {
  createInMemoryEventStore,
  createStateCache,
  type EventStore,
  foldAsync,
  type HandleOptions,
  handle,
  handleCommand,
  InvalidCacheOptionError,
  inMemorySnapshots,
  type StateCache,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Account,
  type AccountCommand,
  type AccountEvent,
  accountDecider,
  accountRegistry,
  earned,
  rejection,
} from './support.js'

const newStore = () => createInMemoryEventStore({ registry: accountRegistry })
const open: AccountCommand = { type: 'Open', accountId: '1', holder: 'Wang' }
const earn = (points: number): AccountCommand => ({ type: 'Earn', points, reason: 'service' })
const noDelay = { maxAttempts: 30, baseDelayMs: 0, maxDelayMs: 0 }

/** What a fresh read of the whole stream gives. */
const stored = async (store: EventStore<AccountEvent>, stream: string) =>
  foldAsync(accountDecider.evolve, accountDecider.initialState, store.readStream(stream))

/** The store, counting the events each `readStream` yields. */
const counting = (store: EventStore<AccountEvent>) => {
  let read = 0
  const wrapped: EventStore<AccountEvent> = {
    ...store,
    readStream: async function* (stream, options) {
      for await (const event of store.readStream(stream, options)) {
        read++
        yield event
      }
    },
  }
  return { store: wrapped, read: () => read, reset: () => (read = 0) }
}

const cachedHandle =
  (store: EventStore<AccountEvent>, cache: StateCache, extra: HandleOptions = {}) =>
  (stream: string, command: AccountCommand, options: HandleOptions = {}) =>
    handleCommand(store, accountDecider, stream, command, { cache, retry: noDelay, ...extra, ...options })()

describe('the state cache', () => {
  it('given a cached stream, when a command comes, then only the events after the cached version are read', async () => {
    const { store, read, reset } = counting(newStore())
    const cache = createStateCache()
    const run = cachedHandle(store, cache)
    await run('account-1', open)
    for (let i = 1; i <= 20; i++) await run('account-1', earn(i))
    reset()
    const result = await run('account-1', earn(5))
    expect(read()).toBe(0)
    expect(result).toMatchObject({ _tag: 'Right', right: { version: 22, repeated: false } })
    if (result._tag === 'Right') expect(result.right.state).toEqual(await stored(store, 'account-1'))
    expect(cache.stats()).toMatchObject({ size: 1, invalidations: 0 })
  })

  it("given another writer appended, when a command comes, then the cache catches up on the writer's events", async () => {
    const { store, read, reset } = counting(newStore())
    const mine = cachedHandle(store, createStateCache())
    await mine('account-1', open)
    await mine('account-1', earn(10))
    await store.appendToStream('account-1', [earned(7, 'elsewhere'), earned(3, 'elsewhere')])
    reset()
    const result = await mine('account-1', { type: 'Redeem', points: 20 })
    expect(read()).toBe(2)
    expect(result).toMatchObject({ _tag: 'Right', right: { version: 5, state: { balance: 0 } } })
  })

  it('a conflict on append invalidates the entry and the retry reads the store', async () => {
    const inner = newStore()
    const cache = createStateCache()
    const run = cachedHandle(inner, cache)
    await run('account-1', open)
    // Someone appends between this handler's read and its append, once.
    let interlopers = 1
    const contended: EventStore<AccountEvent> = {
      ...inner,
      appendToStream: async (stream, events, options) => {
        if (interlopers-- > 0) await inner.appendToStream(stream, [earned(1, 'interloper')])
        return inner.appendToStream(stream, events, options)
      },
    }
    const result = await handleCommand(contended, accountDecider, 'account-1', earn(5), {
      cache,
      retry: noDelay,
    })()
    expect(cache.stats().invalidations).toBe(1)
    expect(result).toMatchObject({ _tag: 'Right', right: { version: 3, state: { balance: 6 } } })
    const again = await run('account-1', earn(1))
    expect(again._tag === 'Right' && again.right.state).toEqual(await stored(inner, 'account-1'))
  })

  it("an append with expected version 'any' that lands after another writer's events is not cached", async () => {
    const inner = newStore()
    const cache = createStateCache()
    await cachedHandle(inner, cache)('account-1', open)
    let interlopers = 1
    const contended: EventStore<AccountEvent> = {
      ...inner,
      appendToStream: async (stream, events, options) => {
        if (interlopers-- > 0) await inner.appendToStream(stream, [earned(9, 'interloper')])
        return inner.appendToStream(stream, events, options)
      },
    }
    await handleCommand(contended, accountDecider, 'account-1', earn(1), { cache, expectedVersion: 'any' })()
    expect(cache.get('account-1', accountDecider)).toBeUndefined()
    const next = await cachedHandle(inner, cache)('account-1', { type: 'Redeem', points: 10 })
    expect(next).toMatchObject({ _tag: 'Right', right: { version: 4, state: { balance: 0 } } })
  })

  it('a conflict with an explicit expected version is returned and leaves no entry', async () => {
    const store = newStore()
    const cache = createStateCache()
    const run = cachedHandle(store, cache)
    await run('account-1', open)
    const result = await run('account-1', earn(5), { expectedVersion: 0 })
    expect(result).toMatchObject({ _tag: 'Left', left: { code: 'ConcurrencyError' } })
    expect(cache.stats()).toMatchObject({ size: 0, invalidations: 1 })
  })

  it('a command id handled by another process is found in the index and answered from the store', async () => {
    const store = newStore()
    const one = cachedHandle(store, createStateCache())
    const two = cachedHandle(store, createStateCache())
    await one('account-1', open)
    await two('account-1', earn(1))
    const first = await one('account-1', earn(40), { commandId: 'c-40' })
    const repeated = await two('account-1', earn(40), { commandId: 'c-40' })
    expect(repeated).toMatchObject({ _tag: 'Right', right: { repeated: true, version: 3 } })
    if (first._tag === 'Right' && repeated._tag === 'Right')
      expect(repeated.right.events.map((e) => e.metadata.eventId)).toEqual(
        first.right.events.map((e) => e.metadata.eventId),
      )
    expect(await store.streamVersion('account-1')).toBe(3)
  })

  it('keeps at most maxStreams streams, dropping the least recently used', async () => {
    const store = newStore()
    const cache = createStateCache({ maxStreams: 2, snapshots: null })
    const run = cachedHandle(store, cache)
    for (const stream of ['account-a', 'account-b', 'account-a', 'account-c']) await run(stream, open)
    expect(cache.stats()).toMatchObject({ size: 2, evictions: 1 })
    expect(cache.get('account-a', accountDecider)).toBeDefined()
    expect(cache.get('account-b', accountDecider)).toBeUndefined()
  })

  it('a long stream dropped from the cache starts from its snapshot', async () => {
    const { store, read, reset } = counting(newStore())
    const cache = createStateCache({ maxStreams: 1, snapshotEvery: 100, snapshots: inMemorySnapshots(10) })
    await store.appendToStream('account-long', [
      { type: 'AccountOpened', data: { accountId: 'l', holder: 'Li' } },
    ])
    await store.appendToStream(
      'account-long',
      Array.from({ length: 249 }, () => earned(1)),
    )
    const run = cachedHandle(store, cache)
    await run('account-long', earn(1)) // a cold read of 250 events: a snapshot at 250
    await run('account-other', open) // drops account-long from the cache
    reset()
    const result = await run('account-long', earn(1))
    expect(cache.stats().snapshotHits).toBe(1)
    expect(read()).toBe(1) // the event appended after the snapshot
    expect(result._tag === 'Right' && result.right.state).toEqual(await stored(store, 'account-long'))
  })

  it('refuses a bound that is not a positive whole number, naming it', () => {
    expect(() => createStateCache({ maxStreams: 0 })).toThrow(InvalidCacheOptionError)
    expect(() => createStateCache({ snapshotEvery: 1.5 })).toThrow(/snapshotEvery must be a positive/)
    expect(() => inMemorySnapshots(-1)).toThrow(/maxStreams/)
  })

  it('handle with a cache rejects a domain refusal like handle without one, and writes nothing', async () => {
    const store = newStore()
    const cache = createStateCache()
    await handle(store, accountDecider, 'account-1', open, { cache })
    const error = await rejection(
      handle(store, accountDecider, 'account-1', { type: 'Redeem', points: 1 }, { cache }),
    )
    expect(error).toMatchObject({ code: 'NotEnoughPoints' })
    expect(await store.streamVersion('account-1')).toBe(1)
  })
})

/** One step of the property: which handler, which stream, which command, and a command id or none. */
const stepArbitrary = fc.record({
  handler: fc.constantFrom(0, 1, 2),
  stream: fc.constantFrom('account-a', 'account-b'),
  command: fc.oneof(
    fc.constant<AccountCommand>(open),
    fc.integer({ min: -1, max: 30 }).map((points): AccountCommand => ({ type: 'Earn', points, reason: 'r' })),
    fc.integer({ min: 1, max: 40 }).map((points): AccountCommand => ({ type: 'Redeem', points })),
  ),
  commandId: fc.option(fc.constantFrom('k1', 'k2', 'k3', 'k4'), { nil: undefined }),
  raw: fc.boolean(),
})

describe('state cache properties', () => {
  it('two cached handlers and raw appends over one store decide as one uncached handler does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        async (steps, bound) => {
          const shared = newStore()
          const reference = newStore()
          const caches = [createStateCache({ maxStreams: bound, snapshotEvery: 2 }), createStateCache()]
          for (const step of steps) {
            if (step.raw) {
              // A writer that bypasses both caches.
              await shared.appendToStream(step.stream, [earned(2, 'raw')])
              await reference.appendToStream(step.stream, [earned(2, 'raw')])
              continue
            }
            const options = step.commandId === undefined ? {} : { commandId: step.commandId }
            const cache = caches[step.handler]
            const got = await handleCommand(shared, accountDecider, step.stream, step.command, {
              ...options,
              ...(cache === undefined ? {} : { cache }),
            })()
            const want = await handleCommand(reference, accountDecider, step.stream, step.command, options)()
            expect(got._tag).toBe(want._tag)
            if (got._tag === 'Left' && want._tag === 'Left') expect(got.left.code).toBe(want.left.code)
            if (got._tag === 'Right' && want._tag === 'Right') {
              expect(got.right.state).toEqual(want.right.state)
              expect(got.right.version).toBe(want.right.version)
              expect(got.right.repeated).toBe(want.right.repeated)
            }
          }
          for (const cache of caches)
            for (const stream of ['account-a', 'account-b']) {
              const entry = cache.get<Account>(stream, accountDecider)
              if (entry === undefined) continue
              const upTo = await foldAsync(
                accountDecider.evolve,
                accountDecider.initialState,
                shared.readStream(stream, { to: entry.version }),
              )
              expect(entry.state).toEqual(upTo)
            }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('concurrent commands of two cached handlers on one stream lose no event', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 1, max: 9 })), { maxLength: 12 }),
        async (earns) => {
          const store = newStore()
          const caches = [createStateCache(), createStateCache()]
          await handle(store, accountDecider, 'account-1', open, { cache: caches[0] as StateCache })
          await Promise.all(
            earns.map(([h, points]) =>
              handle(store, accountDecider, 'account-1', earn(points), {
                cache: caches[h] as StateCache,
                retry: { ...noDelay, maxAttempts: 100 },
              }),
            ),
          )
          const state = await stored(store, 'account-1')
          expect(state.balance).toBe(earns.reduce((sum, [, p]) => sum + p, 0))
          const last = await handle(store, accountDecider, 'account-1', earn(1), {
            cache: caches[1] as StateCache,
          })
          expect(last.state).toEqual(await stored(store, 'account-1'))
        },
      ),
      { numRuns: 60 },
    )
  })
})
