/**
 * What erasing forgotten keys costs (docs/performance.md, "Forget"), in one process:
 *
 * - appends that each make a new subject key (a new customer's first event with a personal field):
 *   our SQLite vault (key inserts with secure_delete on) against the same store with the vault's
 *   insert as it was before 2026-12-02 (secure_delete off), and with key-encryption keys; our
 *   PostgreSQL vault without and with key-encryption keys. Round by round, best round kept.
 * - one forget in a vault of `--keys` keys (default 20,000): SQLite (tombstone, table rewrite,
 *   WAL truncation), SQLite and PostgreSQL with key-encryption keys (re-wrap of every key, new
 *   version, destruction of the old), PostgreSQL without (a tombstone only). Median and slowest.
 *
 *   pnpm --filter @dealer-crm/bench forget [--keys 20000] [--forgets 7] [--appends 1000] [--rounds 3]
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  eventRegistry,
  eventType,
  fileKeyEncryptionKeys,
  type KeyEncryptionKeys,
  type KeyVault,
  personal,
  wrapKey,
} from '@dealer-crm/eventsourcing'
import { createPostgresEventStore, type PostgresEventStore } from '@dealer-crm/store-postgres'
import { createSqliteEventStore, type SqliteEventStore, sqliteKeyVault } from '@dealer-crm/store-sqlite'
import type Database from 'better-sqlite3'
import * as t from 'io-ts'
import pg from 'pg'

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '20000' },
    forgets: { type: 'string', default: '7' },
    appends: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
  },
})
const count = (name: keyof typeof args, min: number): number => {
  const n = Number(args[name])
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer of at least ${min}, not ${JSON.stringify(args[name])}`)
  return n
}
const keys = count('keys', 10)
const forgets = count('forgets', 1)
const appends = count('appends', 10)
const rounds = count('rounds', 1)
const pgUrl = process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const CustomerNamed = eventType('CustomerNamed', t.type({ customerId: t.string, name: personal(t.string) }), {
  subject: (d) => d.customerId,
})
const registry = eventRegistry([CustomerNamed])
type E = NonNullable<(typeof registry)['_E']>
type Store = SqliteEventStore<E> | PostgresEventStore<E>

/** The SQLite vault's key insert as it was before 2026-12-02: secure_delete left off. */
const vaultWithoutSecureDelete = (
  db: Database.Database,
  run: SqliteEventStore['sqliteLog']['run'],
): KeyVault => {
  const own = sqliteKeyVault(db, { gate: run })
  return {
    ...own,
    keyFor: async (subjectId) => {
      const found = await own.existingKey(subjectId)
      if (found !== null) return found
      const created = new Uint8Array(randomBytes(32))
      await run(() =>
        db
          .prepare('INSERT INTO es_subject_keys (subject_id, key, created_at) VALUES (?, ?, ?)')
          .run(subjectId, Buffer.from(created), new Date().toISOString()),
      )
      return created
    },
  }
}

interface Opened {
  readonly name: string
  readonly store: Store
  readonly kek: KeyEncryptionKeys | undefined
  readonly close: () => Promise<void>
}

const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-bench-forget-'))
const pool = new pg.Pool({ connectionString: pgUrl, max: 4 })
let schemas = 0

const openSqlite = (name: string, options: { kek?: boolean; plain?: boolean } = {}): Opened => {
  const path = join(dir, `${name.replace(/\W+/g, '-')}-${schemas++}.db`)
  const kek = options.kek === true ? fileKeyEncryptionKeys(`${path}.keys.json`) : undefined
  const base = createSqliteEventStore({
    path,
    registry,
    ...(kek === undefined ? {} : { keyEncryptionKeys: kek }),
  })
  const store =
    options.plain === true
      ? createSqliteEventStore({
          path,
          registry,
          keyVault: vaultWithoutSecureDelete(base.database, base.sqliteLog.run),
        })
      : base
  return {
    name,
    store,
    kek,
    close: async () => {
      if (store !== base) await store.close()
      await base.close()
    },
  }
}

const openPostgres = async (name: string, kek: boolean): Promise<Opened> => {
  const schema = `bench_forget_${process.pid}_${schemas++}`
  const holder = kek ? fileKeyEncryptionKeys(join(dir, `${schema}.keys.json`)) : undefined
  const store = await createPostgresEventStore({
    pool,
    schema,
    registry,
    ...(holder === undefined ? {} : { keyEncryptionKeys: holder }),
  })
  return {
    name,
    store,
    kek: holder,
    close: async () => {
      await store.close()
      await pool.query(`DROP SCHEMA ${schema} CASCADE`)
    },
  }
}

