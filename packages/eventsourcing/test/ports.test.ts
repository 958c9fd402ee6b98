import {
  deterministicId,
  deterministicIds,
  fixedClock,
  manualClock,
  seededRandom,
  systemRandom,
  uuidV7Ids,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('Random', () => {
  it('seededRandom is reproducible from its seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed)
      return [r.next(), r.int(1, 6), r.pick(['a', 'b', 'c']), [...r.bytes(4)]]
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
  })

  it('next is in [0, 1), int in [min, max], pick from the list, bytes in 0..255', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.nat(20), (seed, min, span) => {
        const r = seededRandom(seed)
        for (let i = 0; i < 20; i++) {
          const x = r.next()
          expect(x >= 0 && x < 1).toBe(true)
          const n = r.int(min, min + span)
          expect(Number.isInteger(n) && n >= min && n <= min + span).toBe(true)
        }
        expect(['x', 'y']).toContain(r.pick(['x', 'y']))
        expect([...r.bytes(8)].every((b) => Number.isInteger(b) && b >= 0 && b <= 255)).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('int covers its whole range', () => {
    const r = seededRandom(7)
    const seen = new Set<number>()
    for (let i = 0; i < 200; i++) seen.add(r.int(1, 6))
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('pick from an empty list is an error', () => {
    expect(() => seededRandom(1).pick([])).toThrow(RangeError)
    expect(() => systemRandom.pick([])).toThrow(RangeError)
  })

  it('systemRandom draws in [0, 1)', () => {
    for (let i = 0; i < 50; i++) {
      const x = systemRandom.next()
      expect(x >= 0 && x < 1).toBe(true)
    }
  })
})

describe('Clock', () => {
  it('fixedClock always gives the same instant, as a fresh Date', () => {
    const clock = fixedClock('2026-03-01T08:00:00Z')
    const a = clock.now()
    a.setFullYear(2000)
    expect(clock.now().toISOString()).toBe('2026-03-01T08:00:00.000Z')
  })

  it('manualClock moves only when told', () => {
    const clock = manualClock(new Date('2026-03-01T08:00:00Z'))
    expect(clock.now().toISOString()).toBe('2026-03-01T08:00:00.000Z')
    clock.advance(90_000)
    expect(clock.now().toISOString()).toBe('2026-03-01T08:01:30.000Z')
    clock.set('2027-01-01T00:00:00Z')
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z')
  })
})

describe('IdGenerator', () => {
  it('uuidV7Ids gives distinct UUID v7s', () => {
    const ids = Array.from({ length: 100 }, () => uuidV7Ids.next())
    for (const id of ids) expect(id).toMatch(UUID_V7)
    expect(new Set(ids).size).toBe(100)
  })

  it('uuidV7Ids increase strictly, also many within one millisecond, and carry the time', () => {
    const before = Date.now()
    const ids = Array.from({ length: 20_000 }, () => uuidV7Ids.next())
    const after = Date.now()
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! < ids[i]!).toBe(true)
    for (const id of [ids[0]!, ids[ids.length - 1]!]) {
      expect(id).toMatch(UUID_V7)
      const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)
      expect(ms).toBeGreaterThanOrEqual(before)
      expect(ms).toBeLessThanOrEqual(after + 1)
    }
    // The last 48 bits stay random.
    expect(new Set(ids.map((id) => id.slice(-12))).size).toBeGreaterThan(19_000)
  })

  it('deterministicIds repeats the same sequence from the same clock and seed, and carries the time', () => {
    const run = () => {
      const clock = manualClock('2026-03-01T08:00:00Z')
      const ids = deterministicIds(clock, seededRandom(99))
      const out = [ids.next(), ids.next()]
      clock.advance(1000)
      out.push(ids.next())
      return out
    }
    const first = run()
    expect(run()).toEqual(first)
    for (const id of first) expect(id).toMatch(UUID_V7)
    expect(new Set(first).size).toBe(3)
    const msecs = Number.parseInt(first[2]!.replace(/-/g, '').slice(0, 12), 16)
    expect(msecs).toBe(Date.parse('2026-03-01T08:00:01Z'))
  })

  it('deterministicId is a pure function of its parts', () => {
    expect(deterministicId('pm', 'evt-1', 0)).toBe(deterministicId('pm', 'evt-1', 0))
    expect(deterministicId('pm', 'evt-1', 0)).not.toBe(deterministicId('pm', 'evt-1', 1))
    expect(deterministicId('pm', 'evt-1', 0)).not.toBe(deterministicId('pm2', 'evt-1', 0))
    expect(deterministicId('a', 'bc')).not.toBe(deterministicId('ab', 'c'))
    expect(deterministicId('pm', 'evt-1', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/)
  })
})
