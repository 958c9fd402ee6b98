import {
  ConcurrencyError,
  createEventStore,
  createInMemoryEventLog,
  createInMemoryEventStore,
  eventRegistry,
  handleCommand,
  seededRandom,
  verify,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type AccountCommand, accountDecider, accountRegistry, collect, earned } from './support.js'
import {
  CustomerNamed,
  CustomerNamedV1,
  type NameV1,
  type NameV3,
  v1ToV2,
  v2ToV3,
} from './upcasting-chain.js'

/** One writer's plan: appends of 1–3 events to one of three streams, expecting `any` or the version it read. */
const step = fc.record({
  stream: fc.constantFrom('account-a', 'account-b', 'account-c'),
  size: fc.integer({ min: 1, max: 3 }),
  expected: fc.constantFrom('any' as const, 'read' as const),
})
const writers = fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 })

describe('kernel properties', () => {
  it('any interleaving of concurrent appends yields gap-free stream positions and strictly increasing global positions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), writers, async (s, plans) => {
        const store = createInMemoryEventStore({ registry: accountRegistry })
        const appended: Array<{ stream: string; positions: number[]; globals: bigint[] }> = []
        const tasks = plans.map(async (plan, w) => {
          for (const [i, p] of plan.entries()) {
            await s.schedule(Promise.resolve(), `w${w} read`)
            const version = await store.streamVersion(p.stream)
            await s.schedule(Promise.resolve(), `w${w} append`)
            const events = Array.from({ length: p.size }, (_, k) => earned(1 + k, `w${w}:${i}`))
            try {
              const r = await store.appendToStream(p.stream, events, {
                expectedVersion: p.expected === 'any' ? 'any' : version,
              })
              appended.push({
                stream: p.stream,
                positions: r.events.map((e) => e.metadata.streamPosition),
                globals: [...r.globalPositions],
              })
            } catch (error) {
              if (!(error instanceof ConcurrencyError) || p.expected === 'any') throw error
            }
          }
        })
        await s.waitFor(Promise.all(tasks))

        const all = await collect(store.readAll({ batchSize: 2 }))
        const total = appended.reduce((n, a) => n + a.positions.length, 0)
        expect(all.map((e) => e.metadata.globalPosition)).toEqual(
          Array.from({ length: total }, (_, i) => BigInt(i + 1)),
        )
        for (const stream of ['account-a', 'account-b', 'account-c']) {
          const positions = (await collect(store.readStream(stream))).map((e) => e.metadata.streamPosition)
          expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1))
          expect(await store.streamVersion(stream)).toBe(positions.length)
        }
        for (const a of appended) {
          for (let i = 1; i < a.positions.length; i++) {
            expect(a.positions[i]).toBe(a.positions[i - 1]! + 1)
            expect(a.globals[i]).toBe(a.globals[i - 1]! + 1n)
          }
        }
        expect((await verify(store)).ok).toBe(true)
      }),
      { numRuns: 60 },
    )
  })

  it('upcaster chains round-trip: data stored at any version reads as its upcast; the latest reads as itself', async () => {
    const v1 = fc.record({ name: fc.string({ maxLength: 12 }) })
    const v3 = fc.record({
      firstName: fc.string({ maxLength: 8 }),
      lastName: fc.string({ maxLength: 8 }),
      title: fc.option(fc.string({ maxLength: 4 }), { nil: null }),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(v1.map(tag(1)), v3.map(tag(3))), { maxLength: 8 }),
        async (items) => {
          const log = createInMemoryEventLog()
          const old = createEventStore(log, { registry: eventRegistry([CustomerNamedV1]) })
          const current = createEventStore(log, { registry: eventRegistry([CustomerNamed]) })
          for (const item of items)
            if (item.version === 1)
              await old.appendToStream('customer-1', [CustomerNamedV1.make(item.data as NameV1)])
            else await current.appendToStream('customer-1', [CustomerNamed.make(item.data as NameV3)])
          const read = await collect(current.readStream('customer-1'))
          expect(read.map((e) => e.data)).toEqual(
            items.map((i) => (i.version === 1 ? v2ToV3(v1ToV2(i.data as NameV1)) : i.data)),
          )
          expect(read.map((e) => e.metadata.schemaVersion)).toEqual(items.map((i) => i.version))
        },
      ),
      { numRuns: 100 },
    )
    fc.assert(
      fc.property(v3, (data) => {
        const stored = JSON.parse(JSON.stringify(CustomerNamed.codec.encode(data)))
        expect(CustomerNamed.decodeVersion(CustomerNamed.schemaVersion, stored)).toEqual({
          _tag: 'Right',
          right: data,
        })
      }),
    )
  })

  it('replaying the stored events reproduces the state the command handler returned', async () => {
    const command: fc.Arbitrary<AccountCommand> = fc.oneof(
      fc.record({
        type: fc.constant('Open' as const),
        accountId: fc.constant('1'),
        holder: fc.string({ maxLength: 5 }),
      }),
      fc.record({
        type: fc.constant('Earn' as const),
        points: fc.integer({ min: -5, max: 100 }),
        reason: fc.constant('r'),
      }),
      fc.record({ type: fc.constant('Redeem' as const), points: fc.integer({ min: -5, max: 120 }) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 15 }), async (commands) => {
        const store = createInMemoryEventStore({ registry: accountRegistry })
        let expected = accountDecider.initialState
        let version = 0
        for (const c of commands) {
          const result = await handleCommand(store, accountDecider, 'account-1', c, {
            retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0, random: seededRandom(0) },
          })()
          if (result._tag === 'Right') {
            expected = result.right.state
            version = result.right.version
          }
          const stored = await collect(store.readStream('account-1'))
          expect(stored.reduce(accountDecider.evolve, accountDecider.initialState)).toEqual(expected)
          expect(stored.length).toBe(version)
        }
      }),
      { numRuns: 100 },
    )
  })
})

function tag(version: 1 | 3) {
  return (data: NameV1 | NameV3) => ({ version, data })
}
