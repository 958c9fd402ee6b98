import {
  createReadModelProjector,
  type DocumentProjection,
  type EventStore,
  type ReadModelStore,
  type ReadModelTransaction,
} from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collect } from './collect.js'
import { rejection } from './conformance/support.js'
import {
  CarDelivered,
  CarOrdered,
  type ConformanceEvent,
  conformanceRegistry,
  NoteAdded,
} from './conformance-events.js'

export interface ReadModelConformanceSetup {
  /** An event store and the read-model store beside it (same database), fresh for each test. */
  readonly store: EventStore<ConformanceEvent>
  readonly readModels: ReadModelStore
  /** The same read models opened again, as a second process would: leases must exclude each other. */
  readonly another?: () => Promise<ReadModelStore>
  readonly teardown?: () => Promise<void>
}

export type ReadModelConformanceFactory = (context: {
  readonly registry: typeof conformanceRegistry
}) => Promise<ReadModelConformanceSetup>

interface Order {
  readonly orderId: string
  readonly customer: string
  deliveredAt: string | null
  applied: number
}

/** Orders by id, found by customer and, once delivered, ordered by delivery time. */
const orders = (version = 1): DocumentProjection<ConformanceEvent> => ({
  name: 'conformance.orders',
  version,
  handles: ['CarOrdered', 'CarDelivered'],
  apply: async (e, documents) => {
    if (e.type === 'CarOrdered') {
      const order: Order = {
        orderId: e.data.orderId,
        customer: e.data.customer.subjectId,
        deliveredAt: null,
        applied: 1,
      }
      documents.put(e.data.orderId, order, {
        customer: order.customer,
        delivered: null,
        version: `v${version}`,
      })
    } else if (e.type === 'CarDelivered') {
      const order = await documents.get<Order>(e.data.orderId)
      if (order === undefined) return
      order.deliveredAt = e.data.at
      order.applied++
      documents.put(order.orderId, order, {
        customer: order.customer,
        delivered: e.data.at,
        version: `v${version}`,
      })
    }
  },
})

/** One document per event, counting how often it was applied. */
const tally: DocumentProjection<ConformanceEvent> = {
  name: 'conformance.tally',
  version: 1,
  handles: ['CarOrdered', 'CarDelivered', 'NoteAdded'],
  apply: async (e, documents) => {
    const id = `e-${e.metadata.globalPosition.toString().padStart(8, '0')}`
    const seen = await documents.get<{ times: number }>(id)
    documents.put(id, { times: (seen?.times ?? 0) + 1 })
  },
}

const order = (orderId: string, subjectId: string) =>
  CarOrdered.make({
    orderId,
    amountFen: 15_990_000 as t.Int,
    customer: { subjectId, name: '张三', phone: '13800138000' },
  })
const delivered = (orderId: string, at: string) => CarDelivered.make({ orderId, at })

