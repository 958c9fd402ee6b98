import {
  assertStreamName,
  categoryOf,
  idOf,
  isStreamName,
  MalformedStreamNameError,
  streamName,
} from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'

describe('stream names', () => {
  it('are <category>-<id>; the category is the text before the first dash', () => {
    const name = streamName('referral', '0192-abc-def')
    expect(name).toBe('referral-0192-abc-def')
    expect(categoryOf(name)).toBe('referral')
    expect(idOf(name)).toBe('0192-abc-def')
  })

  it('accept category characters [A-Za-z0-9_.:] and any non-space id', () => {
    for (const ok of ['a-1', 'loyalty_points-x', 'ns.sub:kind-ü/7', 'c-1-2-3'])
      expect(isStreamName(ok)).toBe(true)
    for (const bad of ['', 'nodash', '-id', 'cat-', 'has space-x', 'cat-with space', 'ca/t-1'])
      expect(isStreamName(bad)).toBe(false)
  })

  it('are at most 512 characters', () => {
    expect(isStreamName(`c-${'x'.repeat(510)}`)).toBe(true)
    expect(isStreamName(`c-${'x'.repeat(511)}`)).toBe(false)
  })

  it('malformed names throw a typed error naming the stream', () => {
    expect(() => streamName('', 'x')).toThrow(MalformedStreamNameError)
    expect(() => streamName('order', '')).toThrow(MalformedStreamNameError)
    try {
      assertStreamName('bad name')
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ code: 'MalformedStreamName', streamName: 'bad name' })
    }
  })

  it('categoryOf and idOf of a name without a dash', () => {
    expect(categoryOf('plain')).toBe('plain')
    expect(idOf('plain')).toBe('')
  })
})
