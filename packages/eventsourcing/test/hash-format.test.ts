import { canonicalJson, chainEvents, eventHash, type PendingEvent } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

/**
 * The stored hashes of every log ever written depend on this format: these figures were computed
 * before the hashing code was last optimised and must never change.
 */
const advisor = { role: 'advisor', id: 'u-7' }
const golden: ReadonlyArray<PendingEvent> = [
  {
    eventId: '0190a6f0-0000-7000-8000-000000000001',
    recordedAt: '2026-03-01T09:30:00.000Z',
    type: 'ServiceVisited',
    schemaVersion: 1,
    data: {
      vin: 'LSVAU2180N2000001',
      mileageKm: 12345,
      notes: 'say "hi"\\ \n tab\t 车主 😀',
      amounts: [1.5, -0, 1e21, 0.1],
      nested: { z: null, a: [true, false, { y: 2, b: 'x' }] },
    },
    correlationId: 'corr-1',
    causationId: null,
    commandId: 'cmd-1',
    actor: advisor,
    // Not hashed: the hash below is the one computed before events carried a trace context.
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  },
  {
    eventId: '0190a6f0-0000-7000-8000-000000000002',
    recordedAt: '2026-03-01T09:30:00.000Z',
    type: 'ServiceVisited',
    schemaVersion: 1,
    data: { b: 2, a: 1, '10': 'ten', '2': 'two' },
    correlationId: 'corr-1',
    causationId: null,
    commandId: 'cmd-1',
    actor: advisor,
    traceparent: null,
  },
  {
    eventId: '0190a6f0-0000-7000-8000-000000000003',
    recordedAt: '2026-03-01T09:30:00.001Z',
    type: 'ComplaintOpened',
    schemaVersion: 3,
    data: {},
    correlationId: null,
    causationId: 'cause-9',
    commandId: null,
    actor: null,
    traceparent: null,
  },
  {
    eventId: '0190a6f0-0000-7000-8000-000000000004',
    recordedAt: '2026-03-01T09:30:00.001Z',
    type: 'ComplaintOpened',
    schemaVersion: 3,
    data: { list: [], text: '' },
    correlationId: null,
    causationId: 'cause-9',
    commandId: null,
    actor: { id: 'u-8', role: 'manager' },
    traceparent: null,
  },
]
const goldenHashes = [
  '42ed207d118fc5020ce86775df5b5cb426d8ca89fde6c9d74649f6262810dcca',
  'f9d2d1dde9a39e512f4e9b384d86b31afeaf9ff44120d3699d1b2b7f8488d7e0',
  '711aa43cf2990fe6728dbc4ec2d1b89fb95a613d965421ccbaa3bd9997df1b00',
  '84d4ac700c6c7ff0c78bc0bb1d1209f79c0445a5acafb345bf48af822edabcad',
]

/** The canonical form as the docs state it, written as plainly as possible. */
const reference = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

const nullable = (a: fc.Arbitrary<string>) => fc.option(a, { nil: null })
const pendingEvent: fc.Arbitrary<PendingEvent> = fc.record({
  eventId: fc.uuid(),
  recordedAt: fc.constantFrom('2026-03-01T09:30:00.000Z', '2026-03-01T09:30:00.001Z'),
  type: fc.constantFrom('A', 'B"quoted"'),
  schemaVersion: fc.integer({ min: 1, max: 5 }),
  data: fc.jsonValue(),
  correlationId: nullable(fc.constantFrom('c-1', 'c-2')),
  causationId: nullable(fc.string()),
  commandId: nullable(fc.constantFrom('m-1', 'm-2')),
  actor: fc.option(fc.constantFrom(advisor, { id: 'u-7', role: 'advisor' }, { id: 'u-9', role: 'clerk' }), {
    nil: null,
  }),
  // Not hashed: whatever it holds, the hash is the same.
  traceparent: nullable(fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')),
})

describe('the hash format', () => {
  it('gives the pinned hashes and canonical JSON of a fixed log', () => {
    const chained = chainEvents('visits-LSVAU2180N2000001', 7, 'a'.repeat(64), golden)
    expect(chained.map((e) => e.hash)).toEqual(goldenHashes)
    expect(chained.map((e) => eventHash(e.prevHash, e))).toEqual(goldenHashes)
    expect(chained[1]?.dataJson).toBe('{"10":"ten","2":"two","a":1,"b":2}')
    expect(chained[0]?.dataJson).toBe(
      '{"amounts":[1.5,0,1e+21,0.1],"mileageKm":12345,"nested":{"a":[true,false,{"b":"x","y":2}],"z":null},' +
        '"notes":"say \\"hi\\"\\\\ \\n tab\\t 车主 😀","vin":"LSVAU2180N2000001"}',
    )
  })

  it('canonicalJson is the sorted-key JSON of any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value))
      }),
    )
  })

  it('canonicalJson gives the same text for objects met again, in any key order, with undefined members', () => {
    // Few keys, so layouts repeat (the cache of recent layouts is hit, and overflows).
    const key = fc.constantFrom('a', 'b', 'Z', '10', '2', 'é', 'key with space', '__proto__')
    const member = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 1 }))
    const object = fc.array(fc.tuple(key, member), { maxLength: 6 }).map((entries) => {
      const record: Record<string, unknown> = {}
      for (const [k, v] of entries)
        Object.defineProperty(record, k, { value: v, enumerable: true, writable: true })
      return record
    })
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 40 }), (objects) => {
        for (const o of objects) expect(canonicalJson(o)).toBe(reference(o))
        expect(canonicalJson(objects)).toBe(reference(objects))
      }),
    )
  })

  it('chainEvents hashes each event as eventHash does, whatever repeats between events', () => {
    fc.assert(
      fc.property(fc.array(pendingEvent, { minLength: 1, maxLength: 8 }), fc.nat(1000), (events, version) => {
        const chained = chainEvents('s-1', version, 'p'.repeat(64), events)
        chained.forEach((e, i) => {
          expect(e.hash).toBe(eventHash(e.prevHash, e))
          expect(e.dataJson).toBe(reference(events[i]?.data))
        })
      }),
    )
  })
})
