import { isConcurrencyError } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import type { ConformanceEvent } from '../conformance-events.js'
import type { ConformanceContext } from './context.js'
import { collect, freshStream, note, rejection } from './support.js'

/** Conformance: append. */
export const appendConformance = (ctx: ConformanceContext): void => {
  describe('append', () => {
    it('returns the next version and increasing global positions, and records the envelope', async () => {
      const s = freshStream()
      const r = await ctx.store.appendToStream(s, [note('a'), note('b'), note('c')], {
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
      const read = await collect(ctx.store.readStream(s))
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
      await ctx.store.appendToStream(s, [note('a')])
      const before = await ctx.countAll()
      // Deliberately ill-typed: the suite checks what a ctx.store does with input the types would refuse.
      const bad = { type: 'NoteAdded', data: { text: 42, tags: [] } } as unknown as ConformanceEvent
      const error = await rejection(ctx.store.appendToStream(s, [note('b'), bad, note('c')]))
      expect(error).toMatchObject({ code: 'EventDecodeError', eventType: 'NoteAdded', streamName: s })
      expect((error as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain('text')
      expect(await ctx.store.streamVersion(s)).toBe(1)
      expect(await ctx.countAll()).toBe(before)
    })

    it('an empty append checks the expected version and writes nothing', async () => {
      const s = freshStream()
      const r = await ctx.store.appendToStream(s, [], { expectedVersion: 'no_stream' })
      expect(r.nextExpectedVersion).toBe(0)
      expect(await ctx.store.streamVersion(s)).toBe(0)
      expect(
        isConcurrencyError(
          await rejection(ctx.store.appendToStream(s, [], { expectedVersion: 'stream_exists' })),
        ),
      ).toBe(true)
    })
  })
}
