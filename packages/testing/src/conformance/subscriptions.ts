import type { RecordedEvent } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import type { ConformanceEvent } from '../conformance-events.js'
import type { ConformanceContext } from './context.js'
import { freshStream, note, waitFor } from './support.js'

/** Conformance: subscriptions. */
export const subscriptionsConformance = (ctx: ConformanceContext): void => {
  describe('subscriptions', () => {
    it('deliver history, then live events, without loss or duplicates, and resume from a position', async () => {
      const category = `sub${Math.random().toString(36).slice(2, 8)}`
      const s = freshStream(category)
      await ctx.store.appendToStream(s, ['1', '2', '3', '4', '5'].map(note))
      const received: RecordedEvent<ConformanceEvent>[] = []
      const sub = ctx.store.subscribe(
        (e) => {
          received.push(e)
        },
        { categories: [category] },
      )
      await waitFor(() => received.length >= 5)
      await ctx.store.appendToStream(s, ['6', '7'].map(note))
      await ctx.store.appendToStream(s, ['8', '9', '10'].map(note))
      await waitFor(() => received.length >= 10)
      await new Promise((r) => setTimeout(r, 50))
      await sub.close()
      expect(received.map((e) => (e.data as { text: string }).text)).toEqual(
        Array.from({ length: 10 }, (_, i) => String(i + 1)),
      )
      const resumeFrom = received[5]!.metadata.globalPosition
      const resumed: string[] = []
      const again = ctx.store.subscribe(
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
      await ctx.store.appendToStream(freshStream(category), [note('boom')])
      const sub = ctx.store.subscribe(
        () => {
          throw new Error('handler failed')
        },
        { categories: [category] },
      )
      await expect(sub.done).rejects.toThrow('handler failed')
      await sub.close()
    })
  })
}
