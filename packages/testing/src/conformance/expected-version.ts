import { type ExpectedVersion, isConcurrencyError } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import type { ConformanceContext } from './context.js'
import { freshStream, note, rejection } from './support.js'

/** Conformance: expected version. */
export const expectedVersionConformance = (ctx: ConformanceContext): void => {
  describe('expected version', () => {
    const conflict = async (stream: string, expected: ExpectedVersion, actual: number) => {
      const error = await rejection(
        ctx.store.appendToStream(stream, [note('x')], { expectedVersion: expected }),
      )
      expect(isConcurrencyError(error)).toBe(true)
      expect(error).toMatchObject({ code: 'ConcurrencyError', expected, actual, streamName: stream })
    }

    it('no_stream succeeds on a new stream and fails on an existing one', async () => {
      const s = freshStream()
      const r = await ctx.store.appendToStream(s, [note('a')], { expectedVersion: 'no_stream' })
      expect(r.nextExpectedVersion).toBe(1)
      await conflict(s, 'no_stream', 1)
    })

    it('stream_exists fails on a new stream and succeeds on an existing one', async () => {
      const s = freshStream()
      await conflict(s, 'stream_exists', 0)
      await ctx.store.appendToStream(s, [note('a')])
      const r = await ctx.store.appendToStream(s, [note('b')], { expectedVersion: 'stream_exists' })
      expect(r.nextExpectedVersion).toBe(2)
    })

    it('an exact version succeeds only when it is the current version', async () => {
      const s = freshStream()
      await conflict(s, 1, 0)
      await ctx.store.appendToStream(s, [note('a'), note('b')], { expectedVersion: 0 })
      await conflict(s, 1, 2)
      await conflict(s, 3, 2)
      const r = await ctx.store.appendToStream(s, [note('c')], { expectedVersion: 2 })
      expect(r.nextExpectedVersion).toBe(3)
      expect(await ctx.store.streamVersion(s)).toBe(3)
    })

    it('any always succeeds', async () => {
      const s = freshStream()
      await ctx.store.appendToStream(s, [note('a')], { expectedVersion: 'any' })
      const r = await ctx.store.appendToStream(s, [note('b')], { expectedVersion: 'any' })
      expect(r.nextExpectedVersion).toBe(2)
    })

    it('a conflict writes nothing', async () => {
      const s = freshStream()
      await ctx.store.appendToStream(s, [note('a')])
      const before = await ctx.countAll()
      await conflict(s, 0, 1)
      expect(await ctx.countAll()).toBe(before)
      expect(await ctx.store.streamVersion(s)).toBe(1)
    })
  })
}
