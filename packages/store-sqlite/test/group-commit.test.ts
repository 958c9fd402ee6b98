import { ConcurrencyError, StoreError, verify } from '@dealer-crm/eventsourcing'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { groupCommitMaxEvents, openSqliteEventLog, type SqliteEventLog } from '../src/index.js'
import { all, collect, pendingNote } from './pending.js'
import { tempDatabase } from './temp-file.js'

let file: ReturnType<typeof tempDatabase>
let log: SqliteEventLog
let notified: number

beforeEach(() => {
  file = tempDatabase()
  log = openSqliteEventLog({ path: file.path })
  notified = 0
  log.onAppended(() => {
    notified++
  })
})
afterEach(async () => {
  await log.close()
  file.remove()
})

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const count = (db: Database.Database) => Number(db.prepare('SELECT count(*) FROM es_events').pluck().get())
const positions = async () => (await collect(log.readAll(all))).map((e) => [e.streamName, e.globalPosition])
const rejection = (result: PromiseSettledResult<unknown> | undefined): unknown =>
  result?.status === 'rejected' ? result.reason : new Error(`expected a rejection, got ${result?.status}`)

/** Frames in the WAL since it was last truncated: every commit writes at least one. */
const walFrames = () =>
  log.run((db) => (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? -1)
const truncateWal = () => log.run((db) => db.pragma('wal_checkpoint(TRUNCATE)'))

describe('group commit', () => {
  it('commits 40 concurrent appends in one transaction (fewer WAL frames than commits, one notification)', async () => {
    log.database.pragma('wal_autocheckpoint = 0')
    await truncateWal()
    for (let i = 0; i < 40; i++) await log.append(`order-${i}`, [pendingNote(`s${i}`)], 'no_stream')
    const sequentialFrames = await walFrames()
    expect(notified).toBe(40)

    await truncateWal()
    notified = 0
    const stored = await Promise.all(
      Array.from({ length: 40 }, (_, i) => log.append(`customer-${i}`, [pendingNote(`c${i}`)], 'no_stream')),
    )
    const concurrentFrames = await walFrames()
    expect(notified).toBe(1)
    // 40 commits write at least 40 frames; one commit of 40 small rows writes a few pages.
    expect(sequentialFrames).toBeGreaterThanOrEqual(40)
    expect(concurrentFrames).toBeGreaterThan(0)
    expect(concurrentFrames).toBeLessThan(10)
    expect(stored.map((s) => s[0]?.globalPosition)).toEqual(
      Array.from({ length: 40 }, (_, i) => BigInt(41 + i)),
    )
    expect(await verify(log)).toMatchObject({ ok: true })
  })

  it('fails an append with a stale expected version alone; the rest of its group is written without gaps', async () => {
    await log.append('order-1', [pendingNote('a')], 'no_stream')
    notified = 0
    const results = await Promise.allSettled([
      log.append('order-2', [pendingNote('b')], 'no_stream'),
      log.append('order-1', [pendingNote('stale')], 'no_stream'),
      log.append('order-3', [pendingNote('c')], 'no_stream'),
    ])
    expect(rejection(results[1])).toBeInstanceOf(ConcurrencyError)
    expect(rejection(results[1])).toMatchObject({ streamName: 'order-1', expected: 'no_stream', actual: 1 })
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
    expect(notified).toBe(1)
    expect(await positions()).toEqual([
      ['order-1', 1n],
      ['order-2', 2n],
      ['order-3', 3n],
    ])
    expect(await log.streamVersion('order-1')).toBe(1)
  })

  it('chains two appends to the same stream in one group (the second sees the first) and refuses a third from no_stream', async () => {
    const results = await Promise.allSettled([
      log.append('order-1', [pendingNote('a')], 'no_stream'),
      log.append('order-1', [pendingNote('b'), pendingNote('c')], 1),
      log.append('order-1', [pendingNote('late')], 'no_stream'),
    ])
    expect(notified).toBe(1)
    const [first, second] = results.map((r) => (r.status === 'fulfilled' ? r.value : []))
    expect(first?.map((e) => [e.streamPosition, e.globalPosition])).toEqual([[1, 1n]])
    expect(second?.map((e) => [e.streamPosition, e.globalPosition])).toEqual([
      [2, 2n],
      [3, 3n],
    ])
    expect(second?.[0]?.prevHash).toBe(first?.[0]?.hash)
    expect(rejection(results[2])).toMatchObject({ code: 'ConcurrencyError', actual: 3 })
    expect(await verify(log)).toMatchObject({ ok: true })
  })

  it('fails an append whose insert the database refuses alone, with a StoreError naming its stream, writing none of its events', async () => {
    log.database.exec(`
      CREATE TRIGGER refuse_poison BEFORE INSERT ON es_events
      WHEN NEW.stream_name = 'order-poison' AND NEW.stream_position = 2
      BEGIN SELECT RAISE(ABORT, 'poisoned row refused'); END`)
    const results = await Promise.allSettled([
      log.append('order-1', [pendingNote('a')], 'no_stream'),
      log.append('order-poison', [pendingNote('p1'), pendingNote('p2')], 'no_stream'),
      log.append('order-2', [pendingNote('b')], 'no_stream'),
    ])
    const error = rejection(results[1])
    expect(error).toBeInstanceOf(StoreError)
    expect((error as Error).message).toMatch(/append to order-poison failed: .*poisoned row refused/)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
    expect(await log.streamVersion('order-poison')).toBe(0)
    expect(await positions()).toEqual([
      ['order-1', 1n],
      ['order-2', 2n],
    ])
    expect(log.database.inTransaction).toBe(false)
    // Alone in its group (no savepoint then), it still writes nothing.
    await expect(
      log.append('order-poison', [pendingNote('p1'), pendingNote('p2')], 'no_stream'),
    ).rejects.toThrow(/append to order-poison failed: .*poisoned row refused/)
    expect(await log.streamVersion('order-poison')).toBe(0)
    expect((await log.append('order-3', [pendingNote('c')], 'no_stream'))[0]?.globalPosition).toBe(3n)
    expect(log.database.inTransaction).toBe(false)
  })

  it('rejects every append of the group with a StoreError naming its stream when COMMIT fails, writing nothing', async () => {
    // A deferred foreign key is checked at COMMIT: one orphan row makes the whole COMMIT fail.
    log.database.pragma('foreign_keys = ON')
    log.database.exec(`
      CREATE TABLE parent (id TEXT PRIMARY KEY);
      CREATE TABLE child (stream TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER orphan AFTER INSERT ON es_events WHEN NEW.stream_name = 'order-orphan'
      BEGIN INSERT INTO child VALUES (NEW.stream_name); END`)
    const streams = ['order-1', 'order-orphan', 'order-2']
    const results = await Promise.allSettled(streams.map((s) => log.append(s, [pendingNote(s)], 'no_stream')))
    for (const [i, result] of results.entries()) {
      const error = rejection(result)
      expect(error).toBeInstanceOf(StoreError)
      expect((error as Error).message).toMatch(
        new RegExp(`append to ${streams[i]} failed: COMMIT of its group of 3 appends failed`),
      )
    }
    expect(notified).toBe(0)
    expect(log.database.inTransaction).toBe(false)
    expect(await positions()).toEqual([])
    expect((await log.append('order-1', [pendingNote('again')], 'no_stream'))[0]?.globalPosition).toBe(1n)
  })

  it('rejects every append of the group with a StoreError when BEGIN fails (the write lock is held elsewhere)', async () => {
    await log.close()
    log = openSqliteEventLog({ path: file.path, busyTimeoutMs: 20 })
    const other = new Database(file.path)
    other.exec('BEGIN IMMEDIATE')
    const results = await Promise.allSettled([
      log.append('order-1', [pendingNote('a')], 'no_stream'),
      log.append('order-2', [pendingNote('b')], 'no_stream'),
    ])
    for (const result of results) {
      expect(rejection(result)).toBeInstanceOf(StoreError)
      expect((rejection(result) as Error).message).toMatch(/BEGIN IMMEDIATE of its group of 2 appends failed/)
    }
    other.exec('ROLLBACK')
    other.close()
    expect((await log.append('order-1', [pendingNote('a')], 'no_stream'))[0]?.globalPosition).toBe(1n)
  })

  it(`splits the queue into groups of at most ${groupCommitMaxEvents} events, in order`, async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => pendingNote(`m${i}`))
    const half = Math.ceil(groupCommitMaxEvents / 2) + 1
    const stored = await Promise.all([
      log.append('order-1', many(half), 'no_stream'),
      log.append('order-2', many(half), 'no_stream'),
      log.append('order-3', many(1), 'no_stream'),
      log.append('order-4', many(groupCommitMaxEvents + 1), 'no_stream'),
    ])
    // [order-1], [order-2, order-3], [order-4] (larger than a group: alone).
    expect(notified).toBe(3)
    expect(stored.map((s) => s[0]?.globalPosition)).toEqual([
      1n,
      BigInt(half + 1),
      BigInt(2 * half + 1),
      BigInt(2 * half + 2),
    ])
  })

  it('runs appends with an inTransaction callback alone and atomically, while queued appends wait', async () => {
    const seenInside: number[] = []
    const failing = log.append('order-inline', [pendingNote('i')], 'no_stream', async (_stored, tx) => {
      seenInside.push(count(tx))
      await tick(10)
      throw new Error('inline projection failed')
    })
    const queued = [
      log.append('order-1', [pendingNote('a')], 'no_stream'),
      log.append('order-2', [pendingNote('b')], 'no_stream'),
    ]
    const inline = log.append('order-inline-2', [pendingNote('j')], 'no_stream', (_stored, tx) => {
      seenInside.push(count(tx))
    })
    await expect(failing).rejects.toThrow('inline projection failed')
    await Promise.all([...queued, inline])
    // Each callback saw its own event only: neither the queued appends nor the other callback's.
    expect(seenInside).toEqual([1, 1])
    // One notification for the inline append, one for the group of the two queued appends.
    expect(notified).toBe(2)
    expect(await positions()).toEqual([
      ['order-inline-2', 1n],
      ['order-1', 2n],
      ['order-2', 3n],
    ])
  })

  it('waits for an open async transaction before flushing the queue', async () => {
    let release: () => void = () => undefined
    const held = log.transaction(async (tx) => {
      tx.exec('CREATE TABLE notes (text TEXT)')
      await new Promise<void>((r) => {
        release = r
      })
      return count(tx)
    })
    const queued = log.append('order-1', [pendingNote('a')], 'no_stream')
    await tick(20)
    expect(notified).toBe(0)
    release()
    expect(await held).toBe(0)
    expect((await queued)[0]?.globalPosition).toBe(1n)
  })

  it('close() commits the appends already queued (after an open transaction), then refuses new ones', async () => {
    let release: () => void = () => undefined
    const held = log.transaction(
      () =>
        new Promise<void>((r) => {
          release = r
        }),
    )
    const queued = [0, 1, 2].map((i) => log.append(`order-${i}`, [pendingNote(`q${i}`)], 'no_stream'))
    const closing = log.close()
    const late = log.append('order-late', [pendingNote('late')], 'no_stream').catch((e: unknown) => e)
    const lateInline = log
      .append('order-late', [pendingNote('late')], 'no_stream', () => undefined)
      .catch((e: unknown) => e)
    await tick(10)
    release()
    await held
    await closing
    expect((await Promise.all(queued)).map((s) => s[0]?.globalPosition)).toEqual([1n, 2n, 3n])
    for (const refused of await Promise.all([late, lateInline])) {
      expect(refused).toBeInstanceOf(StoreError)
      expect((refused as Error).message).toMatch(/is closed/)
    }
    log = openSqliteEventLog({ path: file.path })
    expect(await positions()).toEqual([
      ['order-0', 1n],
      ['order-1', 2n],
      ['order-2', 3n],
    ])
  })
})
