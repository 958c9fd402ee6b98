import {
  type Clock,
  type EventStore,
  manualClock,
  type Projection,
  projectAsOf,
  type RecordedEvent,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ConformanceEvent } from '../conformance-events.js'
import type { ConformanceContext } from './context.js'
import { collect, freshStream, note } from './support.js'

const hour = 3_600_000
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The notes of the log in global order, as `stream:position`: what the as-of fold is compared on. */
const notes: Projection<string[], ConformanceEvent> = {
  name: 'conformance-notes',
  version: 1,
  handles: ['NoteAdded'],
  init: () => [],
  apply: (state, e) => {
    state.push(`${e.metadata.streamName}:${e.metadata.streamPosition}`)
    return state
  },
}

const expectNonDecreasing = (events: ReadonlyArray<RecordedEvent<ConformanceEvent>>) => {
  for (let i = 1; i < events.length; i++) {
    const before = events[i - 1] as RecordedEvent<ConformanceEvent>
    const e = events[i] as RecordedEvent<ConformanceEvent>
    if (e.metadata.committedAt.getTime() < before.metadata.committedAt.getTime())
      throw new Error(
        `commit time went back in global order: ${e.metadata.committedAt.toISOString()} at ${e.metadata.globalPosition} after ${before.metadata.committedAt.toISOString()} at ${before.metadata.globalPosition}`,
      )
  }
}

/**
 * Conformance: commit times and "as of a time" (docs/architecture.md, "As of a time"). Writers are
 * opened with clocks that disagree (an hour ahead, an hour behind, going back); where the store
 * takes its commit clock from the writer, those clocks drive the commit times too.
 */
export const commitTimeConformance = (ctx: ConformanceContext): void => {
  describe('commit times and as-of', () => {
    /**
     * A store may hold committed events back for a while behind a transaction that is still open (the
     * PostgreSQL store's late-commit horizon, which any transaction on the server holds, even another
     * test's), and then read what is safe: these wait, within bounds, until all that was written shows.
     */
    const everything = async (count: number): Promise<RecordedEvent<ConformanceEvent>[]> => {
      for (let attempt = 0; ; attempt++) {
        const events = await collect(ctx.store.readAll())
        if (events.length >= count || attempt >= 300) return events
        await sleep(100)
      }
    }
    const settled = async <T>(read: () => Promise<T>, expected: T): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        const value = await read()
        if (attempt >= 300 || JSON.stringify(value) === JSON.stringify(expected)) return value
        await sleep(100)
      }
    }

    /** Writers on the log with these clocks, closed after `work`; the store itself when it has no `writer`. */
    const withWriters = async <T>(
      clocks: ReadonlyArray<Clock>,
      work: (writers: ReadonlyArray<EventStore<ConformanceEvent>>) => Promise<T>,
    ): Promise<T> => {
      const open = ctx.setup.writer
      if (open === undefined) {
        process.stdout.write('conformance: no `writer` in the setup; commit times checked with one writer\n')
        return work([ctx.store])
      }
      const writers: EventStore<ConformanceEvent>[] = []
      try {
        for (const clock of clocks) writers.push(await open(clock))
        return await work(writers)
      } finally {
        for (const w of writers) await w.close()
      }
    }

    it('commit times never decrease in global order while writers whose clocks disagree append concurrently', async () => {
      const now = Date.now()
      const ahead = manualClock(new Date(now + hour))
      const behind = manualClock(new Date(now - hour))
      const jumpy = manualClock(new Date(now))
      await withWriters([ahead, behind, jumpy], async (writers) => {
        await Promise.all(
          Array.from({ length: ctx.concurrency }, async (_, w) => {
            for (let i = 0; i < 4; i++) {
              const writer = writers[(w + i) % writers.length] as EventStore<ConformanceEvent>
              jumpy.set(new Date(now + (i % 2 === 0 ? -2 : 2) * hour))
              behind.advance(-1000)
              await writer.appendToStream(freshStream('skew'), [note(`${w}:${i}`), note(`${w}:${i}b`)])
            }
          }),
        )
      })
      const events = await everything(ctx.concurrency * 8)
      expect(events.length).toBe(ctx.concurrency * 8)
      expectNonDecreasing(events)
      // One append, one commit time.
      const byStream = new Map<string, number>()
      for (const e of events) {
        const at = e.metadata.committedAt.getTime()
        expect(Number.isNaN(at)).toBe(false)
        const seen = byStream.get(e.metadata.streamName)
        if (seen === undefined) byStream.set(e.metadata.streamName, at)
        else expect(at).toBe(seen)
      }
    })

    it('as-of a time is the fold of exactly the events committed by then, a prefix of the global order (property)', async () => {
      const base = Date.now()
      const clocks = [
        manualClock(new Date(base + hour)),
        manualClock(new Date(base - hour)),
        manualClock(new Date(base)),
      ]
      await withWriters(clocks, async (writers) => {
        const step = fc.record({
          writer: fc.nat(writers.length - 1),
          // Each writer's clock moves on, stands still or goes back before it appends.
          move: fc.constantFrom(-90_000, -1, 0, 1, 5_000, hour),
          events: fc.integer({ min: 1, max: 3 }),
          stream: fc.nat(2),
        })
        let total = 0
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.nat(), async (steps, pick) => {
            const streams = [freshStream('asof'), freshStream('asof'), freshStream('asof')]
            for (const s of steps) {
              const writer = writers[s.writer] as EventStore<ConformanceEvent>
              const clock = clocks[s.writer]
              clock?.advance(s.move)
              const texts = Array.from({ length: s.events }, (_, i) => note(`${i}`))
              await writer.appendToStream(streams[s.stream] as string, texts)
              total += s.events
            }
            const events = await everything(total)
            expectNonDecreasing(events)
            const times = [...new Set(events.map((e) => e.metadata.committedAt.getTime()))]
            const first = times[0] as number
            const last = times[times.length - 1] as number
            // Boundaries: before the first, at and around a commit time, after the last.
            const at = times[pick % times.length] as number
            for (const t of [first - 1, at - 1, at, at + 1, last, last + 1]) {
              const committed = events.filter((e) => e.metadata.committedAt.getTime() <= t)
              // The events committed by t are a prefix of the global order.
              expect(events.slice(0, committed.length)).toEqual(committed)
              const rebuilt = committed
                .filter((e) => e.type === 'NoteAdded')
                .reduce(notes.apply, notes.init())
              expect(
                await settled(() => projectAsOf(ctx.store, notes, { time: new Date(t) }), rebuilt),
              ).toEqual(rebuilt)
            }
          }),
          { numRuns: 12 },
        )
      })
    })
  })
}
