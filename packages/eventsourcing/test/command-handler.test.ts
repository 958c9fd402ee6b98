import {
  ConcurrencyError,
  createInMemoryEventStore,
  DomainRejectedError,
  EventDecodeError,
  type EventStore,
  handle,
  handleCommand,
  type Random,
  StoreError,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  type AccountCommand,
  type AccountEvent,
  accountDecider,
  accountRegistry,
  collect,
  earned,
  rejection,
} from './support.js'

const newStore = () => createInMemoryEventStore({ registry: accountRegistry })
const open: AccountCommand = { type: 'Open', accountId: '1', holder: 'Wang' }
const earn = (points: number): AccountCommand => ({ type: 'Earn', points, reason: 'service' })
const fastRetry = (random: Random = seededRandom(1)) => ({
  maxAttempts: 30,
  baseDelayMs: 1,
  maxDelayMs: 4,
  random,
})

/** A store where, before each of the first `times` appends, someone else appends to the same stream. */
const contended = (store: EventStore<AccountEvent>, times: number) => {
  let left = times
  const wrapped: EventStore<AccountEvent> = {
    ...store,
    appendToStream: async (stream, events, options) => {
      if (left-- > 0) await store.appendToStream(stream, [earned(1, 'interloper')])
      return store.appendToStream(stream, events, options)
    },
  }
  return wrapped
}

const countingRandom = () => {
  const inner = seededRandom(3)
  let calls = 0
  const random: Random = {
    ...inner,
    next: () => {
      calls++
      return inner.next()
    },
  }
  return { random, calls: () => calls }
}

