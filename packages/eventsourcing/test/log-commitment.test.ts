import { generateKeyPairSync } from 'node:crypto'
import {
  type Anchor,
  AnchorError,
  AuditKeyError,
  anchorToJson,
  auditPublicKey,
  type Checkpoint,
  CorruptEventError,
  createInMemoryEventLog,
  createLogCheckpointer,
  type EventLog,
  emptyLogHead,
  eventHash,
  extendLogHead,
  generateAuditKeys,
  inMemoryCheckpointStore,
  logHeadCheckpoint,
  manualClock,
  type PendingEvent,
  parseAnchor,
  type StoredEvent,
  signatureProblem,
  verify,
  verifyEvents,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { collect } from './support.js'

const keys = generateAuditKeys()
let n = 0
const pending = (text: string): PendingEvent => ({
  eventId: `e-${n++}`,
  recordedAt: '2026-12-02T09:00:00.000Z',
  type: 'Noted',
  schemaVersion: 1,
  data: { text },
  correlationId: null,
  causationId: null,
  commandId: null,
  actor: null,
  traceparent: null,
})
const all = { from: 0n, to: null, batchSize: 100, categories: null, types: null } as const

const appendAll = async (log: EventLog, plan: ReadonlyArray<readonly [string, number]>) => {
  for (const [stream, size] of plan)
    await log.append(
      stream,
      Array.from({ length: size }, (_, i) => pending(`${stream} ${i}`)),
      'any',
    )
}

const planArb = fc.array(
  fc.tuple(
    fc.constantFrom('customer-1', 'customer-2', 'loyalty-1', 'complaint-1'),
    fc.integer({ min: 1, max: 3 }),
  ),
  { minLength: 1, maxLength: 12 },
)

/** What someone with write access and the public eventHash can do: re-link every stream, renumber 1, 2, 3, … */
const rechained = (events: ReadonlyArray<StoredEvent>): StoredEvent[] => {
  const heads = new Map<string, { position: number; hash: string }>()
  return events.map((e, i) => {
    const last = heads.get(e.streamName) ?? { position: 0, hash: '' }
    const linked = {
      ...e,
      globalPosition: BigInt(i + 1),
      streamPosition: last.position + 1,
      prevHash: last.hash,
    }
    const hash = eventHash(last.hash, linked)
    heads.set(e.streamName, { position: linked.streamPosition, hash })
    return { ...linked, hash }
  })
}

const from = async function* (events: ReadonlyArray<StoredEvent>): AsyncGenerator<StoredEvent> {
  yield* events
}

describe('the log commitment (property)', () => {
  it('checkpointing in any number of steps signs the same root as one pass over the log', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(planArb, { minLength: 1, maxLength: 4 }), async (rounds) => {
        const log = createInMemoryEventLog()
        const checkpoints = inMemoryCheckpointStore()
        const checkpointer = createLogCheckpointer({ log, checkpoints, privateKey: keys.privateKey })
        let head: Anchor | null = null
        for (const plan of rounds) {
          await appendAll(log, plan)
          head = await checkpointer.checkpoint()
        }
        const once = (await collect(log.readAll(all))).reduce(extendLogHead, emptyLogHead)
        expect(head).toMatchObject(once)
        expect(await verify(log, { checkpoints, publicKey: keys.publicKey })).toMatchObject({
          ok: true,
          anchor: head,
        })
      }),
      { numRuns: 30 },
    )
  })

  it('any reordering, edit, deletion or truncation, even with every stream re-hashed, fails against the head', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
      fc.record({ kind: fc.constant('edit' as const), i: fc.nat() }),
      fc.record({ kind: fc.constant('drop' as const), i: fc.nat() }),
      fc.record({ kind: fc.constant('truncate' as const), i: fc.nat() }),
    )
    await fc.assert(
      fc.asyncProperty(planArb, mutation, async (plan, m) => {
        const log = createInMemoryEventLog()
        await appendAll(log, plan)
        const events = await collect(log.readAll(all))
        const head = events.reduce(extendLogHead, emptyLogHead)
        const anchor: Anchor = { ...head, time: '2026-12-02T00:00:00.000Z', keyId: null, signature: null }
        const heads = [{ source: 'anchor 1', anchor, signature: 'none' as const }]
        const i = m.i % events.length
        const changed = [...events]
        if (m.kind === 'swap') {
          const j = m.j % events.length
          fc.pre(i !== j)
          ;[changed[i], changed[j]] = [changed[j] as StoredEvent, changed[i] as StoredEvent]
        } else if (m.kind === 'edit')
          changed[i] = { ...(changed[i] as StoredEvent), data: { text: 'forged' } }
        else if (m.kind === 'drop') changed.splice(i, 1)
        else changed.length = i
        expect((await verifyEvents(from(rechained(events)), { heads })).ok).toBe(true)
        const result = await verifyEvents(from(rechained(changed)), { heads, contiguousPositions: true })
        expect(result).toMatchObject({ ok: false, finding: { source: 'anchor 1' } })
      }),
      { numRuns: 200 },
    )
  })
})

