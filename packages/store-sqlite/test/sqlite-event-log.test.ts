import { spawn } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  ConcurrencyError,
  CorruptEventError,
  chainEvents,
  fixedClock,
  StoreError,
  verify,
} from '@dealer-crm/eventsourcing'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  latestSchemaVersion,
  migrations,
  openSqliteEventLog,
  SchemaVersionError,
  type SqliteEventLog,
} from '../src/index.js'
import { all, collect, pendingNote } from './pending.js'
import { tempDatabase } from './temp-file.js'

let file: ReturnType<typeof tempDatabase>
let log: SqliteEventLog

beforeEach(() => {
  file = tempDatabase()
  log = openSqliteEventLog({ path: file.path })
})
afterEach(async () => {
  await log.close()
  file.remove()
})

describe('opening a file', () => {
  it('uses WAL with synchronous FULL by default, and NORMAL when asked', async () => {
    expect(log.database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(log.database.pragma('synchronous', { simple: true })).toBe(2)
    expect(log.synchronous).toBe('FULL')
    const other = openSqliteEventLog({ path: join(file.dir, 'normal.db'), synchronous: 'NORMAL' })
    expect(other.database.pragma('synchronous', { simple: true })).toBe(1)
    await other.close()
  })

  it('applies every migration once and records them', async () => {
    expect(log.schemaVersion).toBe(latestSchemaVersion)
    await log.close()
    log = openSqliteEventLog({ path: file.path })
    const rows = log.database
      .prepare('SELECT version FROM es_schema_migrations ORDER BY version')
      .pluck()
      .all()
    expect(rows).toEqual(migrations.map((m) => m.version))
  })

  it('upgrades a file written at an older schema version, keeping its events', async () => {
    await log.append('order-1', [pendingNote('kept')], 'no_stream')
    log.database.exec(`DROP TABLE es_dead_letters; DROP TABLE es_key_encryption; DROP TABLE es_kek_retired;
      ALTER TABLE es_subject_keys DROP COLUMN kek; ALTER TABLE es_subject_keys DROP COLUMN created_wrapped;
      ALTER TABLE es_events DROP COLUMN committed_at; DROP VIEW es_read_model_index; DROP VIEW es_read_models;
      DROP TABLE es_read_model_keys; DROP TABLE es_read_model_documents; DROP TABLE es_read_model_versions;
      DELETE FROM es_schema_migrations WHERE version > 1`)
    await log.close()
    log = openSqliteEventLog({ path: file.path })
    expect(log.schemaVersion).toBe(latestSchemaVersion)
    expect(log.database.prepare('SELECT count(*) FROM es_dead_letters').pluck().get()).toBe(0)
    expect((await collect(log.readAll(all))).map((e) => e.data)).toEqual([{ text: 'kept', tags: ['test'] }])
  })

  it('opens a file of schema version 3 (before commit times): old events commit at the latest recorded time so far', async () => {
    const path = join(file.dir, 'v3.db')
    const raw = new Database(path)
    raw.exec(
      `CREATE TABLE es_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    )
    for (const m of migrations.filter((m) => m.version <= 3)) {
      raw.exec(m.sql)
      raw
        .prepare('INSERT INTO es_schema_migrations VALUES (?, ?, ?)')
        .run(m.version, m.name, '2026-11-01T00:00:00.000Z')
    }
    // Three events as version 3 wrote them, the second by a writer whose clock was 4 s behind.
    const times = ['2026-11-22T10:00:04.000Z', '2026-11-22T10:00:00.000Z', '2026-11-22T10:00:05.000Z']
    const chained = chainEvents(
      'order-1',
      0,
      '',
      times.map((recordedAt, i) => ({ ...pendingNote(`v3-${i}`), recordedAt })),
    )
    const insert = raw.prepare(
      `INSERT INTO es_events (position, stream_name, stream_position, category, event_id, type, schema_version,
         data, recorded_at, correlation_id, causation_id, command_id, actor, prev_hash, hash)
       VALUES (?, ?, ?, 'order', ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?)`,
    )
    for (const [i, e] of chained.entries())
      insert.run(
        i + 1,
        e.streamName,
        e.streamPosition,
        e.eventId,
        e.type,
        e.schemaVersion,
        e.dataJson,
        e.recordedAt,
        JSON.stringify(e.actor),
        e.prevHash,
        e.hash,
      )
    raw.close()

    const upgraded = openSqliteEventLog({ path, clock: fixedClock('2026-11-22T09:00:00Z') })
    expect(upgraded.schemaVersion).toBe(latestSchemaVersion)
    const before = await collect(upgraded.readAll(all))
    expect(before.map((e) => e.committedAt)).toEqual([times[0], times[0], times[2]])
    // A store clock behind the last commit time commits at that time, never earlier.
    const [appended] = await upgraded.append('order-1', [pendingNote('v4')], 3)
    expect(appended!.committedAt).toBe(times[2])
    expect((await verify(upgraded)).ok).toBe(true)
    await upgraded.close()
  })

  it('refuses a file written by a newer schema version with a typed error, and leaves it alone', async () => {
    log.database
      .prepare('INSERT INTO es_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(latestSchemaVersion + 1, 'from the future', new Date().toISOString())
    await log.close()
    let error: unknown
    try {
      openSqliteEventLog({ path: file.path })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SchemaVersionError)
    expect(error).toMatchObject({
      code: 'SchemaVersionError',
      found: latestSchemaVersion + 1,
      supported: latestSchemaVersion,
    })
    const raw = new Database(file.path)
    expect(raw.prepare('SELECT max(version) FROM es_schema_migrations').pluck().get()).toBe(
      latestSchemaVersion + 1,
    )
    raw.close()
    log = openSqliteEventLog({ path: join(file.dir, 'fresh.db') })
  })

  it('uses a caller-supplied connection and never closes it', async () => {
    const db = new Database(join(file.dir, 'own.db'))
    const own = openSqliteEventLog({ database: db })
    await own.append('order-1', [pendingNote('a')], 'any')
    await own.close()
    expect(db.open).toBe(true)
    expect(db.prepare('SELECT count(*) FROM es_events').pluck().get()).toBe(1)
    db.close()
  })

  it('fails with a StoreError once closed', async () => {
    await log.close()
    await expect(log.append('order-1', [pendingNote('a')], 'any')).rejects.toBeInstanceOf(StoreError)
    await expect(log.streamVersion('order-1')).rejects.toBeInstanceOf(StoreError)
    log = openSqliteEventLog({ path: file.path })
  })
})

describe('appending', () => {
  it('numbers streams from 1 and the log from 1, and chains hashes across appends', async () => {
    const first = await log.append('order-1', [pendingNote('a'), pendingNote('b')], 'no_stream')
    const second = await log.append('order-2', [pendingNote('c')], 'no_stream')
    const third = await log.append('order-1', [pendingNote('d')], 2)
    expect(first.map((e) => [e.streamPosition, e.globalPosition])).toEqual([
      [1, 1n],
      [2, 2n],
    ])
    expect(second[0]?.globalPosition).toBe(3n)
    expect(third[0]?.prevHash).toBe(first[1]?.hash)
    expect(await collect(log.readAll(all))).toEqual([...first, ...second, ...third])
    expect(await verify(log)).toMatchObject({ ok: true })
  })

  it('rolls back everything when the inTransaction callback throws, sync or async', async () => {
    log.database.exec('CREATE TABLE notes (text TEXT)')
    const insertNote = (text: string) => log.database.prepare('INSERT INTO notes VALUES (?)').run(text)
    await expect(
      log.append('order-1', [pendingNote('a')], 'any', () => {
        insertNote('a')
        throw new Error('projection failed')
      }),
    ).rejects.toThrow('projection failed')
    await expect(
      log.append('order-1', [pendingNote('b')], 'any', async (_stored, tx) => {
        tx.prepare('INSERT INTO notes VALUES (?)').run('b')
        await new Promise((r) => setTimeout(r, 5))
        throw new Error('async projection failed')
      }),
    ).rejects.toThrow('async projection failed')
    expect(await log.streamVersion('order-1')).toBe(0)
    expect(log.database.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0)
    expect(log.database.inTransaction).toBe(false)
    const ok = await log.append('order-1', [pendingNote('c')], 'no_stream')
    expect(ok[0]?.globalPosition).toBe(1n)
  })

  it('hides an append whose async inline work is in flight from readers, and serialises the next append', async () => {
    let fail: (error: Error) => void = () => undefined
    const gate = new Promise<void>((_, reject) => {
      fail = reject
    })
    const slow = log.append('order-1', [pendingNote('slow')], 'no_stream', () => gate)
    const version = log.streamVersion('order-1')
    const events = collect(log.readAll(all))
    const next = log.append('order-1', [pendingNote('next')], 'no_stream')
    await new Promise((r) => setTimeout(r, 20))
    fail(new Error('rolled back'))
    await expect(slow).rejects.toThrow('rolled back')
    expect(await version).toBe(0)
    expect(await events).toEqual([])
    expect((await next)[0]?.globalPosition).toBe(1n)
  })

  it('runs many async transactions, appends and reads that arrive together without overlapping', async () => {
    const tick = () => new Promise<void>((r) => setTimeout(r, 1))
    const work: Promise<unknown>[] = []
    for (let i = 0; i < 10; i++) {
      work.push(log.append(`order-${i % 3}`, [pendingNote(`a${i}`)], 'any', () => tick()))
      work.push(
        log.transaction(async (tx) => {
          await tick()
          return tx.prepare('SELECT count(*) FROM es_events').pluck().get()
        }),
      )
      work.push(log.append(`order-${i % 3}`, [pendingNote(`b${i}`)], 'any'))
      work.push(log.streamVersion(`order-${i % 3}`))
    }
    const results = await Promise.allSettled(work)
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    const positions = (await collect(log.readAll(all))).map((e) => e.globalPosition)
    expect(positions).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)))
    expect(await verify(log)).toMatchObject({ ok: true })
  })

  it('reports a failure of the engine itself as a StoreError, writing nothing', async () => {
    const unserialisable = { ...pendingNote('a'), data: { amount: 1n } }
    const error = await log.append('order-1', [pendingNote('ok'), unserialisable], 'any').catch((e) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as Error).message).toMatch(/append to order-1 failed/)
    expect(await log.streamVersion('order-1')).toBe(0)
  })

  it('calls listeners after commit, when the events are readable', async () => {
    const seen: number[] = []
    const stop = log.onAppended(() => {
      seen.push(Number(log.database.prepare('SELECT count(*) FROM es_events').pluck().get()))
    })
    await log.append('order-1', [pendingNote('a'), pendingNote('b')], 'any')
    await expect(log.append('order-1', [pendingNote('c')], 'no_stream')).rejects.toBeInstanceOf(
      ConcurrencyError,
    )
    stop()
    await log.append('order-1', [pendingNote('d')], 'any')
    expect(seen).toEqual([2])
  })

  it('serialises writers on two connections to the same file (as two processes would)', async () => {
    const other = openSqliteEventLog({ path: file.path })
    await log.append('order-1', [pendingNote('a')], 'no_stream')
    const results = await Promise.allSettled([
      log.append('order-1', [pendingNote('x')], 1),
      other.append('order-1', [pendingNote('y')], 1),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    await other.append('order-2', [pendingNote('b')], 'any')
    const positions = (await collect(log.readAll(all))).map((e) => e.globalPosition)
    expect(positions).toEqual([1n, 2n, 3n])
    await other.close()
  })
})

describe('reading', () => {
  beforeEach(async () => {
    for (let i = 0; i < 5; i++) {
      await log.append('order-1', [pendingNote(`o${i}`)], 'any')
      await log.append(`customer-${i}`, [pendingNote(`c${i}`)], 'any')
    }
  })

  it('pages readAll by key in any batch size, within bounds and filters', async () => {
    const everything = await collect(log.readAll(all))
    expect(everything.map((e) => e.globalPosition)).toEqual(
      Array.from({ length: 10 }, (_, i) => BigInt(i + 1)),
    )
    for (const batchSize of [1, 3, 10, 11])
      expect(await collect(log.readAll({ ...all, batchSize }))).toEqual(everything)
    const bounded = await collect(log.readAll({ ...all, from: 3n, to: 7n, batchSize: 2 }))
    expect(bounded.map((e) => e.globalPosition)).toEqual([3n, 4n, 5n, 6n, 7n])
    const customers = await collect(log.readAll({ ...all, categories: ['customer'], batchSize: 2 }))
    expect(customers.map((e) => e.streamName)).toEqual([0, 1, 2, 3, 4].map((i) => `customer-${i}`))
    expect(await collect(log.readAll({ ...all, types: ['Other'] }))).toEqual([])
  })

  it('pages readStream with from, to and maxCount', async () => {
    const small = openSqliteEventLog({ path: file.path, readBatchSize: 2 })
    const stream = await collect(small.readStream('order-1', { from: 2, to: 5, maxCount: 3 }))
    expect(stream.map((e) => e.streamPosition)).toEqual([2, 3, 4])
    expect(await collect(small.readStream('order-1', { from: 1, to: 100, maxCount: 100 }))).toHaveLength(5)
    await small.close()
  })
})

describe('corrupt rows', () => {
  const corrupt = async (set: string) => {
    await log.append('order-1', [pendingNote('a'), pendingNote('b'), pendingNote('c')], 'no_stream')
    log.database.prepare(`UPDATE es_events SET ${set} WHERE stream_position = 2`).run()
  }
  const failure = async (items: AsyncIterable<unknown>) => {
    const seen: unknown[] = []
    try {
      for await (const item of items) seen.push(item)
    } catch (error) {
      return { seen, error }
    }
    throw new Error('expected the read to fail')
  }

  it.each([
    ['invalid JSON data', "data = '{not json'", /data is not valid JSON/],
    ['a non-numeric schema version', "schema_version = 'one'", /schema version/],
    ['an actor that is not an object', "actor = '42'", /actor/],
    ['a hash that is not text', "hash = X'00'", /required column/],
  ])(
    '%s stops readAll and readStream with a CorruptEventError naming stream and position',
    async (_, set, reason) => {
      await corrupt(set)
      for (const read of [log.readAll(all), log.readStream('order-1', { from: 1, to: 10, maxCount: 10 })]) {
        const { seen, error } = await failure(read)
        expect(seen).toHaveLength(1)
        expect(error).toBeInstanceOf(CorruptEventError)
        expect(error).toMatchObject({ code: 'CorruptEvent', streamName: 'order-1', streamPosition: 2 })
        expect((error as Error).message).toMatch(reason)
      }
    },
  )

  it('a non-numeric stream position is reported with the stream and global position', async () => {
    await corrupt("stream_position = 'two'")
    const { error } = await failure(log.readAll(all))
    expect(error).toMatchObject({ code: 'CorruptEvent', streamName: 'order-1', globalPosition: 2n })
  })
})

describe('hash verification on read (verifyHashes)', () => {
  const failure = async (items: AsyncIterable<unknown>) => {
    try {
      for await (const _ of items);
    } catch (error) {
      return error
    }
    throw new Error('expected the read to fail')
  }

  it('names an event whose content was altered after it was written', async () => {
    await log.append('order-1', [pendingNote('a'), pendingNote('b'), pendingNote('c')], 'no_stream')
    log.database
      .prepare(`UPDATE es_events SET data = json_set(data, '$.text', 'forged') WHERE stream_position = 2`)
      .run()
    const checked = openSqliteEventLog({ path: file.path, verifyHashes: true })
    for (const read of [checked.readAll(all), checked.readStream('order-1', { from: 1, to: 9, maxCount: 9 })])
      expect(await failure(read)).toMatchObject({
        code: 'CorruptEvent',
        streamName: 'order-1',
        streamPosition: 2,
        globalPosition: 2n,
      })
    expect(await collect(log.readAll(all))).toHaveLength(3)
    await checked.close()
  })

  it('names the event after a removed one as a broken link in readStream', async () => {
    await log.append('order-1', [pendingNote('a'), pendingNote('b'), pendingNote('c')], 'no_stream')
    log.database.prepare('DELETE FROM es_events WHERE stream_position = 2').run()
    const checked = openSqliteEventLog({ path: file.path, verifyHashes: true })
    const error = await failure(checked.readStream('order-1', { from: 1, to: 9, maxCount: 9 }))
    expect(error).toMatchObject({ code: 'CorruptEvent', streamName: 'order-1', streamPosition: 3 })
    expect((error as Error).message).toMatch(/hash chain is broken/)
    await checked.close()
  })
})

describe('crashes', () => {
  it('a copy of the files taken while the store is open (as after a crash) holds every committed append', async () => {
    for (let i = 0; i < 20; i++) await log.append(`order-${i % 3}`, [pendingNote(`n${i}`)], 'any')
    expect(existsSync(`${file.path}-wal`)).toBe(true)
    const copy = join(file.dir, 'crashed.db')
    copyFileSync(file.path, copy)
    copyFileSync(`${file.path}-wal`, `${copy}-wal`)
    const reopened = openSqliteEventLog({ path: copy })
    expect(await collect(reopened.readAll(all))).toEqual(await collect(log.readAll(all)))
    expect(await verify(reopened)).toMatchObject({ ok: true })
    const next = await reopened.append('order-0', [pendingNote('after')], 7)
    expect(next[0]?.globalPosition).toBe(21n)
    await reopened.close()
  })

  it('a process killed in the middle of a transaction leaves nothing of it behind', async () => {
    await log.append('order-1', [pendingNote('a')], 'no_stream')
    const script = `
      const Database = require('better-sqlite3')
      const db = new Database(process.argv[1])
      db.exec('BEGIN IMMEDIATE')
      const insert = db.prepare("INSERT INTO es_events (position, stream_name, stream_position, category, event_id, type, schema_version, data, recorded_at, prev_hash, hash) VALUES (?, 'order-1', ?, 'order', 'x', 'NoteAdded', 1, '{}', 't', '', '')")
      for (let i = 2; i < 1000; i++) insert.run(i, i)
      process.stdout.write('inside\\n')
      setInterval(() => {}, 1000)
    `
    const packageDir = fileURLToPath(new URL('..', import.meta.url))
    const child = spawn(process.execPath, ['-e', script, file.path], { cwd: packageDir })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve())
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))
    await log.close()
    log = openSqliteEventLog({ path: file.path })
    expect(await log.streamVersion('order-1')).toBe(1)
    const next = await log.append('order-1', [pendingNote('b')], 1)
    expect(next[0]?.globalPosition).toBe(2n)
    expect(await verify(log)).toMatchObject({ ok: true })
  })
})
