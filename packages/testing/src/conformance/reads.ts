import { describe, expect, it } from 'vitest'
import { CarDelivered } from '../conformance-events.js'
import type { ConformanceContext } from './context.js'
import { collect, freshStream, note } from './support.js'

/** Conformance: reads. */
export const readsConformance = (ctx: ConformanceContext): void => {
  describe('reads', () => {
    it('readStream honours from, to and maxCount; a missing stream is empty at version 0', async () => {
      const s = freshStream()
      await ctx.store.appendToStream(s, ['a', 'b', 'c', 'd', 'e'].map(note))
      const texts = async (o: { from?: number; to?: number; maxCount?: number }) =>
        (await collect(ctx.store.readStream(s, o))).map((e) => (e.data as { text: string }).text)
      expect(await texts({})).toEqual(['a', 'b', 'c', 'd', 'e'])
      expect(await texts({ from: 2 })).toEqual(['b', 'c', 'd', 'e'])
      expect(await texts({ from: 2, to: 3 })).toEqual(['b', 'c'])
      expect(await texts({ from: 2, maxCount: 2 })).toEqual(['b', 'c'])
      expect(await texts({ from: 9 })).toEqual([])
      const missing = freshStream()
      expect(await collect(ctx.store.readStream(missing))).toEqual([])
      expect(await ctx.store.streamVersion(missing)).toBe(0)
    })

    it('readAll returns every event in global order, in any batch size, within from/to bounds', async () => {
      const a = freshStream('alpha')
      const b = freshStream('beta')
      await ctx.store.appendToStream(a, [note('a1'), note('a2')])
      await ctx.store.appendToStream(b, [
        CarDelivered.make({ orderId: 'o1', at: '2026-03-01T10:00:00.000Z' }),
      ])
      await ctx.store.appendToStream(a, [note('a3')])
      const all = await collect(ctx.store.readAll())
      const small = await collect(ctx.store.readAll({ batchSize: 1 }))
      expect(small.map((e) => e.metadata.globalPosition)).toEqual(all.map((e) => e.metadata.globalPosition))
      for (let i = 1; i < all.length; i++)
        expect(all[i]!.metadata.globalPosition > all[i - 1]!.metadata.globalPosition).toBe(true)
      const mine = all.filter((e) => e.metadata.streamName === a || e.metadata.streamName === b)
      expect(mine.map((e) => e.type)).toEqual(['NoteAdded', 'NoteAdded', 'CarDelivered', 'NoteAdded'])
      const from = mine[1]!.metadata.globalPosition
      const to = mine[2]!.metadata.globalPosition
      const bounded = await collect(ctx.store.readAll({ from, to, batchSize: 2 }))
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
      await ctx.store.appendToStream(s1, [
        note('n1'),
        CarDelivered.make({ orderId: 'o', at: '2026-01-01T00:00:00.000Z' }),
      ])
      await ctx.store.appendToStream(freshStream('other'), [note('elsewhere')])
      await ctx.store.appendToStream(s2, [note('n2')])
      const byCategory = await collect(ctx.store.readAll({ categories: [category], batchSize: 2 }))
      expect(byCategory.map((e) => e.metadata.streamName)).toEqual([s1, s1, s2])
      const byType = await collect(ctx.store.readAll({ categories: [category], types: ['CarDelivered'] }))
      expect(byType.map((e) => e.type)).toEqual(['CarDelivered'])
      const onlyDelivered = await collect(ctx.store.readAll({ types: ['CarDelivered'] }))
      expect(onlyDelivered.every((e) => e.type === 'CarDelivered')).toBe(true)
    })
  })
}
