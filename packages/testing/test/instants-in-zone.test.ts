import { parseInstant } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { rewriteInstants } from '../src/instants-in-zone.js'

describe('rewriteInstants', () => {
  it('writes every instant in China time by default, at any depth, and keeps the rest', () => {
    const value = {
      type: 'Register',
      data: { at: '2026-03-01T01:30:00.000Z', tags: ['2026-03-01T20:00:00Z', 'not a time'], count: 3 },
      on: '2026-03-01',
      none: null,
    }
    expect(rewriteInstants(value)).toEqual({
      type: 'Register',
      data: {
        at: '2026-03-01T09:30:00.000+08:00',
        tags: ['2026-03-02T04:00:00.000+08:00', 'not a time'],
        count: 3,
      },
      on: '2026-03-01',
      none: null,
    })
  })

  it('writes UTC with Z for offset 0 and negative offsets with a minus sign', () => {
    expect(rewriteInstants('2026-03-01T09:30:00+08:00', 0)).toBe('2026-03-01T01:30:00.000Z')
    expect(rewriteInstants('2026-03-01T01:30:00.000Z', -330)).toBe('2026-02-28T20:00:00.000-05:30')
  })

  it('names the same instant it was given', () => {
    for (const offset of [480, 0, -330, 345]) {
      const text = rewriteInstants('2026-03-01T01:30:00.123Z', offset) as string
      expect(parseInstant(text)).toBe(Date.parse('2026-03-01T01:30:00.123Z'))
    }
  })
})