const named = (i: number) => CustomerNamed.make({ customerId: `c-${i}`, name: `客户 ${i}` })

/** Appends per second, each to a new customer (so each makes a key), best of the rounds. */
const keyMakingAppends = async () => {
  const contenders: Array<[string, () => Promise<Opened>]> = [
    ['SQLite (key inserts with secure_delete)', async () => openSqlite('sqlite')],
    ['SQLite (key inserts without, before)', async () => openSqlite('plain', { plain: true })],
    ['SQLite + key-encryption keys', async () => openSqlite('sqlite-kek', { kek: true })],
    ['PostgreSQL', () => openPostgres('pg', false)],
    ['PostgreSQL + key-encryption keys', () => openPostgres('pg-kek', true)],
  ]
  const best = new Map<string, number>()
  for (let round = 0; round < rounds; round++)
    for (const [name, open] of contenders) {
      const opened = await open()
      const started = performance.now()
      for (let i = 0; i < appends; i++)
        await opened.store.appendToStream(`customer-${i}`, [named(i)], { expectedVersion: 'no_stream' })
      const perSecond = appends / ((performance.now() - started) / 1000)
      await opened.close()
      best.set(name, Math.max(best.get(name) ?? 0, perSecond))
    }
  console.log(`\nappends that each make a new key (${appends} appends, best of ${rounds} rounds)`)
  for (const [name, perSecond] of best) console.log(`  ${name.padEnd(42)} ${Math.round(perSecond)} appends/s`)
}

/** Fill the vault with `keys` keys in one transaction, as its own inserts would leave them. */
const fill = async (opened: Opened) => {
  const version = opened.kek === undefined ? null : await opened.kek.current()
  const rows = Array.from({ length: keys }, (_, i) => {
    const subject = `c-${i}`
    const key = randomBytes(32)
    return { subject, key: version === null ? key : Buffer.from(wrapKey(version, subject, key)) }
  })
  const store = opened.store
  if ('sqliteLog' in store) {
    await store.sqliteLog.transaction((db) => {
      const insert = db.prepare(
        'INSERT INTO es_subject_keys (subject_id, key, created_at, kek, created_wrapped) VALUES (?, ?, ?, ?, ?)',
      )
      for (const r of rows)
        insert.run(r.subject, r.key, 'bench', version?.id ?? null, version === null ? 0 : 1)
      if (version !== null)
        db.prepare('INSERT INTO es_key_encryption (id, current_kek) VALUES (1, ?)').run(version.id)
    })
    store.database.pragma('wal_checkpoint(TRUNCATE)')
  } else
    await store.pool.query(
      `INSERT INTO ${store.schema}.subject_keys (subject_id, key, kek, created_wrapped)
       SELECT s, k, $3, $4 FROM unnest($1::text[], $2::bytea[]) AS u(s, k)`,
      [rows.map((r) => r.subject), rows.map((r) => r.key), version?.id ?? null, version !== null],
    )
}

const forgetTimes = async () => {
  console.log(`\none forget in a vault of ${keys} keys (${forgets} forgets: median, slowest)`)
  const cases: Array<[string, () => Promise<Opened>]> = [
    ['SQLite (rewrite + WAL truncation)', async () => openSqlite('forget-sqlite')],
    ['SQLite + key-encryption keys', async () => openSqlite('forget-sqlite-kek', { kek: true })],
    ['PostgreSQL (tombstone only)', () => openPostgres('forget-pg', false)],
    ['PostgreSQL + key-encryption keys', () => openPostgres('forget-pg-kek', true)],
  ]
  for (const [name, open] of cases) {
    const opened = await open()
    await fill(opened)
    const times: number[] = []
    for (let i = 0; i < forgets; i++) {
      const started = performance.now()
      const erasure = await opened.store.forget(`c-${i * 97}`)
      times.push(performance.now() - started)
      if (erasure.state === 'pending') throw new Error(`${name}: the erasure is pending: ${erasure.reason}`)
    }
    await opened.close()
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)] as number
    console.log(`  ${name.padEnd(42)} ${median.toFixed(1)} ms, ${(times.at(-1) as number).toFixed(1)} ms`)
  }
}

try {
  await keyMakingAppends()
  await forgetTimes()
} finally {
  await pool.end()
  rmSync(dir, { recursive: true, force: true })
}
