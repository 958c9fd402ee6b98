import type { ExpectedVersion } from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { CarOrdered, type ConformanceEvent } from '../conformance-events.js'
import type { ConformanceContext } from './context.js'
import { freshStream, note, rejection } from './support.js'

/** Conformance: bad input. */
export const badInputConformance = (ctx: ConformanceContext): void => {
  describe('bad input', () => {
    it('rejects an unknown event type and writes nothing', async () => {
      const s = freshStream()
      const before = await ctx.countAll()
      // Deliberately ill-typed, as above.
      const error = await rejection(
        ctx.store.appendToStream(s, [{ type: 'NoSuchEvent', data: {} } as unknown as ConformanceEvent]),
      )
      expect(error).toMatchObject({ code: 'UnknownEventType', eventType: 'NoSuchEvent' })
      expect(await ctx.countAll()).toBe(before)
    })

    it('rejects data that fails its codec, naming the field path', async () => {
      const s = freshStream()
      const bad = CarOrdered.make({
        orderId: 'o',
        amountFen: 1.5 as t.Int,
        customer: { subjectId: 'c', name: 'n', phone: 'p' },
      })
      const error = await rejection(ctx.store.appendToStream(s, [bad]))
      expect(error).toMatchObject({ code: 'EventDecodeError', eventType: 'CarOrdered' })
      expect((error as Error).message).toContain('amountFen')
      expect(await ctx.store.streamVersion(s)).toBe(0)
    })

    it('rejects malformed stream names and expected versions', async () => {
      for (const bad of ['', 'nodash', '-noCategory', 'noId-', 'has space-x'])
        expect(await rejection(ctx.store.appendToStream(bad, [note('a')]))).toMatchObject({
          code: 'MalformedStreamName',
        })
      const s = freshStream()
      const error = await rejection(
        ctx.store.appendToStream(s, [note('a')], { expectedVersion: -1 as unknown as ExpectedVersion }),
      )
      expect(error).toMatchObject({ code: 'StoreError' })
      expect(await ctx.store.streamVersion(s)).toBe(0)
    })
  })
}
