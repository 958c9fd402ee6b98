import {
  createLogCheckpointer,
  generateAuditKeys,
  inMemoryCheckpointStore,
  isConcurrencyError,
  type StoredEvent,
  verify,
  verifyEvents,
} from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import type { ConformanceContext } from './context.js'
import { collect, freshStream, note, rejection } from './support.js'

/** Conformance: hash chain, global positions and the signed log commitment. */
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
        expect(result).toMatchObject({
          ok: false,
          finding: { code: 'stream-link', streamName: s, streamPosition: 2 },
        })
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
        expect(result).toMatchObject({
          ok: false,
          finding: { code: 'stream-link', streamName: s, streamPosition: 2 },
        })
      }
    })

    it('a log checkpointer signs the log, and verify checks the log against the signed head', async () => {
      const keys = generateAuditKeys()
      const checkpoints = inMemoryCheckpointStore()
      const checkpointer = createLogCheckpointer({
        log: ctx.store.log,
        checkpoints,
        privateKey: keys.privateKey,
      })
      await ctx.store.appendToStream(freshStream(), [note('a'), note('b')])
      await checkpointer.checkpoint()
      await ctx.store.appendToStream(freshStream('invoice'), [note('c')])
      const head = await checkpointer.checkpoint()
      const result = await verify(ctx.store, { checkpoints, publicKey: keys.publicKey, anchors: [head] })
      expect(result).toMatchObject({ ok: true, checked: [{ signature: 'valid' }, { signature: 'valid' }] })
    })

    it('global positions increase; a store that promises no gaps has none, a refused append included', async () => {
      const s = freshStream()
      await ctx.store.appendToStream(s, [note('a')])
      expect(
        isConcurrencyError(
          await rejection(ctx.store.appendToStream(s, [note('refused')], { expectedVersion: 5 })),
        ),
      ).toBe(true)
      await ctx.store.appendToStream(freshStream(), [note('b'), note('c')])
      const positions = (await collect(ctx.store.readAll())).map((e) => e.metadata.globalPosition)
      for (let i = 1; i < positions.length; i++) {
        const step = (positions[i] as bigint) - (positions[i - 1] as bigint)
        if (ctx.store.log.contiguousPositions === true) expect(step).toBe(1n)
        else expect(step).toBeGreaterThan(0n)
      }
      if (ctx.store.log.contiguousPositions === true) expect(positions[0]).toBe(1n)
    })
  })
}