describe('global positions', () => {
  it('a missing position is a finding where the log promises none, and positions must always increase', async () => {
    const log = createInMemoryEventLog()
    expect(log.contiguousPositions).toBe(true)
    await appendAll(log, [
      ['customer-1', 2],
      ['loyalty-1', 2],
    ])
    const events = await collect(log.readAll(all))
    const gap = events.filter((e) => e.globalPosition !== 2n)
    expect(await verifyEvents(from(gap), { contiguousPositions: true })).toMatchObject({
      ok: false,
      finding: {
        code: 'position-gap',
        globalPosition: 3n,
        reason: expect.stringMatching(/1 position\(s\) missing/),
      },
    })
    const moved = events.map((e) => (e.globalPosition === 4n ? { ...e, globalPosition: 2n } : e))
    expect(await verifyEvents(from(moved))).toMatchObject({
      ok: false,
      finding: { code: 'position-gap', reason: expect.stringMatching(/does not increase/) },
    })
  })

  it('a row the store cannot read is a corrupt-event finding, not a crash', async () => {
    const failing = async function* (): AsyncGenerator<StoredEvent> {
      yield* []
      throw new CorruptEventError('customer-1', 4, 'the data is not valid JSON')
    }
    expect(await verifyEvents(failing())).toEqual({
      ok: false,
      events: 1,
      finding: {
        code: 'corrupt-event',
        reason: 'the data is not valid JSON',
        streamName: 'customer-1',
        streamPosition: 4,
        globalPosition: null,
        source: null,
      },
    })
  })
})

