import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  fileKeyEncryptionKeys,
  isErased,
  type KeyEncryptionKeys,
  type Sealed,
  unseal,
  unwrapKey,
} from '@dealer-crm/eventsourcing'
import { CarOrdered, type ConformanceEvent, conformanceRegistry } from '@dealer-crm/testing'
import type * as t from 'io-ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresEventStore, type PostgresEventStore, postgresKeyVault } from '../src/index.js'
import { migrations } from '../src/schema.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { collect } from './pending.js'
import { holds, type ServerFiles, serverFiles } from './server-files.js'

const available = await serverAvailable()

const nameOf = (subject: string) => `客户 ${subject} 的名字`
const order = (subject: string) =>
  CarOrdered.make({
    orderId: `o-${subject}`,
    amountFen: 100 as t.Int,
    customer: { subjectId: subject, name: nameOf(subject), phone: '13900000000' },
  })

describe.skipIf(!available)('forget on PostgreSQL', () => {
  const pool = testPool(4)
  const schemas: string[] = []
  const directories: string[] = []
  let files: ServerFiles | string

  const kekFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-kek-'))
    directories.push(dir)
    return join(dir, 'keys.json')
  }

  const open = async (keyEncryptionKeys?: KeyEncryptionKeys, schema = freshSchema('forget')) => {
    if (!schemas.includes(schema)) schemas.push(schema)
    return createPostgresEventStore<ConformanceEvent>({
      pool,
      schema,
      registry: conformanceRegistry,
      ...(keyEncryptionKeys === undefined ? {} : { keyEncryptionKeys }),
    })
  }

  const customers = async (store: PostgresEventStore<ConformanceEvent>, count: number, prefix = 'c') => {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`)
    await Promise.all(
      ids.map((s) => store.appendToStream(`customer-${s}`, [order(s)], { expectedVersion: 'no_stream' })),
    )
    return ids
  }

  /** The wrapped key of a subject as its row holds it now, with the version it is wrapped under. */
  const wrappedRow = async (schema: string, subject: string) =>
    (
      await pool.query<{ key: Buffer; kek: string }>(
        `SELECT key, kek FROM ${schema}.subject_keys WHERE subject_id = $1`,
        [subject],
      )
    ).rows[0]!

  const sealedName = async (
    store: PostgresEventStore<ConformanceEvent>,
    subject: string,
  ): Promise<Sealed> => {
    for await (const e of store.log.readStream(`customer-${subject}`, { from: 1, to: 1, maxCount: 1 }))
      return (e.data as { customer: { name: { $enc: Sealed } } }).customer.name.$enc
    throw new Error(`no event of ${subject}`)
  }

  beforeAll(async () => {
    files = await serverFiles(pool)
    if (typeof files === 'string') process.stdout.write(`skipping the file-level checks: ${files}\n`)
  })
  afterAll(async () => {
    for (const s of schemas) await dropSchema(pool, s)
    await pool.end()
    for (const d of directories) rmSync(d, { recursive: true, force: true })
  })

  it('without key-encryption keys, forget is logical: the key stays in the dead row and in the WAL', async (context) => {
    const store = await open()
    const [subject] = await customers(store, 50)
    const key = (await store.keyVault.existingKey(subject!))!
    const erasure = await store.forget(subject!)
    expect(erasure.state).toBe('logical')
    expect(erasure.reason).toContain('dead row versions')
    expect(await store.keyVault.existingKey(subject!)).toBeNull()
    if (typeof files === 'string') return context.skip(files)
    expect(holds(await files.relation(`${store.schema}.subject_keys`), key)).toBe(true)
    // VACUUM may or may not overwrite the dead row's bytes (PostgreSQL promises nothing); the WAL
    // record of the insert keeps the key until the segment is recycled, and archives keep it longer.
    await pool.query(`VACUUM ${store.schema}.subject_keys`)
    expect(holds(await files.wal(), key)).toBe(true)
    await store.close()
  })

  it('with key-encryption keys, no copy of the forgotten key unwraps: stale rows and WAL records are wrapped under a destroyed version', async (context) => {
    const holder = fileKeyEncryptionKeys(kekFile())
    const store = await open(holder)
    const subjects = await customers(store, 120)
    const forgotten = [subjects[7]!, subjects[70]!]
    const keys = await Promise.all(forgotten.map(async (s) => (await store.keyVault.existingKey(s))!))
    const before = await Promise.all(forgotten.map((s) => wrappedRow(store.schema, s)))
    const destroyed = { id: before[0]!.kek, key: (await holder.get(before[0]!.kek))! }
    const sealed = await Promise.all(forgotten.map((s) => sealedName(store, s)))

    for (const s of forgotten) expect(await store.forget(s)).toEqual({ state: 'complete', reason: null })

    // The versions the forgotten keys were wrapped under are gone from the holder and its file.
    const live = await holder.current()
    expect(live.id).not.toBe(destroyed.id)
    expect(await holder.get(destroyed.id)).toBeNull()
    expect(readFileSync(join(directories.at(-1)!, 'keys.json'), 'utf8')).not.toContain(
      Buffer.from(destroyed.key).toString('base64'),
    )
    // Everyone else still reads, under the live version; the forgotten read as erased.
    for (const s of subjects) {
      const [event] = await collect(store.readStream(`customer-${s}`))
      if (event?.type !== 'CarOrdered') throw new Error(`no order of ${s}`)
      expect(isErased(event.data.customer.name)).toBe(forgotten.includes(s))
    }
    expect((await wrappedRow(store.schema, subjects[0]!)).kek).toBe(live.id)

    if (typeof files === 'string') return context.skip(files)
    const wal = await files.wal()
    const heap = await files.relation(`${store.schema}.subject_keys`)
    // The raw keys never reached the server's files; their wrapped forms did (dead rows, WAL).
    for (const key of keys) expect(holds([...heap, ...wal], key)).toBe(false)
    expect(holds([...heap, ...wal], before[0]!.key)).toBe(true)
    // Such a stale copy is the real thing: it unwraps with the destroyed version, and with nothing
    // the holder still has.
    expect(Buffer.from(unwrapKey(destroyed, forgotten[0]!, before[0]!.key))).toEqual(Buffer.from(keys[0]!))
    expect(() => unwrapKey(live, forgotten[0]!, before[0]!.key)).toThrow()
    // Every 60-byte window of the table's file, unwrapped under the live version for a forgotten
    // subject, fails; so nothing there decrypts their sealed name.
    for (const [i, subject] of forgotten.entries())
      for (const page of heap)
        for (let offset = 0; offset + 60 <= page.length; offset++) {
          let unwrapped: Uint8Array
          try {
            unwrapped = unwrapKey(live, subject, page.subarray(offset, offset + 60))
          } catch {
            continue
          }
          expect(() => unseal(unwrapped, sealed[i]!)).toThrow()
        }
    await store.close()
  })

  it('new keys made while others are forgotten are never wrapped under a version that is then destroyed', async () => {
    const holder = fileKeyEncryptionKeys(kekFile())
    const store = await open(holder)
    const first = await customers(store, 40, 'a')
    const [, later] = await Promise.all([
      (async () => {
        for (const s of first.slice(0, 8)) expect((await store.forget(s)).state).toBe('complete')
      })(),
      customers(store, 80, 'b'),
    ])
    for (const s of [...first.slice(8), ...later]) {
      const [event] = await collect(store.readStream(`customer-${s}`))
      if (event?.type !== 'CarOrdered') throw new Error(`no order of ${s}`)
      expect(event.data.customer.name).toBe(nameOf(s))
    }
    await store.close()
  })

  it('opens a store written before keys were wrapped: old keys still read, are wrapped by the next forget, and forgetting one of them is logical', async () => {
    const schema = freshSchema('kek_v3')
    schemas.push(schema)
    await pool.query(`CREATE SCHEMA ${schema}`)
    await pool.query(`CREATE TABLE ${schema}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    for (const m of migrations.filter((m) => m.version <= 3)) {
      await pool.query(m.sql(schema))
      await pool.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ])
    }
    // Keys as the vault of version 3 stored them: as they are.
    const legacy = ['old-1', 'old-2'].map((s) => ({ s, key: Buffer.alloc(32, s.length + s.charCodeAt(4)) }))
    for (const { s, key } of legacy)
      await pool.query(`INSERT INTO ${schema}.subject_keys (subject_id, key) VALUES ($1, $2)`, [s, key])

    const holder = fileKeyEncryptionKeys(kekFile())
    const store = await open(holder, schema)
    for (const { s, key } of legacy) expect(Buffer.from((await store.keyVault.existingKey(s))!)).toEqual(key)
    await customers(store, 3)
    expect((await store.forget('c-0000')).state).toBe('complete')
    const wrapped = await wrappedRow(schema, 'old-2')
    expect(wrapped.kek).toBe((await holder.current()).id)
    expect(Buffer.from((await store.keyVault.existingKey('old-2'))!)).toEqual(legacy[1]!.key)
    const erasure = await store.forget('old-1')
    expect(erasure.state).toBe('logical')
    expect(erasure.reason).toContain('stored unwrapped before key-encryption keys')
    // A vault opened without the key-encryption keys refuses wrapped keys with a typed error.
    await expect(postgresKeyVault(pool, schema).existingKey('old-2')).rejects.toMatchObject({
      code: 'KeyEncryptionKeyMissing',
      subjectId: 'old-2',
    })
    await store.close()
  })

  it('a destruction that fails leaves the erasure pending; the next completeErasure() destroys the retired versions', async () => {
    const file = fileKeyEncryptionKeys(kekFile())
    let refuse = true
    const holder: KeyEncryptionKeys = {
      ...file,
      destroy: async (ids) => {
        if (refuse) throw new Error('the KMS is unreachable')
        await file.destroy(ids)
      },
    }
    const store = await open(holder)
    const [subject] = await customers(store, 5)
    const oldVersion = (await wrappedRow(store.schema, subject!)).kek
    const erasure = await store.forget(subject!)
    expect(erasure.state).toBe('pending')
    expect(erasure.reason).toContain('the KMS is unreachable')
    expect(await file.get(oldVersion)).not.toBeNull()
    refuse = false
    expect(await store.keyVault.completeErasure()).toEqual({ state: 'complete', reason: null })
    expect(await file.get(oldVersion)).toBeNull()
    const retired = await pool.query(`SELECT id FROM ${store.schema}.kek_retired`)
    expect(retired.rows).toEqual([])
    await store.close()
  })

  it('a forget inside the caller transaction is pending until completeErasure() after the commit', async () => {
    const holder = fileKeyEncryptionKeys(kekFile())
    const store = await open(holder)
    const [subject] = await customers(store, 5)
    const oldVersion = (await wrappedRow(store.schema, subject!)).kek
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const erasure = await postgresKeyVault(client, store.schema, { keyEncryptionKeys: holder }).forget(
        subject!,
      )
      expect(erasure.state).toBe('pending')
      // Not destroyed before the commit: a rollback would otherwise lose every key.
      expect(await holder.get(oldVersion)).not.toBeNull()
      await client.query('COMMIT')
    } finally {
      client.release()
    }
    expect(await store.keyVault.completeErasure()).toEqual({ state: 'complete', reason: null })
    expect(await holder.get(oldVersion)).toBeNull()
    expect(await store.keyVault.existingKey(subject!)).toBeNull()
    await store.close()
  })
})
