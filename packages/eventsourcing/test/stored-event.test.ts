import { hash } from 'node:crypto'
import {
  canonicalJson,
  chainEvents,
  committedEvent,
  envelopeFields,
  eventHash,
  hashedFields,
  legacyCommitTime,
  type PendingEvent,
  pendingFields,
  pendingOf,
  type StoredEvent,
  storedEventJson,
  storedEventToJson,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const text = fc.string({ maxLength: 12 })
const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) })
  .map((ms) => new Date(ms).toISOString())
const pendingEvent: fc.Arbitrary<PendingEvent> = fc.record({
  eventId: fc.uuid(),
  recordedAt: instant,
  type: text,
  schemaVersion: fc.integer({ min: 1, max: 5 }),
  // As JSON gives it back (no -0).
  data: fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
  correlationId: fc.option(text),
  causationId: fc.option(text),
  commandId: fc.option(text),
  actor: fc.option(fc.record({ id: text, role: text })),
  traceparent: fc.option(fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), {
    nil: null,
  }),
})
const storedEvents: fc.Arbitrary<StoredEvent[]> = fc
  .tuple(
    text,
    fc.array(pendingEvent, { minLength: 1, maxLength: 4 }),
    instant,
    fc.bigInt({ min: 1n, max: 2n ** 62n }),
  )
  .map(([stream, pending, committedAt, start]) =>
    chainEvents(`s-${stream}`, 0, '', pending).map((e, i) =>
      committedEvent(e, start + BigInt(i), committedAt),
    ),
  )

describe('the envelope, declared once', () => {
  it('the hash covers exactly the declared hashed fields, in sorted order, after the previous hash', () => {
    expect(hashedFields).toEqual([
      'actor',
      'causationId',
      'commandId',
      'correlationId',
      'data',
      'eventId',
      'recordedAt',
      'schemaVersion',
      'streamName',
      'streamPosition',
      'type',
    ])
    fc.assert(
      fc.property(storedEvents, (events) => {
        for (const e of events) {
          const members: Record<string, unknown> = {}
          for (const k of hashedFields) members[k] = e[k]
          const derived = hash('sha256', `${e.prevHash}\n${canonicalJson(members)}`)
          expect(eventHash(e.prevHash, e)).toBe(derived)
          expect(e.hash).toBe(derived)
        }
      }),
    )
  })

  it('the commit time and the global position are set by the store, outside the hash', () => {
    expect(envelopeFields.committedAt.setBy).toBe('store')
    expect(envelopeFields.globalPosition.setBy).toBe('store')
    expect(hashedFields).not.toContain('committedAt')
    expect(pendingFields).not.toContain('committedAt')
  })

  it('the JSON form (export) decodes back to the same event (import), every field in envelope order', () => {
    fc.assert(
      fc.property(storedEvents, (events) => {
        for (const e of events) {
          const json = JSON.parse(JSON.stringify(storedEventToJson(e))) as Record<string, unknown>
          expect(Object.keys(json)).toEqual(Object.keys(envelopeFields))
          expect(json.globalPosition).toBe(e.globalPosition.toString())
          const decoded = storedEventJson.decode(json)
          expect(decoded).toEqual({ _tag: 'Right', right: e })
          expect(pendingOf(e)).toEqual(Object.fromEntries(pendingFields.map((k) => [k, e[k]])))
        }
      }),
    )
  })

  it('a line without a commit time, or with one that is not a time, names the field', () => {
    const [e] = fc.sample(storedEvents, 1)[0] as StoredEvent[]
    const { committedAt: _, ...withoutCommit } = storedEventToJson(e as StoredEvent)
    const missing = storedEventJson.decode(withoutCommit)
    expect(missing._tag).toBe('Left')
    const bad = storedEventJson.decode({ ...withoutCommit, committedAt: 'yesterday' })
    expect(
      bad._tag === 'Left' && bad.left.some((err) => err.context.some((c) => c.key === 'committedAt')),
    ).toBe(true)
  })

  it('events stored before commit times commit at the greatest recorded time so far', () => {
    const recorded = ['2026-03-01T10:00:04.000Z', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:05.000Z']
    let previous = ''
    const committed = recorded.map((r) => {
      previous = legacyCommitTime(previous, r)
      return previous
    })
    expect(committed).toEqual([recorded[0], recorded[0], recorded[2]])
  })
})
