import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { seal } from '@dealer-crm/eventsourcing'
import { CarOrdered, type ConformanceEvent, conformanceRegistry } from '@dealer-crm/testing'
import Database from 'better-sqlite3'
import type * as t from 'io-ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteEventStore, type SqliteEventStore, sqliteKeyVault } from '../src/index.js'
import { holding, type SealedSample, scanForKeys, sqliteFiles } from './key-scan.js'
import { tempDatabase } from './temp-file.js'

/*
 * Keys are made as the demo makes them: one per customer, on the customer's first event, by the
 * store's vault (an autocommit INSERT between group-committed appends), while another connection
 * reads now and then. 600 subjects fill a dozen leaf pages of the key table (the root page splits,
 * the table grows a level), and the reader keeps the WAL from being reset while it holds a snapshot.
 */
const subjects = 600
const subjectId = (i: number) => `c-${String(i).padStart(5, '0')}`
const nameOf = (subject: string) => `客户 ${subject} 的名字`

let file: ReturnType<typeof tempDatabase>
let store: SqliteEventStore<ConformanceEvent>
let reader: Database.Database

const order = (subject: string) =>
  CarOrdered.make({
    orderId: `o-${subject}`,
    amountFen: 100 as t.Int,
    customer: { subjectId: subject, name: nameOf(subject), phone: '13900000000' },
  })

/** A read transaction on another connection: it pins a snapshot of the WAL until `release`. */
const holdSnapshot = (db: Database.Database) => {
  db.prepare('BEGIN').run()
  db.prepare('SELECT count(*) FROM es_events').get()
  return { release: () => db.prepare('COMMIT').run() }
}

const createCustomers = async () => {
  let snapshot = holdSnapshot(reader)
  for (let i = 0; i < subjects; i++) {
    const s = subjectId(i)
    await store.appendToStream(`customer-${s}`, [order(s)], { expectedVersion: 'no_stream' })
    if (i % 150 === 149) {
      snapshot.release()
      snapshot = holdSnapshot(reader)
    }
  }
  snapshot.release()
}

/** The sealed name of each subject, read from the stored rows (what an attacker holding the file has). */
const samplesOf = (forgotten: ReadonlyArray<string>): SealedSample[] => {
  const wanted = new Set(forgotten)
  const rows = reader.prepare('SELECT data FROM es_events').pluck().all() as string[]
  const samples: SealedSample[] = []
  for (const data of rows) {
    const customer = (
      JSON.parse(data) as { customer?: { subjectId: string; name: { $enc: SealedSample['sealed'] } } }
    ).customer
    if (customer === undefined || !wanted.has(customer.subjectId)) continue
    samples.push({ sealed: customer.name.$enc, plaintext: JSON.stringify(nameOf(customer.subjectId)) })
  }
  return samples
}

/** The keys of these subjects, read through the vault before they are forgotten. */
const keysOf = async (forgotten: ReadonlyArray<string>) => {
  const keys = new Map<string, Buffer>()
  for (const s of forgotten) {
    const key = await store.keyVault.existingKey(s)
    if (key === null) throw new Error(`${s} has no key`)
    keys.set(s, Buffer.from(key))
  }
  return keys
}

beforeEach(() => {
  file = tempDatabase()
  store = createSqliteEventStore({
    path: file.path,
    registry: conformanceRegistry,
    busyTimeoutMs: 200,
    // As the demo: no fsync per commit (the bytes in the files are the same).
    synchronous: 'NORMAL',
  })
  reader = new Database(file.path, { readonly: true })
})

afterEach(async () => {
  if (reader.open) reader.close()
  await store.close()
  file.remove()
})

