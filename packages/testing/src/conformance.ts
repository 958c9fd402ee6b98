import {
  ConcurrencyError,
  type EventRegistry,
  type EventStore,
  type ExpectedVersion,
  isErased,
  type RecordedEvent,
  type StoredEvent,
  verify,
  verifyEvents,
} from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'
import {
  CarDelivered,
  CarOrdered,
  type ConformanceEvent,
  conformanceRegistry,
  NoteAdded,
} from './conformance-events.js'

export interface ConformanceSetup {
  readonly store: EventStore<ConformanceEvent>
  /** Release what the factory opened (files, schemas, connections). */
  readonly teardown?: () => Promise<void>
  /** Alter one stored event in place (e.g. an SQL UPDATE of its data), to prove tampering is detected. */
  readonly tamper?: (streamName: string, streamPosition: number) => Promise<void>
}

export type ConformanceFactory = (context: {
  readonly registry: EventRegistry<ConformanceEvent>
}) => Promise<ConformanceSetup>

export interface ConformanceOptions {
  /** Concurrent appenders in the race tests (default 8). */
  readonly concurrency?: number
}

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

const note = (text: string) => NoteAdded.make({ text, tags: ['conformance'] })
const ordered = (orderId: string, subjectId: string) =>
  CarOrdered.make({
    orderId,
    amountFen: 15_990_000 as t.Int,
    customer: { subjectId, name: '张三', phone: '13800138000' },
  })

