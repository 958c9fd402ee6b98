import { isConcurrencyError, verify } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import type { ConformanceContext } from './context.js'
import { collect, freshStream, note, waitFor } from './support.js'

/** Conformance: concurrency. */
export const concurrencyConformance = (ctx: ConformanceContext): void => {
  describe('ctx.concurrency', () => {
    it('of concurrent appenders expecting the same version, exactly one wins', async () => {
      const s = freshStream()
      await ctx.store.appendToStream(s, [note('seed')])
      const results = await Promise.allSettled(
        Array.from({ length: ctx.concurrency }, (_, i) =>
          ctx.store.appendToStream(s, [note(`w${i}`)], { expectedVersion: 1 }),
        ),
      )
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect(isConcurrencyError((r as PromiseRejectedResult).reason)).toBe(true)
      expect(await ctx.store.streamVersion(s)).toBe(2)
    })

    it('many appenders retrying on conflict produce gap-free stream positions', async () => {
      const s = freshStream()
      const perWriter = 5
      const writer = async (w: number) => {
        for (let i = 0; i < perWriter; i++) {
          for (;;) {
            const version = await ctx.store.streamVersion(s)
            try {
              await ctx.store.appendToStream(s, [note(`${w}:${i}`)], { expectedVersion: version })
              break
            } catch (error) {
              if (!isConcurrencyError(error)) throw error
            }
          }
        }
      }
      await Promise.all(Array.from({ length: ctx.concurrency }, (_, w) => writer(w)))
      const events = await collect(ctx.store.readStream(s))
      expect(events.map((e) => e.metadata.streamPosition)).toEqual(
        Array.from({ length: ctx.concurrency * perWriter }, (_, i) => i + 1),
      )
      const positions = events.map((e) => e.metadata.globalPosition)
      for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true)
      expect((await verify(ctx.store)).ok).toBe(true)
    })

    it('a tailing reader never sees global positions out of order while writers append', async () => {
      const seen: bigint[] = []
      const start = (await collect(ctx.store.readAll())).at(-1)?.metadata.globalPosition ?? 0n
      const sub = ctx.store.subscribe(
        (e) => {
          seen.push(e.metadata.globalPosition)
        },
        { from: start + 1n },
      )
      const total = ctx.concurrency * 10
      await Promise.all(
        Array.from({ length: ctx.concurrency }, async (_, w) => {
          for (let i = 0; i < 10; i++)
            await ctx.store.appendToStream(freshStream('tail'), [note(`${w}:${i}`)])
        }),
      )
      await waitFor(() => seen.length >= total)
      await sub.close()
      expect(seen).toHaveLength(total)
      for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true)
    })
  })
}
