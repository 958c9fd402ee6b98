import { describe, expect, it } from 'vitest'
import { recorded } from '../src/recorded.js'

describe('recorded', () => {
  it('numbers stream positions per stream and global positions across them', () => {
    const events = [
      { type: 'A', data: { to: 's-1' } },
      { type: 'B', data: { to: 's-2' } },
      { type: 'C', data: { to: 's-1' } },
    ]
    const result = recorded(events, { streamName: (e) => (e.data as { to: string }).to, fromPosition: 10n })
    expect(
      result.map((e) => [e.metadata.streamName, e.metadata.streamPosition, e.metadata.globalPosition]),
    ).toEqual([
      ['s-1', 1, 10n],
      ['s-2', 1, 11n],
      ['s-1', 2, 12n],
    ])
    expect(result[1]!.metadata.recordedAt.toISOString()).toBe('2026-01-01T00:00:01.000Z')
    expect(result[2]!.data).toEqual({ to: 's-1' })
  })
})
