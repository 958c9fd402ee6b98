import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  fileKeyEncryptionKeys,
  type KeyEncryptionKeys,
  type Sealed,
  seal,
  unwrapKey,
} from '@dealer-crm/eventsourcing'
import { CarOrdered, type ConformanceEvent, conformanceRegistry } from '@dealer-crm/testing'
import Database from 'better-sqlite3'
import type * as t from 'io-ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteEventStore, migrations, type SqliteEventStore } from '../src/index.js'
import { holding, scanForKeys, sqliteFiles } from './key-scan.js'
import { collect } from './pending.js'
import { tempDatabase } from './temp-file.js'

const nameOf = (subject: string) => `客户 ${subject} 的名字`
const order = (subject: string) =>
  CarOrdered.make({
    orderId: `o-${subject}`,
    amountFen: 100 as t.Int,
    customer: { subjectId: subject, name: nameOf(subject), phone: '13900000000' },
  })

let file: ReturnType<typeof tempDatabase>
let holder: KeyEncryptionKeys
let store: SqliteEventStore<ConformanceEvent>

const open = (keyEncryptionKeys: KeyEncryptionKeys = holder) =>
  createSqliteEventStore<ConformanceEvent>({
    path: file.path,
    registry: conformanceRegistry,
    keyEncryptionKeys,
    synchronous: 'NORMAL',
    busyTimeoutMs: 200,
  })

const customers = async (count: number) => {
  const ids = Array.from({ length: count }, (_, i) => `c-${String(i).padStart(4, '0')}`)
  for (const s of ids)
    await store.appendToStream(`customer-${s}`, [order(s)], { expectedVersion: 'no_stream' })
  return ids
}

const row = (subject: string) =>
  store.database
    .prepare('SELECT key, kek, created_wrapped FROM es_subject_keys WHERE subject_id = ?')
    .get(subject) as {
    key: Buffer | null
    kek: string | null
    created_wrapped: number
  }

const sealedName = async (subject: string): Promise<Sealed> => {
  const [e] = await collect(store.log.readStream(`customer-${subject}`, { from: 1, to: 1, maxCount: 1 }))
  if (e === undefined) throw new Error(`no event of ${subject}`)
  return (e.data as { customer: { name: { $enc: Sealed } } }).customer.name.$enc
}

const nameReads = async (subject: string) => {
  const [e] = await collect(store.readStream(`customer-${subject}`))
  if (e?.type !== 'CarOrdered') throw new Error(`no order of ${subject}`)
  return e.data.customer.name
}

beforeEach(() => {
  file = tempDatabase()
  holder = fileKeyEncryptionKeys(join(file.dir, 'keys.json'))
  store = open()
})
afterEach(async () => {
  await store.close()
  file.remove()
})