let streamCounter = 0
const freshStream = (category = 'order') =>
  `${category}-${Date.now().toString(36)}${(streamCounter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject, but it resolved')
}

const waitFor = async (condition: () => boolean, timeoutMs = 10_000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/**
 * The conformance suite every EventStore runs — ours and third-party adapters alike:
 * expected versions, atomicity, concurrency, global ordering, reads, subscriptions, the
 * hash chain, personal data and bad input.
 */
export const runEventStoreConformance = (
  name: string,
  factory: ConformanceFactory,
  options: ConformanceOptions = {},
): void => {
  const concurrency = options.concurrency ?? 8

  describe(`EventStore conformance: ${name}`, () => {
    let setup: ConformanceSetup
    let store: EventStore<ConformanceEvent>

    beforeEach(async () => {
      setup = await factory({ registry: conformanceRegistry })
      store = setup.store
    })
    afterEach(async () => {
      await store.close()
      await setup.teardown?.()
    })

    const countAll = async () => (await collect(store.readAll())).length

    describe('expected version', () => {
      const conflict = async (stream: string, expected: ExpectedVersion, actual: number) => {
        const error = await rejection(
          store.appendToStream(stream, [note('x')], { expectedVersion: expected }),
        )
        expect(error).toBeInstanceOf(ConcurrencyError)
        expect(error).toMatchObject({ code: 'ConcurrencyError', expected, actual, streamName: stream })
      }

      it('no_stream succeeds on a new stream and fails on an existing one', async () => {
        const s = freshStream()
        const r = await store.appendToStream(s, [note('a')], { expectedVersion: 'no_stream' })
        expect(r.nextExpectedVersion).toBe(1)
        await conflict(s, 'no_stream', 1)
      })

      it('stream_exists fails on a new stream and succeeds on an existing one', async () => {
        const s = freshStream()
        await conflict(s, 'stream_exists', 0)
        await store.appendToStream(s, [note('a')])
        const r = await store.appendToStream(s, [note('b')], { expectedVersion: 'stream_exists' })
        expect(r.nextExpectedVersion).toBe(2)
      })

      it('an exact version succeeds only when it is the current version', async () => {
        const s = freshStream()
        await conflict(s, 1, 0)
        await store.appendToStream(s, [note('a'), note('b')], { expectedVersion: 0 })
        await conflict(s, 1, 2)
        await conflict(s, 3, 2)
        const r = await store.appendToStream(s, [note('c')], { expectedVersion: 2 })
        expect(r.nextExpectedVersion).toBe(3)
        expect(await store.streamVersion(s)).toBe(3)
      })

      it('any always succeeds', async () => {
        const s = freshStream()
        await store.appendToStream(s, [note('a')], { expectedVersion: 'any' })
        const r = await store.appendToStream(s, [note('b')], { expectedVersion: 'any' })
        expect(r.nextExpectedVersion).toBe(2)
      })

      it('a conflict writes nothing', async () => {
        const s = freshStream()
        await store.appendToStream(s, [note('a')])
        const before = await countAll()
        await conflict(s, 0, 1)
        expect(await countAll()).toBe(before)
        expect(await store.streamVersion(s)).toBe(1)
      })
    })

    describe('append', () => {
      it('returns the next version and increasing global positions, and records the envelope', async () => {
        const s = freshStream()
        const r = await store.appendToStream(s, [note('a'), note('b'), note('c')], {
          metadata: {
            correlationId: 'corr-1',
            causationId: 'cause-1',
            commandId: 'cmd-1',
            actor: { id: 'u-42', role: 'duty-manager' },
          },
        })
        expect(r.nextExpectedVersion).toBe(3)
        expect(r.globalPositions).toHaveLength(3)
        expect(
          r.globalPositions[0]! < r.globalPositions[1]! && r.globalPositions[1]! < r.globalPositions[2]!,
        ).toBe(true)
        const read = await collect(store.readStream(s))
        expect(read.map((e) => e.metadata.streamPosition)).toEqual([1, 2, 3])
        expect(read.map((e) => e.metadata.globalPosition)).toEqual(r.globalPositions)
        const first = read[0]!
        expect(first.type).toBe('NoteAdded')
        expect(first.data).toEqual({ text: 'a', tags: ['conformance'] })
        expect(first.metadata).toMatchObject({
          streamName: s,
          schemaVersion: 1,
          correlationId: 'corr-1',
          causationId: 'cause-1',
          commandId: 'cmd-1',
          actor: { id: 'u-42', role: 'duty-manager' },
          prevHash: '',
        })
        expect(first.metadata.eventId).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        )
        expect(first.metadata.recordedAt).toBeInstanceOf(Date)
        expect(Number.isNaN(first.metadata.recordedAt.getTime())).toBe(false)
        expect(new Set(read.map((e) => e.metadata.eventId)).size).toBe(3)
      })

      it('is atomic: a batch with one invalid event writes nothing', async () => {
        const s = freshStream()
        await store.appendToStream(s, [note('a')])
        const before = await countAll()
        // Deliberately ill-typed: the suite checks what a store does with input the types would refuse.
        const bad = { type: 'NoteAdded', data: { text: 42, tags: [] } } as unknown as ConformanceEvent
        const error = await rejection(store.appendToStream(s, [note('b'), bad, note('c')]))
        expect(error).toMatchObject({ code: 'EventDecodeError', eventType: 'NoteAdded', streamName: s })
        expect((error as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain('text')
        expect(await store.streamVersion(s)).toBe(1)
        expect(await countAll()).toBe(before)
      })

      it('an empty append checks the expected version and writes nothing', async () => {
        const s = freshStream()
        const r = await store.appendToStream(s, [], { expectedVersion: 'no_stream' })
        expect(r.nextExpectedVersion).toBe(0)
        expect(await store.streamVersion(s)).toBe(0)
        expect(
          await rejection(store.appendToStream(s, [], { expectedVersion: 'stream_exists' })),
        ).toBeInstanceOf(ConcurrencyError)
      })
    })

    describe('concurrency', () => {
      it('of concurrent appenders expecting the same version, exactly one wins', async () => {
        const s = freshStream()
        await store.appendToStream(s, [note('seed')])
        const results = await Promise.allSettled(
          Array.from({ length: concurrency }, (_, i) =>
            store.appendToStream(s, [note(`w${i}`)], { expectedVersion: 1 }),
          ),
        )
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        for (const r of results.filter((r) => r.status === 'rejected'))
          expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError)
        expect(await store.streamVersion(s)).toBe(2)
      })

      it('many appenders retrying on conflict produce gap-free stream positions', async () => {
        const s = freshStream()
        const perWriter = 5
        const writer = async (w: number) => {
          for (let i = 0; i < perWriter; i++) {
            for (;;) {
              const version = await store.streamVersion(s)
              try {
                await store.appendToStream(s, [note(`${w}:${i}`)], { expectedVersion: version })
                break
              } catch (error) {
                if (!(error instanceof ConcurrencyError)) throw error
              }
            }
          }
        }
        await Promise.all(Array.from({ length: concurrency }, (_, w) => writer(w)))
        const events = await collect(store.readStream(s))
        expect(events.map((e) => e.metadata.streamPosition)).toEqual(
          Array.from({ length: concurrency * perWriter }, (_, i) => i + 1),
        )
        const positions = events.map((e) => e.metadata.globalPosition)
        for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true)
        expect((await verify(store)).ok).toBe(true)
      })

      it('a tailing reader never sees global positions out of order while writers append', async () => {
        const seen: bigint[] = []
        const start = (await collect(store.readAll())).at(-1)?.metadata.globalPosition ?? 0n
        const sub = store.subscribe(
          (e) => {
            seen.push(e.metadata.globalPosition)
          },
          { from: start + 1n },
        )
        const total = concurrency * 10
        await Promise.all(
          Array.from({ length: concurrency }, async (_, w) => {
            for (let i = 0; i < 10; i++) await store.appendToStream(freshStream('tail'), [note(`${w}:${i}`)])
          }),
        )
        await waitFor(() => seen.length >= total)
        await sub.close()
        expect(seen).toHaveLength(total)
        for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true)
      })
    })

    describe('reads', () => {
      it('readStream honours from, to and maxCount; a missing stream is empty at version 0', async () => {
        const s = freshStream()
        await store.appendToStream(s, ['a', 'b', 'c', 'd', 'e'].map(note))
        const texts = async (o: { from?: number; to?: number; maxCount?: number }) =>
          (await collect(store.readStream(s, o))).map((e) => (e.data as { text: string }).text)
        expect(await texts({})).toEqual(['a', 'b', 'c', 'd', 'e'])
        expect(await texts({ from: 2 })).toEqual(['b', 'c', 'd', 'e'])
        expect(await texts({ from: 2, to: 3 })).toEqual(['b', 'c'])
        expect(await texts({ from: 2, maxCount: 2 })).toEqual(['b', 'c'])
        expect(await texts({ from: 9 })).toEqual([])
        const missing = freshStream()
        expect(await collect(store.readStream(missing))).toEqual([])
        expect(await store.streamVersion(missing)).toBe(0)
      })

      it('readAll returns every event in global order, in any batch size, within from/to bounds', async () => {
        const a = freshStream('alpha')
        const b = freshStream('beta')
        await store.appendToStream(a, [note('a1'), note('a2')])
        await store.appendToStream(b, [CarDelivered.make({ orderId: 'o1', at: '2026-03-01T10:00:00.000Z' })])
        await store.appendToStream(a, [note('a3')])
        const all = await collect(store.readAll())
        const small = await collect(store.readAll({ batchSize: 1 }))
        expect(small.map((e) => e.metadata.globalPosition)).toEqual(all.map((e) => e.metadata.globalPosition))
        for (let i = 1; i < all.length; i++)
          expect(all[i]!.metadata.globalPosition > all[i - 1]!.metadata.globalPosition).toBe(true)
        const mine = all.filter((e) => e.metadata.streamName === a || e.metadata.streamName === b)
        expect(mine.map((e) => e.type)).toEqual(['NoteAdded', 'NoteAdded', 'CarDelivered', 'NoteAdded'])
        const from = mine[1]!.metadata.globalPosition
        const to = mine[2]!.metadata.globalPosition
        const bounded = await collect(store.readAll({ from, to, batchSize: 2 }))
        expect(bounded.map((e) => e.metadata.globalPosition)).toEqual(
          all
            .filter((e) => e.metadata.globalPosition >= from && e.metadata.globalPosition <= to)
            .map((e) => e.metadata.globalPosition),
        )
      })

      it('readAll filters by category and by event type', async () => {
        const category = `cat${Math.random().toString(36).slice(2, 8)}`
        const s1 = freshStream(category)
        const s2 = freshStream(category)
        await store.appendToStream(s1, [
          note('n1'),
          CarDelivered.make({ orderId: 'o', at: '2026-01-01T00:00:00.000Z' }),
        ])
        await store.appendToStream(freshStream('other'), [note('elsewhere')])
        await store.appendToStream(s2, [note('n2')])
        const byCategory = await collect(store.readAll({ categories: [category], batchSize: 2 }))
        expect(byCategory.map((e) => e.metadata.streamName)).toEqual([s1, s1, s2])
        const byType = await collect(store.readAll({ categories: [category], types: ['CarDelivered'] }))
        expect(byType.map((e) => e.type)).toEqual(['CarDelivered'])
        const onlyDelivered = await collect(store.readAll({ types: ['CarDelivered'] }))
        expect(onlyDelivered.every((e) => e.type === 'CarDelivered')).toBe(true)
      })
    })

    describe('subscriptions', () => {
      it('deliver history, then live events, without loss or duplicates, and resume from a position', async () => {
        const category = `sub${Math.random().toString(36).slice(2, 8)}`
        const s = freshStream(category)
        await store.appendToStream(s, ['1', '2', '3', '4', '5'].map(note))
        const received: RecordedEvent<ConformanceEvent>[] = []
        const sub = store.subscribe(
          (e) => {
            received.push(e)
          },
          { categories: [category] },
        )
        await waitFor(() => received.length >= 5)
        await store.appendToStream(s, ['6', '7'].map(note))
        await store.appendToStream(s, ['8', '9', '10'].map(note))
        await waitFor(() => received.length >= 10)
        await new Promise((r) => setTimeout(r, 50))
        await sub.close()
        expect(received.map((e) => (e.data as { text: string }).text)).toEqual(
          Array.from({ length: 10 }, (_, i) => String(i + 1)),
        )
        const resumeFrom = received[5]!.metadata.globalPosition
        const resumed: string[] = []
        const again = store.subscribe(
          (e) => {
            resumed.push((e.data as { text: string }).text)
          },
          { categories: [category], from: resumeFrom },
        )
        await waitFor(() => resumed.length >= 5)
        await again.close()
        expect(resumed).toEqual(['6', '7', '8', '9', '10'])
      })

      it('a failing handler ends the subscription with its error', async () => {
        const category = `fail${Math.random().toString(36).slice(2, 8)}`
        await store.appendToStream(freshStream(category), [note('boom')])
        const sub = store.subscribe(
          () => {
            throw new Error('handler failed')
          },
          { categories: [category] },
        )
        await expect(sub.done).rejects.toThrow('handler failed')
        await sub.close()
      })
    })

    describe('hash chain', () => {
      it('links every event to the previous one in its stream, and verify accepts the log', async () => {
        const s = freshStream()
        await store.appendToStream(s, [note('a'), note('b')])
        await store.appendToStream(s, [note('c')])
        const events = await collect(store.readStream(s))
        expect(events[0]!.metadata.prevHash).toBe('')
        for (let i = 1; i < events.length; i++)
          expect(events[i]!.metadata.prevHash).toBe(events[i - 1]!.metadata.hash)
        for (const e of events) expect(e.metadata.hash).toMatch(/^[0-9a-f]{64}$/)
        const result = await verify(store)
        expect(result.ok).toBe(true)
      })

      it('detects a tampered event and names the first broken link', async () => {
        const s = freshStream()
        await store.appendToStream(s, [note('a'), note('b'), note('c')])
        if (setup.tamper) {
          await setup.tamper(s, 2)
          const result = await verify(store)
          expect(result).toMatchObject({ ok: false, broken: { streamName: s, streamPosition: 2 } })
        } else {
          const stored = store.log.readAll({
            from: 0n,
            to: null,
            batchSize: 100,
            categories: null,
            types: null,
          })
          const altered = async function* (): AsyncGenerator<StoredEvent> {
            for await (const e of stored)
              yield e.streamName === s && e.streamPosition === 2
                ? { ...e, data: { text: 'forged', tags: [] } }
                : e
          }
          const result = await verifyEvents(altered())
          expect(result).toMatchObject({ ok: false, broken: { streamName: s, streamPosition: 2 } })
        }
      })
    })

    describe('personal data', () => {
      it('is stored encrypted and read back in clear', async () => {
        const s = freshStream()
        const subject = `customer-${Math.random().toString(36).slice(2)}`
        await store.appendToStream(s, [ordered('o-1', subject)])
        const [event] = await collect(store.readStream(s))
        expect(event!.data).toMatchObject({
          customer: { subjectId: subject, name: '张三', phone: '13800138000' },
        })
        const raw = await collect(store.log.readStream(s, { from: 1, to: 1, maxCount: 1 }))
        const stored = JSON.stringify(raw[0]!.data)
        expect(stored).not.toContain('张三')
        expect(stored).not.toContain('13800138000')
        expect(stored).toContain('$enc')
      })

      it('forgetting a subject erases their fields on read, keeps the chain verifiable, and refuses new data', async () => {
        const s = freshStream()
        const subject = `customer-${Math.random().toString(36).slice(2)}`
        const other = `customer-${Math.random().toString(36).slice(2)}`
        await store.appendToStream(s, [ordered('o-1', subject), ordered('o-2', other)])
        await store.forget(subject)
        const [forgotten, kept] = await collect(store.readStream(s))
        const customer = (forgotten!.data as { customer: { name: unknown; phone: unknown } }).customer
        expect(isErased(customer.name)).toBe(true)
        expect(isErased(customer.phone)).toBe(true)
        expect(customer.name).toEqual({ erased: true, subjectId: subject })
        expect((kept!.data as { customer: { name: unknown } }).customer.name).toBe('张三')
        expect((await verify(store)).ok).toBe(true)
        const error = await rejection(store.appendToStream(s, [ordered('o-3', subject)]))
        expect(error).toMatchObject({ code: 'PersonalDataError' })
        expect(await store.streamVersion(s)).toBe(2)
      })
    })

    describe('bad input', () => {
      it('rejects an unknown event type and writes nothing', async () => {
        const s = freshStream()
        const before = await countAll()
        // Deliberately ill-typed, as above.
        const error = await rejection(
          store.appendToStream(s, [{ type: 'NoSuchEvent', data: {} } as unknown as ConformanceEvent]),
        )
        expect(error).toMatchObject({ code: 'UnknownEventType', eventType: 'NoSuchEvent' })
        expect(await countAll()).toBe(before)
      })

      it('rejects data that fails its codec, naming the field path', async () => {
        const s = freshStream()
        const bad = CarOrdered.make({
          orderId: 'o',
          amountFen: 1.5 as t.Int,
          customer: { subjectId: 'c', name: 'n', phone: 'p' },
        })
        const error = await rejection(store.appendToStream(s, [bad]))
        expect(error).toMatchObject({ code: 'EventDecodeError', eventType: 'CarOrdered' })
        expect((error as Error).message).toContain('amountFen')
        expect(await store.streamVersion(s)).toBe(0)
      })

      it('rejects malformed stream names and expected versions', async () => {
        for (const bad of ['', 'nodash', '-noCategory', 'noId-', 'has space-x'])
          expect(await rejection(store.appendToStream(bad, [note('a')]))).toMatchObject({
            code: 'MalformedStreamName',
          })
        const s = freshStream()
        const error = await rejection(
          store.appendToStream(s, [note('a')], { expectedVersion: -1 as unknown as ExpectedVersion }),
        )
        expect(error).toMatchObject({ code: 'StoreError' })
        expect(await store.streamVersion(s)).toBe(0)
      })
    })
  })
}