describe('forget on SQLite leaves no byte sequence that decrypts the person', () => {
  it('after forget, no 32-byte window of the database, WAL or -shm file is the key of a forgotten subject', async () => {
    await createCustomers()
    const forgotten = Array.from({ length: subjects / 20 }, (_, i) => subjectId(i * 20 + 7))
    const samples = samplesOf(forgotten)
    expect(samples).toHaveLength(forgotten.length)
    const keys = await keysOf(forgotten)
    // Before forgetting, every key is in the files, and the window scan of the database file finds
    // exactly the keys that are in it (the WAL, 10 MB here, is left to the exact search).
    expect(holding(sqliteFiles(file.path), keys)).toEqual(forgotten)
    expect(new Set(scanForKeys([file.path], samples).map((f) => f.subjectId))).toEqual(
      new Set(holding([file.path], keys)),
    )
    for (const s of forgotten) expect(await store.forget(s)).toEqual({ state: 'complete', reason: null })
    expect(scanForKeys(sqliteFiles(file.path), samples)).toEqual([])
    expect(holding(sqliteFiles(file.path), keys)).toEqual([])
  })

  it('keys written without secure_delete (by the vault before it zeroed, or by import) are erased by the next forget', async () => {
    // The INSERT the vault made before, with secure_delete off: when the table's root page split,
    // its first rows stayed behind in the root's free space.
    const keys = new Map<string, Buffer>()
    for (let i = 0; i < subjects; i++) {
      const key = randomBytes(32)
      keys.set(subjectId(i), key)
      store.database
        .prepare('INSERT INTO es_subject_keys (subject_id, key, created_at) VALUES (?, ?, ?)')
        .run(subjectId(i), key, new Date().toISOString())
    }
    const forgotten = [...keys.keys()].filter((_, i) => i % 20 === 7)
    const samples = forgotten.map((s) => {
      const plaintext = JSON.stringify(nameOf(s))
      return { sealed: seal(keys.get(s) as Buffer, s, plaintext), plaintext }
    })
    const copies = (key: Buffer) =>
      readFileSync(file.path).toString('latin1').split(key.toString('latin1')).length - 1
    expect(store.database.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }])
    expect(forgotten.filter((s) => copies(keys.get(s) as Buffer) > 1).length).toBeGreaterThan(0)

    for (const s of forgotten) expect(await store.forget(s)).toEqual({ state: 'complete', reason: null })
    expect(scanForKeys(sqliteFiles(file.path), samples)).toEqual([])
    expect(
      holding(sqliteFiles(file.path), new Map(forgotten.map((s) => [s, keys.get(s) as Buffer]))),
    ).toEqual([])
    // The others still read, from the rewritten table.
    for (const [s, key] of keys)
      if (!forgotten.includes(s))
        expect(Buffer.from((await store.keyVault.existingKey(s)) ?? [])).toEqual(key)
  })

  it('a reader of an older snapshot leaves the erasure pending, and completeErasure() finishes it once it is done', async () => {
    await createCustomers()
    const forgotten = [subjectId(3), subjectId(300)]
    const samples = samplesOf(forgotten)
    const keys = await keysOf(forgotten)
    const snapshot = holdSnapshot(reader)
    const erasure = await store.forget(subjectId(3))
    expect(erasure.state).toBe('pending')
    expect(erasure.reason).toContain('older snapshot')
    // What pending means: the reader's snapshot still needs frames that hold the key.
    expect(holding(sqliteFiles(file.path), keys)).toContain(subjectId(3))
    expect((await store.forget(subjectId(300))).state).toBe('pending')
    expect(await store.keyVault.completeErasure()).toMatchObject({ state: 'pending' })
    snapshot.release()
    expect(await store.keyVault.completeErasure()).toEqual({ state: 'complete', reason: null })
    expect(scanForKeys(sqliteFiles(file.path), samples)).toEqual([])
    expect(holding(sqliteFiles(file.path), keys)).toEqual([])
  })

  it('a pending erasure is finished when the last connection closes (SQLite checkpoints and deletes the WAL)', async () => {
    await createCustomers()
    const forgotten = [subjectId(11)]
    const samples = samplesOf(forgotten)
    const keys = await keysOf(forgotten)
    const snapshot = holdSnapshot(reader)
    expect((await store.forget(subjectId(11))).state).toBe('pending')
    snapshot.release()
    reader.close()
    await store.close()
    expect(existsSync(`${file.path}-wal`)).toBe(false)
    expect(scanForKeys(sqliteFiles(file.path), samples)).toEqual([])
    expect(holding(sqliteFiles(file.path), keys)).toEqual([])
  })

  it('a forget inside a transaction of the store is pending until completeErasure() after the commit', async () => {
    await createCustomers()
    const keys = await keysOf([subjectId(5)])
    reader.close()
    const erasure = await store.sqliteLog.transaction((tx) => sqliteKeyVault(tx).forget(subjectId(5)))
    expect(erasure.state).toBe('pending')
    expect(erasure.reason).toContain('transaction')
    expect(await store.keyVault.existingKey(subjectId(5))).toBeNull()
    expect(await store.keyVault.completeErasure()).toEqual({ state: 'complete', reason: null })
    expect(holding(sqliteFiles(file.path), keys)).toEqual([])
  })

  it("leaves the connection's own secure_delete setting as it was", async () => {
    store.database.pragma('secure_delete = FAST')
    await store.appendToStream('customer-x', [order('x')])
    await store.forget('x')
    expect(store.database.pragma('secure_delete', { simple: true })).toBe(2)
  })
})
