import {
  auditTrail,
  canonicalJson,
  chainEvents,
  createInMemoryEventStore,
  eventHash,
  fixedClock,
  renderTrail,
  type StoredEvent,
  verify,
  verifyEvents,
} from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { accountRegistry, collect, earned, opened, redeemed } from './support.js'

const from = async function* (events: ReadonlyArray<StoredEvent>): AsyncGenerator<StoredEvent> {
  yield* events
}

const seeded = async () => {
  const store = createInMemoryEventStore({
    registry: accountRegistry,
    clock: fixedClock('2026-03-01T09:30:00Z'),
  })
  await store.appendToStream('account-1', [opened('1', 'Wang')], {
    metadata: { commandId: 'cmd-1', correlationId: 'corr-1', actor: { id: 'u-7', role: 'sales-consultant' } },
  })
  await store.appendToStream('account-2', [opened('2', 'Li')])
  await store.appendToStream('account-1', [earned(100), redeemed(30)], {
    metadata: {
      commandId: 'cmd-2',
      causationId: 'evt-9',
      correlationId: 'corr-1',
      actor: { id: 'u-8', role: 'cashier' },
    },
  })
  const stored = await collect(
    store.log.readAll({ from: 0n, to: null, batchSize: 10, categories: null, types: null }),
  )
  return { store, stored }
}

describe('canonical JSON and the event hash', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[2,{"e":null,"f":1}]},"b":1}',
    )
    expect(() => canonicalJson(() => 1)).toThrow(TypeError)
  })

  it('the hash is the same whatever the key order of the data, and covers every field', async () => {
    const { stored } = await seeded()
    const e = stored[2]!
    expect(eventHash(e.prevHash, e)).toBe(e.hash)
    const reordered = { ...e, data: Object.fromEntries(Object.entries(e.data as object).reverse()) }
    expect(eventHash(e.prevHash, reordered)).toBe(e.hash)
    for (const change of [
      { data: { points: 101, reason: 'purchase' } },
      { recordedAt: '2026-03-01T09:30:00.001Z' },
      { actor: null },
      { commandId: 'cmd-x' },
      { streamPosition: 5 },
      { schemaVersion: 2 },
    ])
      expect(eventHash(e.prevHash, { ...e, ...change })).not.toBe(e.hash)
    expect(eventHash('0'.repeat(64), e)).not.toBe(e.hash)
  })

  it('chainEvents links each event to the one before it', () => {
    const pending = [1, 2].map((n) => ({
      eventId: `e${n}`,
      recordedAt: '2026-01-01T00:00:00.000Z',
      type: 'T',
      schemaVersion: 1,
      data: { n },
      correlationId: null,
      causationId: null,
      commandId: null,
      actor: null,
      traceparent: null,
    }))
    const chained = chainEvents('s-1', 4, 'abc', pending)
    expect(chained.map((e) => e.streamPosition)).toEqual([5, 6])
    expect(chained[0]!.prevHash).toBe('abc')
    expect(chained[1]!.prevHash).toBe(chained[0]!.hash)
  })
})

describe('verify', () => {
  it('accepts an untouched log and counts events and streams', async () => {
    const { store } = await seeded()
    expect(await verify(store)).toMatchObject({ ok: true, events: 4, streams: 2, checked: [] })
    expect(await verify(store.log)).toMatchObject({ ok: true, events: 4, streams: 2 })
    expect(await verifyEvents(from([]))).toMatchObject({
      ok: true,
      events: 0,
      streams: 0,
      anchor: { count: 0, position: 0n, root: '', signature: null },
    })
  })

  it('names the first broken link when data was altered', async () => {
    const { stored } = await seeded()
    const altered = stored.map((e, i) =>
      i === 2 ? { ...e, data: { points: 1_000_000, reason: 'purchase' } } : e,
    )
    const result = await verifyEvents(from(altered))
    expect(result).toEqual({
      ok: false,
      events: 3,
      finding: {
        code: 'stream-link',
        streamName: 'account-1',
        streamPosition: 2,
        globalPosition: 3n,
        reason: expect.stringMatching(/altered/),
        source: null,
      },
    })
  })

  it('detects a removed event (a gap) and a re-hashed forgery (a broken prevHash)', async () => {
    const { stored } = await seeded()
    const gap = await verifyEvents(from(stored.filter((_, i) => i !== 2)))
    expect(gap).toMatchObject({ ok: false, finding: { streamName: 'account-1', streamPosition: 3 } })
    expect(gap.ok === false && gap.finding.reason).toMatch(/expected position 2/)
    const target = stored[2]!
    const forged = { ...target, data: { points: 5, reason: 'forged' } }
    const rehashed = { ...forged, hash: eventHash(forged.prevHash, forged) }
    const result = await verifyEvents(from(stored.map((e, i) => (i === 2 ? rehashed : e))))
    expect(result).toMatchObject({ ok: false, finding: { streamName: 'account-1', streamPosition: 3 } })
    expect(result.ok === false && result.finding.reason).toMatch(/prevHash/)
  })

  it('still verifies after personal data was forgotten (the hash covers ciphertext)', async () => {
    const { store } = await seeded()
    await store.forget('anyone')
    expect((await verify(store)).ok).toBe(true)
  })
})

describe('audit trail', () => {
  it('tells who did what, when and why for one stream', async () => {
    const { store } = await seeded()
    const trail = await auditTrail(store, 'account-1')
    expect(trail).toEqual([
      {
        position: 1,
        at: new Date('2026-03-01T09:30:00Z'),
        what: 'AccountOpened',
        who: 'u-7 (sales-consultant)',
        why: 'command cmd-1, correlation corr-1',
        data: { accountId: '1', holder: 'Wang' },
      },
      expect.objectContaining({
        position: 2,
        what: 'PointsEarned',
        who: 'u-8 (cashier)',
        why: 'command cmd-2, caused by evt-9, correlation corr-1',
      }),
      expect.objectContaining({ position: 3, what: 'PointsRedeemed' }),
    ])
    const unknown = await auditTrail(store, 'account-2')
    expect(unknown[0]).toMatchObject({ who: 'unknown actor', why: 'no recorded cause' })
    expect(await auditTrail(store, 'account-404')).toEqual([])
  })

  it('renders one readable line per event', async () => {
    const { store } = await seeded()
    const text = renderTrail(await auditTrail(store, 'account-1'))
    const lines = text.split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toBe(
      '#1 2026-03-01T09:30:00.000Z u-7 (sales-consultant): AccountOpened {"accountId":"1","holder":"Wang"} — command cmd-1, correlation corr-1',
    )
    expect(lines[2]).toMatch(/^#3 .* u-8 \(cashier\): PointsRedeemed \{"points":30\} — command cmd-2/)
    expect(renderTrail([])).toBe('')
    expect(
      renderTrail([{ position: 1, at: new Date(0), what: 'X', who: 'w', why: 'y', data: { n: 10n } }]),
    ).toContain('{"n":"10"}')
  })
})