describe('SQLite vault with key-encryption keys', () => {
  it('a copy of the files taken before the forget holds the key only wrapped under a destroyed version', async () => {
    const subjects = await customers(300)
    const forgotten = subjects[42]!
    const key = Buffer.from((await store.keyVault.existingKey(forgotten))!)
    const wrapped = row(forgotten)
    const destroyed = { id: wrapped.kek!, key: (await holder.get(wrapped.kek!))! }
    const backup = join(file.dir, 'backup.db')
    store.database.pragma('wal_checkpoint(TRUNCATE)')
    copyFileSync(file.path, backup)

    expect(await store.forget(forgotten)).toEqual({ state: 'complete', reason: null })
    expect(await holder.get(destroyed.id)).toBeNull()
    expect(row(subjects[0]!).kek).toBe((await holder.current()).id)
    expect(await nameReads(subjects[0]!)).toBe(nameOf(subjects[0]!))
    expect(await nameReads(forgotten)).toMatchObject({ erased: true })

    // The backup never held the key itself (every window tried), only its wrapped form, which
    // unwraps with the destroyed version alone.
    const sample = [{ sealed: await sealedName(forgotten), plaintext: JSON.stringify(nameOf(forgotten)) }]
    expect(scanForKeys([backup], sample)).toEqual([])
    expect(holding([backup], new Map([[forgotten, wrapped.key!]]))).toEqual([forgotten])
    expect(Buffer.from(unwrapKey(destroyed, forgotten, wrapped.key!))).toEqual(key)
    const live = await holder.current()
    expect(() => unwrapKey(live, forgotten, wrapped.key!)).toThrow()
    expect(scanForKeys(sqliteFiles(file.path), sample)).toEqual([])
  })

  it('a reader of an older snapshot does not hold the erasure back: its frames hold the key only wrapped', async () => {
    const subjects = await customers(100)
    const key = Buffer.from((await store.keyVault.existingKey(subjects[7]!))!)
    const reader = new Database(file.path, { readonly: true })
    try {
      reader.prepare('BEGIN').run()
      reader.prepare('SELECT count(*) FROM es_subject_keys').get()
      expect(await store.forget(subjects[7]!)).toEqual({ state: 'complete', reason: null })
      expect(holding(sqliteFiles(file.path), new Map([[subjects[7]!, key]]))).toEqual([])
      reader.prepare('COMMIT').run()
    } finally {
      reader.close()
    }
  })

  it('opens a file written by schema version 2 (keys stored as they are): they read, the next forget wraps them, and forgetting one is erased from the files', async () => {
    await store.close()
    file.remove()
    file = tempDatabase()
    holder = fileKeyEncryptionKeys(join(file.dir, 'keys.json'))
    // The file as version 2 of the package left it: its schema, and keys written without secure_delete.
    const old = new Database(file.path)
    old.pragma('journal_mode = WAL')
    old.exec(
      'CREATE TABLE es_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    )
    for (const m of migrations.filter((m) => m.version <= 2)) {
      old.exec(m.sql)
      old.prepare('INSERT INTO es_schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'then')
    }
    const keys = new Map(Array.from({ length: 80 }, (_, i) => [`old-${i}`, randomBytes(32)] as const))
    for (const [s, key] of keys)
      old
        .prepare('INSERT INTO es_subject_keys (subject_id, key, created_at) VALUES (?, ?, ?)')
        .run(s, key, 'then')
    old.close()

    store = open()
    for (const [s, key] of keys) expect(Buffer.from((await store.keyVault.existingKey(s))!)).toEqual(key)
    await customers(3)
    expect(await store.forget('c-0001')).toEqual({ state: 'complete', reason: null })
    expect(row('old-5').kek).toBe((await holder.current()).id)
    expect(Buffer.from((await store.keyVault.existingKey('old-5'))!)).toEqual(keys.get('old-5'))
    // A key from before: its erasure is the rewrite of the files, which leaves no copy.
    const forgotten = 'old-3'
    const plaintext = JSON.stringify(nameOf(forgotten))
    const sample = [{ sealed: seal(keys.get(forgotten)!, forgotten, plaintext), plaintext }]
    expect(await store.forget(forgotten)).toEqual({ state: 'complete', reason: null })
    expect(scanForKeys(sqliteFiles(file.path), sample)).toEqual([])
    // Without the key-encryption keys the vault refuses wrapped keys with a typed error.
    await store.close()
    store = createSqliteEventStore<ConformanceEvent>({ path: file.path, registry: conformanceRegistry })
    await expect(store.keyVault.existingKey('old-5')).rejects.toMatchObject({
      code: 'KeyEncryptionKeyMissing',
      subjectId: 'old-5',
    })
  })

  it('a destruction that fails leaves the erasure pending; completeErasure() destroys the retired versions', async () => {
    await store.close()
    const inner = holder
    let refuse = true
    holder = {
      ...inner,
      destroy: async (ids) => {
        if (refuse) throw new Error('the key file is read-only')
        await inner.destroy(ids)
      },
    }
    store = open()
    const [subject] = await customers(3)
    const oldVersion = row(subject!).kek!
    const erasure = await store.forget(subject!)
    expect(erasure.state).toBe('pending')
    expect(erasure.reason).toContain('the key file is read-only')
    expect(await inner.get(oldVersion)).not.toBeNull()
    refuse = false
    expect(await store.keyVault.completeErasure()).toEqual({ state: 'complete', reason: null })
    expect(await inner.get(oldVersion)).toBeNull()
    expect(store.database.prepare('SELECT count(*) FROM es_kek_retired').pluck().get()).toBe(0)
    expect(existsSync(join(file.dir, 'keys.json'))).toBe(true)
  })
})