/** Documents, index lookups, transactions, catch-up, blue/green and leases, for any ReadModelStore. */
export const runReadModelStoreConformance = (name: string, factory: ReadModelConformanceFactory): void => {
  describe(`ReadModelStore conformance: ${name}`, () => {
    let setup: ReadModelConformanceSetup | undefined
    const ctx = () => {
      if (setup === undefined) throw new Error('opened by beforeEach')
      return setup
    }
    beforeEach(async () => {
      setup = await factory({ registry: conformanceRegistry })
    })
    afterEach(async () => {
      await setup?.store.close()
      await setup?.teardown?.()
      setup = undefined
    })

    const seed = async () => {
      const { store } = ctx()
      await store.appendToStream('order-1', [
        order('o-1', 'c-1'),
        delivered('o-1', '2026-03-02T03:00:00.000Z'),
      ])
      await store.appendToStream('order-2', [
        order('o-2', 'c-2'),
        delivered('o-2', '2026-03-01T03:00:00.000Z'),
      ])
      await store.appendToStream('order-3', [order('o-3', 'c-1')])
    }

    it('serves nothing before a version is live, then finds documents by id, by key and in key order', async () => {
      const { store, readModels } = ctx()
      await seed()
      expect(await readModels.live('conformance.orders')).toBeNull()
      expect(await readModels.get('conformance.orders', 'o-1')).toBeUndefined()
      const run = await createReadModelProjector({ store, readModels, projection: orders() }).catchUp()
      expect(run).toMatchObject({ ran: true, applied: 5, live: true })
      expect(await readModels.live('conformance.orders')).toMatchObject({
        version: 1,
        position: run.position,
      })
      expect(await readModels.get('conformance.orders', 'o-1')).toEqual({
        id: 'o-1',
        data: { orderId: 'o-1', customer: 'c-1', deliveredAt: '2026-03-02T03:00:00.000Z', applied: 2 },
        keys: { customer: 'c-1', delivered: '2026-03-02T03:00:00.000Z', version: 'v1' },
      })
      expect((await readModels.find('conformance.orders', 'customer', 'c-1')).map((d) => d.id)).toEqual([
        'o-1',
        'o-3',
      ])
      expect((await readModels.find('conformance.orders', 'customer', 'c-9')).map((d) => d.id)).toEqual([])
      const byDelivery = await readModels.ordered('conformance.orders', 'delivered')
      expect(byDelivery.map((d) => d.id)).toEqual(['o-2', 'o-1']) // o-3 has no key: not in the index
      const range = { from: '2026-03-02', to: '2026-03-03' }
      expect((await readModels.ordered('conformance.orders', 'delivered', range)).map((d) => d.id)).toEqual([
        'o-1',
      ])
      expect(
        (await readModels.ordered('conformance.orders', 'customer', { limit: 2 })).map((d) => d.id),
      ).toEqual(['o-1', 'o-3'])
    })

    it('applies each event once: a second run reads from the checkpoint, later events are added', async () => {
      const { store, readModels } = ctx()
      await seed()
      const projector = createReadModelProjector({ store, readModels, projection: orders(), batchSize: 2 })
      const first = await projector.catchUp()
      expect((await projector.catchUp()).applied).toBe(0)
      await store.appendToStream('order-3', [delivered('o-3', '2026-02-01T00:00:00.000Z')])
      const third = await projector.catchUp()
      expect(third.applied).toBe(1)
      expect(third.position > first.position).toBe(true)
      expect((await readModels.get('conformance.orders', 'o-3'))?.data).toMatchObject({ applied: 2 })
      expect((await readModels.ordered('conformance.orders', 'delivered')).map((d) => d.id)).toEqual([
        'o-3',
        'o-2',
        'o-1',
      ])
    })

    it('moves its checkpoint over the events it does not handle, where the log names its head', async () => {
      const { store, readModels } = ctx()
      await seed()
      for (const text of ['first', 'second'])
        await store.appendToStream('notes-1', [NoteAdded.make({ text, tags: [] })])
      const run = await createReadModelProjector({ store, readModels, projection: orders() }).catchUp()
      expect(run.applied).toBe(5)
      const last = (await collect(store.readAll({ types: ['CarOrdered', 'CarDelivered'] }))).at(-1)
      const head = store.log.headPosition === undefined ? null : await store.log.headPosition()
      // Past both notes (the head) where the log can say where its head is; past the last order elsewhere.
      expect(run.position).toBe(head === null ? (last?.metadata.globalPosition ?? 0n) + 1n : head + 1n)
      expect((await readModels.live('conformance.orders'))?.position).toBe(run.position)
    })

    it('commits documents and checkpoint together: a failing batch leaves both as they were', async () => {
      const { store, readModels } = ctx()
      await seed()
      const projector = createReadModelProjector({ store, readModels, projection: orders() })
      await projector.catchUp()
      const before = await readModels.live('conformance.orders')
      await store.appendToStream('order-4', [order('o-4', 'c-4')])
      const failing: DocumentProjection<ConformanceEvent> = {
        ...orders(),
        apply: async (e, documents) => {
          await orders().apply(e, documents)
          throw new Error('the projection failed')
        },
      }
      await expect(
        createReadModelProjector({ store, readModels, projection: failing }).catchUp(),
      ).rejects.toThrow('the projection failed')
      expect(await readModels.live('conformance.orders')).toEqual(before)
      expect(await readModels.get('conformance.orders', 'o-4')).toBeUndefined()
      await expect(
        readModels.transaction(async (tx) => {
          await tx.write('conformance.orders', 1, [{ id: 'o-5', document: { data: { x: 1 }, keys: {} } }])
          throw new Error('rolled back')
        }),
      ).rejects.toThrow('rolled back')
      expect(await readModels.get('conformance.orders', 'o-5')).toBeUndefined()
      expect((await projector.catchUp()).applied).toBe(1)
    })

    it('refuses bad input with a typed error naming it, and writes nothing', async () => {
      const { store, readModels } = ctx()
      await seed()
      await createReadModelProjector({ store, readModels, projection: orders() }).catchUp()
      const write = (changes: Parameters<ReadModelTransaction['write']>[2]) =>
        readModels.transaction((tx) => tx.write('conformance.orders', 1, changes))
      const good = { id: 'o-6', document: { data: { ok: true }, keys: {} } }
      for (const bad of [
        { id: 'o-7', document: { data: new Map([['a', 1]]), keys: {} } },
        { id: 'o-7', document: { data: { n: Number.NaN }, keys: {} } },
        { id: '', document: { data: {}, keys: {} } },
        // A number where a key must be text: what an untyped caller could send.
        { id: 'o-7', document: { data: {}, keys: { customer: 42 as unknown as string } } },
      ]) {
        const error = await rejection(write([good, bad]))
        expect(error).toMatchObject({ code: 'ReadModelInputError' })
        expect((error as Error).message).toMatch(/read model (document|document id)/)
      }
      expect(await readModels.get('conformance.orders', 'o-6')).toBeUndefined()
      expect(await rejection(readModels.get('Not A Name!', 'x'))).toMatchObject({
        code: 'ReadModelInputError',
        field: 'name',
      })
      const badVersion = { ...orders(), version: 0 }
      expect(() => createReadModelProjector({ store, readModels, projection: badVersion })).toThrow(/version/)
    })

    it('rebuilds blue/green: the new version builds beside the live one and takes over when caught up', async () => {
      const { store, readModels } = ctx()
      await seed()
      await createReadModelProjector({ store, readModels, projection: orders(1) }).catchUp()
      let served: string | null | undefined
      const v2 = createReadModelProjector({
        store,
        readModels,
        projection: orders(2),
        batchSize: 1,
        onBatch: async () => {
          served = (await readModels.get('conformance.orders', 'o-1'))?.keys.version
        },
      })
      const run = await v2.catchUp()
      expect(served).toBe('v1') // while v2 was building, queries read v1
      expect(run).toMatchObject({ live: true, applied: 5 })
      expect(await readModels.live('conformance.orders')).toMatchObject({ version: 2 })
      expect((await readModels.get('conformance.orders', 'o-1'))?.keys.version).toBe('v2')
      const versions = await readModels.transaction((tx) => tx.versions('conformance.orders'))
      expect(versions.map((v) => v.version)).toEqual([2]) // the old version is dropped
      // A process still running version 1 neither rebuilds it nor takes over again.
      expect(
        await createReadModelProjector({ store, readModels, projection: orders(1) }).catchUp(),
      ).toMatchObject({
        ran: false,
        live: false,
      })
      expect(await readModels.live('conformance.orders')).toMatchObject({ version: 2 })
    })

    it('lets one holder at a time run a read model’s catch-up (the lease)', async () => {
      const { store, readModels, another } = ctx()
      await seed()
      const other = another === undefined ? readModels : await another()
      const lease = await readModels.lease('conformance.orders')
      expect(lease).not.toBeNull()
      expect(await other.lease('conformance.orders')).toBeNull()
      expect(
        await createReadModelProjector({ store, readModels: other, projection: orders() }).catchUp(),
      ).toMatchObject({
        ran: false,
      })
      const tallyLease = await other.lease('conformance.tally')
      expect(tallyLease).not.toBeNull() // leases are per read model
      await tallyLease?.release()
      await lease?.release()
      const again = await other.lease('conformance.orders')
      expect(again).not.toBeNull()
      await again?.release()
    })

    it('applies each event exactly once when two projectors race without the lease', async () => {
      const { store, readModels } = ctx()
      for (let i = 0; i < 20; i++) await store.appendToStream(`order-${i}`, [order(`o-${i}`, `c-${i % 3}`)])
      const unleased: ReadModelStore = {
        ...readModels,
        lease: async () => ({ release: async () => undefined }),
      }
      const racer = () =>
        createReadModelProjector({ store, readModels: unleased, projection: tally, batchSize: 3 })
      const runs = await Promise.all([racer().catchUp(), racer().catchUp(), racer().catchUp()])
      expect(runs.reduce((n, r) => n + r.applied, 0)).toBe(20)
      const ids: string[] = []
      for await (const e of store.readAll())
        ids.push(`e-${e.metadata.globalPosition.toString().padStart(8, '0')}`)
      const documents = await readModels.transaction((tx) => tx.documents('conformance.tally', 1, ids))
      expect(documents.size).toBe(20)
      expect([...documents.values()].every((d) => (d.data as { times: number }).times === 1)).toBe(true)
    })
  })
}
