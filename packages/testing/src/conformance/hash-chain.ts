import { type StoredEvent, verify, verifyEvents } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import type { ConformanceContext } from './context.js'
import { collect, freshStream, note } from './support.js'

/** Conformance: hash chain. */
export const hashChainConformance = (ctx: ConformanceContext): void => {
  describe('hash chain', () => {
    it('links every event to the previous one in its stream, and verify accepts the log', async () => {
      const s = freshStream()
      await ctx.store.appendToStream(s, [note('a'), note('b')])
      await ctx.store.appendToStream(s, [note('c')])
      const events = await collect(ctx.store.readStream(s))
      expect(events[0]!.metadata.prevHash).toBe('')
      for (let i = 1; i < events.length; i++)
        expect(events[i]!.metadata.prevHash).toBe(events[i - 1]!.metadata.hash)
      for (const e of events) expect(e.metadata.hash).toMatch(/^[0-9a-f]{64}$/)
      const result = await verify(ctx.store)
      expect(result.ok).toBe(true)
    })

    it('detects a tampered event and names the first broken link', async () => {
      const s = freshStream()
      await ctx.store.appendToStream(s, [note('a'), note('b'), note('c')])
      if (ctx.setup.tamper) {
        await ctx.setup.tamper(s, 2)
        const result = await verify(ctx.store)
        expect(result).toMatchObject({ ok: false, broken: { streamName: s, streamPosition: 2 } })
      } else {
        const stored = ctx.store.log.readAll({
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
}