describe('the log checkpointer', () => {
  it('signs a head over what is new, saves it as a checkpoint, and resumes from it in a new process', async () => {
    const log = createInMemoryEventLog()
    const saved: Checkpoint[] = []
    const store = inMemoryCheckpointStore()
    const checkpoints = {
      ...store,
      save: async (name: string, c: Checkpoint) => {
        saved.push(c)
        await store.save(name, c)
      },
    }
    const clock = manualClock('2026-12-02T09:00:00Z')
    const options = { log, checkpoints, privateKey: keys.privateKey, clock, signEvery: 4 }
    expect(await createLogCheckpointer(options).checkpoint()).toMatchObject({
      count: 0,
      position: 0n,
      root: '',
    })
    await appendAll(log, [
      ['customer-1', 3],
      ['loyalty-1', 3],
    ])
    const first = await createLogCheckpointer(options).checkpoint()
    expect(first).toMatchObject({ count: 6, position: 6n, time: '2026-12-02T09:00:00.000Z' })
    expect(saved.map((c) => [c.position, (c.state as { count: number }).count])).toEqual([
      [1n, 0],
      [5n, 4],
      [7n, 6],
    ])
    expect(signatureProblem(first, auditPublicKey(keys.publicKey))).toBeNull()
    const again = createLogCheckpointer(options)
    clock.advance(60_000)
    expect(await again.checkpoint()).toEqual(first) // nothing new: nothing signed or saved
    expect(saved).toHaveLength(3)
    await appendAll(log, [['customer-1', 1]])
    const second = await again.checkpoint()
    expect(second).toMatchObject({ count: 7, time: '2026-12-02T09:01:00.000Z' })
    expect(second.root).toBe(
      extendLogHead(first, (await collect(log.readAll({ ...all, from: 7n })))[0]!).root,
    )
  })

  it('follows appends until closed', async () => {
    const log = createInMemoryEventLog()
    const checkpoints = inMemoryCheckpointStore()
    const following = createLogCheckpointer({
      log,
      checkpoints,
      privateKey: keys.privateKey,
      signIntervalMs: 0,
    }).start()
    await appendAll(log, [['customer-1', 2]])
    while (((await checkpoints.load(logHeadCheckpoint))?.position ?? 0n) < 3n)
      await new Promise((resolve) => setTimeout(resolve, 5))
    await following.close()
    expect(await verify(log, { checkpoints, publicKey: keys.publicKey })).toMatchObject({
      ok: true,
      anchor: { count: 2 },
      checked: [{ source: 'stored head', signature: 'valid' }],
    })
  })

  it('refuses to extend a stored head its key did not sign, and to sign an event whose hash does not match', async () => {
    const log = createInMemoryEventLog()
    await appendAll(log, [['customer-1', 2]])
    const checkpoints = inMemoryCheckpointStore()
    await createLogCheckpointer({ log, checkpoints, privateKey: generateAuditKeys().privateKey }).checkpoint()
    await appendAll(log, [['customer-1', 1]])
    await expect(
      createLogCheckpointer({ log, checkpoints, privateKey: keys.privateKey }).checkpoint(),
    ).rejects.toThrow(AnchorError)
    const forged: EventLog = {
      ...log,
      readAll: async function* (filter) {
        for await (const e of log.readAll(filter))
          yield e.globalPosition === 2n ? { ...e, data: { text: 'x' } } : e
      },
    }
    const refused = createLogCheckpointer({
      log: forged,
      checkpoints: inMemoryCheckpointStore(),
      privateKey: keys.privateKey,
    })
    await expect(refused.checkpoint()).rejects.toThrow(/refusing to sign global position 2/)
  })

  it('takes only Ed25519 private keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    const log = createInMemoryEventLog()
    const checkpoints = inMemoryCheckpointStore()
    for (const privateKey of [rsa, keys.publicKey, 'not a key'])
      expect(() => createLogCheckpointer({ log, checkpoints, privateKey })).toThrow(AuditKeyError)
  })
})

describe('anchors as JSON', () => {
  const anchor: Anchor = {
    format: 1,
    position: 12n,
    count: 10,
    root: 'a'.repeat(64),
    time: '2026-12-02T09:00:00.000Z',
    keyId: null,
    signature: null,
  }

  it('read back as they were written', () => {
    expect(parseAnchor(JSON.parse(JSON.stringify(anchorToJson(anchor))))).toEqual(anchor)
  })

  it('refuse each malformed field with an AnchorError naming it', () => {
    const json = anchorToJson(anchor)
    for (const [change, field] of [
      [{ format: 2 }, /format 2 is not a known/],
      [{ position: 12 }, /position/],
      [{ position: '-1' }, /position/],
      [{ count: -1 }, /count/],
      [{ root: 'xyz' }, /root/],
      [{ time: 'yesterday' }, /time/],
      [{ keyId: 'abc' }, /keyId and signature/],
      [{ count: 0 }, /disagree/],
    ] as const) {
      const error = (() => {
        try {
          parseAnchor({ ...json, ...change }, 'anchor.json')
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(AnchorError)
      expect((error as AnchorError).message).toMatch(/^anchor\.json: /)
      expect((error as AnchorError).message).toMatch(field)
    }
    expect(() => parseAnchor([])).toThrow(AnchorError)
  })
})
