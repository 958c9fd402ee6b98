import { CorruptEventError } from '@dealer-crm/eventsourcing'
import { type ConformanceEvent, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  catchUpSqlProjection,
  createSqliteEventStore,
  listDeadLetters,
  runSqlProjection,
  type SqliteEventStore,
  type SqlProjection,
} from '../src/index.js'
import { tempDatabase } from './temp-file.js'

let file: ReturnType<typeof tempDatabase>
let store: SqliteEventStore<ConformanceEvent>

const note = (text: string) => NoteAdded.make({ text, tags: [] })

const notes = (failOn?: string): SqlProjection<ConformanceEvent> => ({
  name: 'notes',
  handles: ['NoteAdded'],
  setup: (db) => {
    db.exec('CREATE TABLE IF NOT EXISTS notes (position INTEGER PRIMARY KEY, text TEXT)')
  },
  apply: (events, db) => {
    const insert = db.prepare('INSERT INTO notes (position, text) VALUES (?, ?)')
    for (const e of events) {
      if (e.type !== 'NoteAdded') continue
      if (e.data.text === failOn) throw new Error(`cannot project ${failOn}`)
      insert.run(e.metadata.globalPosition, e.data.text)
    }
  },
})

const rows = () => store.database.prepare('SELECT text FROM notes ORDER BY position').pluck().all()

beforeEach(() => {
  file = tempDatabase()
  store = createSqliteEventStore({ path: file.path, registry: conformanceRegistry })
})
afterEach(async () => {
  await store.close()
  file.remove()
})

describe('catch-up SQL projections', () => {
  it('write rows and checkpoint per batch, and resume where they stopped', async () => {
    for (let i = 0; i < 7; i++) await store.appendToStream(`order-${i % 2}`, [note(`n${i}`)])
    const first = await catchUpSqlProjection(store, notes(), { batchSize: 3 })
    expect(first).toEqual({ position: 8n, applied: 7, parked: 0 })
    await store.appendToStream('order-9', [note('n7')])
    const second = await catchUpSqlProjection(store, notes(), { batchSize: 3 })
    expect(second).toEqual({ position: 9n, applied: 1, parked: 0 })
    expect(rows()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'])
  })

  it('roll back the failing batch: its rows and its checkpoint are not written', async () => {
    for (const text of ['a', 'b', 'c', 'bad', 'd']) await store.appendToStream('order-1', [note(text)])
    await expect(catchUpSqlProjection(store, notes('bad'), { batchSize: 2 })).rejects.toThrow(
      'cannot project bad',
    )
    expect(rows()).toEqual(['a', 'b'])
    expect((await store.checkpoints.load('notes'))?.position).toBe(3n)
    expect(await catchUpSqlProjection(store, notes(), { batchSize: 2 })).toMatchObject({ applied: 3 })
    expect(rows()).toEqual(['a', 'b', 'c', 'bad', 'd'])
  })

  it('stop at a corrupt row with its error, or park it in the dead-letter table when configured', async () => {
    for (const text of ['a', 'b', 'c', 'd']) await store.appendToStream('order-1', [note(text)])
    store.database.prepare("UPDATE es_events SET data = '{oops' WHERE position = 2").run()
    store.database.prepare("UPDATE es_events SET type = 'Vanished' WHERE position = 3").run()
    await expect(catchUpSqlProjection(store, notes())).rejects.toBeInstanceOf(CorruptEventError)
    expect(rows()).toEqual(['a'])
    const parkedRun = await catchUpSqlProjection(
      store,
      { ...notes(), handles: ['NoteAdded', 'Vanished' as 'NoteAdded'] },
      { deadLetters: true },
    )
    expect(parkedRun).toEqual({ position: 5n, applied: 1, parked: 2 })
    expect(rows()).toEqual(['a', 'd'])
    expect(listDeadLetters(store.database, 'notes')).toMatchObject([
      { globalPosition: 2n, streamName: 'order-1', streamPosition: 2, errorCode: 'CorruptEvent' },
      { globalPosition: 3n, streamName: 'order-1', streamPosition: 3, errorCode: 'UnknownEventType' },
    ])
  })

  it('keep running: live appends reach the read model', async () => {
    await store.appendToStream('order-1', [note('before')])
    const runner = runSqlProjection(store, notes())
    await store.appendToStream('order-1', [note('after')])
    const start = Date.now()
    while (rows().length < 2 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10))
    await runner.close()
    expect(rows()).toEqual(['before', 'after'])
    expect(runner.position()).toBe(3n)
  })
})