describe('handleCommand', () => {
  it('loads the stream, decides, appends with the loaded version, and returns events, state and version', async () => {
    const store = newStore()
    const first = await handleCommand(store, accountDecider, 'account-1', open)()
    expect(first).toMatchObject({ _tag: 'Right', right: { version: 1, repeated: false } })
    const result = await handleCommand(store, accountDecider, 'account-1', earn(50))()
    if (result._tag === 'Left') throw new Error(result.left.message)
    expect(result.right.version).toBe(2)
    expect(result.right.state).toEqual({ opened: true, holder: 'Wang', balance: 50, movements: 1 })
    expect(result.right.events.map((e) => [e.type, e.data, e.metadata.streamPosition])).toEqual([
      ['PointsEarned', { points: 50, reason: 'service' }, 2],
    ])
    const stored = await collect(store.readStream('account-1'))
    expect(stored.map((e) => e.metadata.eventId)).toContain(result.right.events[0]!.metadata.eventId)
  })

  it('a domain rejection is returned as the domain error and writes nothing', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const result = await handleCommand(store, accountDecider, 'account-1', { type: 'Redeem', points: 10 })()
    expect(result).toEqual({
      _tag: 'Left',
      left: { code: 'NotEnoughPoints', message: 'only 0 points available' },
    })
    expect(await store.streamVersion('account-1')).toBe(1)
    const missing = await handleCommand(store, accountDecider, 'account-2', earn(1))()
    expect(missing).toMatchObject({ _tag: 'Left', left: { code: 'NotOpen' } })
    expect(await store.streamVersion('account-2')).toBe(0)
  })

  it('is idempotent by commandId: a repeat returns the first result and appends nothing', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const first = await handle(store, accountDecider, 'account-1', earn(10), { commandId: 'cmd-earn' })
    await handle(store, accountDecider, 'account-1', earn(5))
    const again = await handle(store, accountDecider, 'account-1', earn(10), { commandId: 'cmd-earn' })
    expect(again.repeated).toBe(true)
    expect(again.version).toBe(first.version)
    expect(again.state).toEqual(first.state)
    expect(again.events.map((e) => e.metadata.eventId)).toEqual(first.events.map((e) => e.metadata.eventId))
    expect(await store.streamVersion('account-1')).toBe(3)
    const differentCommand = await handle(store, accountDecider, 'account-1', earn(999), {
      commandId: 'cmd-earn',
    })
    expect(differentCommand).toMatchObject({ repeated: true, state: { balance: 10 } })
    expect(await store.streamVersion('account-1')).toBe(3)
  })

  it('concurrent repeats of one commandId append once', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        handle(store, accountDecider, 'account-1', earn(7), { commandId: 'same', retry: fastRetry() }),
      ),
    )
    expect(results.filter((r) => !r.repeated)).toHaveLength(1)
    expect(new Set(results.map((r) => r.events[0]!.metadata.eventId)).size).toBe(1)
    expect(await store.streamVersion('account-1')).toBe(2)
  })

  it('retries concurrent conflicts with jitter until every command is applied', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const { random, calls } = countingRandom()
    const amounts = Array.from({ length: 8 }, (_, i) => i + 1)
    const results = await Promise.all(
      amounts.map((n) => handle(store, accountDecider, 'account-1', earn(n), { retry: fastRetry(random) })),
    )
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9])
    expect(calls()).toBeGreaterThan(0)
    const final = await collect(store.readStream('account-1'))
    expect(final.reduce(accountDecider.evolve, accountDecider.initialState).balance).toBe(36)
  })

  it('retries with the default policy on a conflict, reloading the state', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const { random, calls } = countingRandom()
    const result = await handle(contended(store, 2), accountDecider, 'account-1', earn(10), {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, random },
    })
    expect(calls()).toBe(2)
    expect(result.version).toBe(4)
    expect(result.state.balance).toBe(12)
  })

  it('gives up after maxAttempts with the ConcurrencyError', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const result = await handleCommand(contended(store, 3), accountDecider, 'account-1', earn(10), {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    })()
    expect(result._tag === 'Left' && result.left).toBeInstanceOf(ConcurrencyError)
    expect(await store.streamVersion('account-1')).toBe(4)
  })

  it('does not retry when retry is false', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const result = await handleCommand(contended(store, 1), accountDecider, 'account-1', earn(10), {
      retry: false,
    })()
    expect(result).toMatchObject({ _tag: 'Left', left: { code: 'ConcurrencyError', expected: 1, actual: 2 } })
  })

  it('an explicit expectedVersion is never retried', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    await handle(store, accountDecider, 'account-1', earn(1))
    const { random, calls } = countingRandom()
    const result = await handleCommand(store, accountDecider, 'account-1', earn(10), {
      expectedVersion: 1,
      retry: fastRetry(random),
    })()
    expect(result).toMatchObject({ _tag: 'Left', left: { code: 'ConcurrencyError', expected: 1, actual: 2 } })
    expect(calls()).toBe(0)
    expect(await store.streamVersion('account-1')).toBe(2)
    const ok = await handle(store, accountDecider, 'account-1', earn(10), { expectedVersion: 2 })
    expect(ok.version).toBe(3)
  })

  it('propagates commandId, correlationId, causationId and actor into the metadata', async () => {
    const store = newStore()
    const actor = { id: 'u-42', role: 'duty-manager' }
    await handle(store, accountDecider, 'account-1', open, { commandId: 'c-1' })
    await handle(store, accountDecider, 'account-1', earn(3), {
      commandId: 'c-2',
      correlationId: 'corr-9',
      causationId: 'evt-5',
      actor,
    })
    await handle(store, accountDecider, 'account-1', earn(4))
    const metadata = (await collect(store.readStream('account-1'))).map((e) => e.metadata)
    expect(metadata[0]).toMatchObject({
      commandId: 'c-1',
      correlationId: 'c-1',
      causationId: null,
      actor: null,
    })
    expect(metadata[1]).toMatchObject({
      commandId: 'c-2',
      correlationId: 'corr-9',
      causationId: 'evt-5',
      actor,
    })
    expect(metadata[2]).toMatchObject({
      commandId: null,
      correlationId: null,
      causationId: null,
      actor: null,
    })
  })

  it('an event the decider makes that fails its codec is a kernel error and writes nothing', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const result = await handleCommand(store, accountDecider, 'account-1', earn(1.5))()
    expect(result).toMatchObject({ _tag: 'Left', left: { code: 'InvalidPoints' } })
    const sloppy = { ...accountDecider, decide: () => ({ _tag: 'Right' as const, right: [earned(1.5)] }) }
    const bad = await handleCommand(store, sloppy, 'account-1', earn(1))()
    expect(bad._tag === 'Left' && bad.left).toBeInstanceOf(EventDecodeError)
    expect(await store.streamVersion('account-1')).toBe(1)
  })

  it('a throwing decider becomes a StoreError, not an exception', async () => {
    const store = newStore()
    const broken = {
      ...accountDecider,
      decide: () => {
        throw new Error('bug in decide')
      },
    }
    const result = await handleCommand(store, broken, 'account-1', open)()
    expect(result._tag === 'Left' && result.left).toBeInstanceOf(StoreError)
    expect(result._tag === 'Left' && result.left.message).toBe('bug in decide')
  })
})

describe('handle (Promise variant)', () => {
  it('resolves with the result', async () => {
    const store = newStore()
    expect(await handle(store, accountDecider, 'account-1', open)).toMatchObject({
      version: 1,
      repeated: false,
    })
  })

  it('rejects a domain refusal with DomainRejectedError carrying the code and the domain error', async () => {
    const store = newStore()
    const error = await rejection(handle(store, accountDecider, 'account-1', earn(5)))
    expect(error).toBeInstanceOf(DomainRejectedError)
    expect(error).toMatchObject({
      code: 'NotOpen',
      message: 'open the account first',
      error: { code: 'NotOpen' },
    })
  })

  it('rejects a store refusal with the kernel error itself', async () => {
    const store = newStore()
    await handle(store, accountDecider, 'account-1', open)
    const error = await rejection(
      handle(store, accountDecider, 'account-1', earn(5), { expectedVersion: 'no_stream' }),
    )
    expect(error).toBeInstanceOf(ConcurrencyError)
    const malformed = await rejection(handle(store, accountDecider, 'no dash', open))
    expect(malformed).toMatchObject({ code: 'MalformedStreamName' })
  })
})
