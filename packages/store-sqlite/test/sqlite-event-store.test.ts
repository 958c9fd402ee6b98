import { type InlineProjection, isErased, PersonalDataError } from '@dealer-crm/eventsourcing'
import { CarOrdered, type ConformanceEvent, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import type Database from 'better-sqlite3'
import type * as t from 'io-ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createSqliteEventStore,
  type SqliteEventStore,
  sqliteCheckpointStore,
  sqliteKeyVault,
} from '../src/index.js'
import { collect } from './pending.js'
import { tempDatabase } from './temp-file.js'

let file: ReturnType<typeof tempDatabase>
let store: SqliteEventStore<ConformanceEvent>

const note = (text: string) => NoteAdded.make({ text, tags: [] })
const order = (orderId: string, subjectId: string) =>
  CarOrdered.make({
    orderId,
    amountFen: 100 as t.Int,
    customer: { subjectId, name: '李四', phone: '13900000000' },
  })

/** An inline projection counting notes per stream, with its checkpoint in the same transaction. */
const noteCounter = (failOn?: string): InlineProjection<ConformanceEvent, Database.Database> => ({
  name: 'note-count',
  handles: ['NoteAdded'],
  apply: async (events, tx) => {
    for (const e of events) {
      tx.prepare(
        `INSERT INTO note_counts (stream, count) VALUES (?, 1)
         ON CONFLICT (stream) DO UPDATE SET count = count + 1`,
      ).run(e.metadata.streamName)
      if (e.type === 'NoteAdded' && e.data.text === failOn) throw new Error(`refusing ${failOn}`)
    }
    const last = events[events.length - 1]
    if (last)
      await sqliteCheckpointStore(tx).save('note-count', {
        position: last.metadata.globalPosition + 1n,
        state: null,
      })
  },
})

const open = (failOn?: string) => {
  const opened = createSqliteEventStore({
    path: file.path,
    registry: conformanceRegistry,
    inline: [noteCounter(failOn)],
  })
  opened.database.exec('CREATE TABLE IF NOT EXISTS note_counts (stream TEXT PRIMARY KEY, count INTEGER)')
  return opened
}

beforeEach(() => {
  file = tempDatabase()
  store = open('poison')
})
afterEach(async () => {
  await store.close()
  file.remove()
})

const counts = () => store.database.prepare('SELECT stream, count FROM note_counts ORDER BY stream').all()

describe('inline projections', () => {
  it('commit their rows and checkpoint with the events', async () => {
    await store.appendToStream('order-1', [note('a'), note('b')])
    await store.appendToStream('order-2', [note('c')])
    expect(counts()).toEqual([
      { stream: 'order-1', count: 2 },
      { stream: 'order-2', count: 1 },
    ])
    expect(await store.checkpoints.load('note-count')).toEqual({ position: 4n, state: null })
  })

  it('that throw leave no event, no row and no checkpoint behind', async () => {
    await store.appendToStream('order-1', [note('a')])
    await expect(store.appendToStream('order-1', [note('b'), note('poison')])).rejects.toThrow(
      'refusing poison',
    )
    expect(await store.streamVersion('order-1')).toBe(1)
    expect(await collect(store.readAll())).toHaveLength(1)
    expect(counts()).toEqual([{ stream: 'order-1', count: 1 }])
    expect(await store.checkpoints.load('note-count')).toEqual({ position: 2n, state: null })
    const next = await store.appendToStream('order-1', [note('c')], { expectedVersion: 1 })
    expect(next.globalPositions).toEqual([2n])
  })
})

describe('the key vault in the same file', () => {
  it('keeps keys and tombstones across reopen; forgotten fields read as erased', async () => {
    await store.appendToStream('order-1', [order('o1', 'subject-1'), order('o2', 'subject-2')])
    const raw = store.database
      .prepare('SELECT data FROM es_events ORDER BY position')
      .pluck()
      .all() as string[]
    expect(raw.join('')).not.toContain('李四')
    await store.forget('subject-1')
    await store.close()
    store = open()
    const events = await collect(store.readStream('order-1'))
    const [first, second] = events.map((e) => (e.type === 'CarOrdered' ? e.data.customer.name : null))
    expect(isErased(first)).toBe(true)
    expect(second).toBe('李四')
    await expect(store.appendToStream('order-2', [order('o3', 'subject-1')])).rejects.toBeInstanceOf(
      PersonalDataError,
    )
    const row = store.database
      .prepare('SELECT key, forgotten_at FROM es_subject_keys WHERE subject_id = ?')
      .get('subject-1') as { key: unknown; forgotten_at: unknown }
    expect(row.key).toBeNull()
    expect(typeof row.forgotten_at).toBe('string')
  })

  it('can be used inside a transaction, where a rollback also drops the new key', async () => {
    await expect(
      store.sqliteLog.transaction(async (tx) => {
        await sqliteKeyVault(tx).keyFor('subject-9')
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await store.keyVault.existingKey('subject-9')).toBeNull()
    const key = await store.keyVault.keyFor('subject-9')
    expect(key).toHaveLength(32)
    expect(await store.keyVault.existingKey('subject-9')).toEqual(key)
  })
})

describe('the checkpoint store in the same file', () => {
  it('saves, loads and deletes positions beyond 2^53 with JSON state', async () => {
    const position = 2n ** 60n + 7n
    await store.checkpoints.save('big', { position, state: { total: 3, names: ['a'] } })
    await store.close()
    store = open()
    expect(await store.checkpoints.load('big')).toEqual({ position, state: { total: 3, names: ['a'] } })
    await store.checkpoints.delete('big')
    expect(await store.checkpoints.load('big')).toBeNull()
  })
})

describe('subscriptions', () => {
  it('see appends made through another connection to the file (by polling)', async () => {
    const other = createSqliteEventStore({
      path: file.path,
      registry: conformanceRegistry,
      pollIntervalMs: 20,
    })
    const seen: string[] = []
    const subscription = other.subscribe((e) => {
      if (e.type === 'NoteAdded') seen.push(e.data.text)
    })
    await store.appendToStream('order-1', [note('from the first connection')])
    const start = Date.now()
    while (seen.length === 0 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10))
    await subscription.close()
    await other.close()
    expect(seen).toEqual(['from the first connection'])
  })
})
