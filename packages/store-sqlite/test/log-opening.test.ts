import { join } from 'node:path'
import { chainEvents, fixedClock, StoreError, verify } from '@dealer-crm/eventsourcing'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { latestSchemaVersion, migrations, openSqliteEventLog, SchemaVersionError } from '../src/index.js'
import { all, collect, pendingNote } from './pending.js'
import { freshLogPerTest } from './temp-file.js'

const fresh = freshLogPerTest()

describe('opening a file', () => {
  it('uses WAL with synchronous FULL by default, and NORMAL when asked', async () => {
    expect(fresh.log.database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(fresh.log.database.pragma('synchronous', { simple: true })).toBe(2)
    expect(fresh.log.synchronous).toBe('FULL')
    const other = openSqliteEventLog({ path: join(fresh.file.dir, 'normal.db'), synchronous: 'NORMAL' })
    expect(other.database.pragma('synchronous', { simple: true })).toBe(1)
    await other.close()
  })

  it('applies every migration once and records them', async () => {
    expect(fresh.log.schemaVersion).toBe(latestSchemaVersion)
    await fresh.log.close()
    fresh.log = openSqliteEventLog({ path: fresh.file.path })
    const rows = fresh.log.database
      .prepare('SELECT version FROM es_schema_migrations ORDER BY version')
      .pluck()
      .all()
    expect(rows).toEqual(migrations.map((m) => m.version))
  })

  it('upgrades a file written at an older schema version, keeping its events', async () => {
    await fresh.log.append('order-1', [pendingNote('kept')], 'no_stream')
    fresh.log.database.exec(`DROP TABLE es_dead_letters; DROP TABLE es_key_encryption; DROP TABLE es_kek_retired;
      ALTER TABLE es_subject_keys DROP COLUMN kek; ALTER TABLE es_subject_keys DROP COLUMN created_wrapped;
      ALTER TABLE es_events DROP COLUMN committed_at; ALTER TABLE es_events DROP COLUMN traceparent; DROP VIEW es_read_model_index; DROP VIEW es_read_models;
      DROP TABLE es_read_model_keys; DROP TABLE es_read_model_documents; DROP TABLE es_read_model_versions;
      DROP TABLE es_tenant; DELETE FROM es_schema_migrations WHERE version > 1`)
    await fresh.log.close()
    fresh.log = openSqliteEventLog({ path: fresh.file.path })
    expect(fresh.log.schemaVersion).toBe(latestSchemaVersion)
    expect(fresh.log.database.prepare('SELECT count(*) FROM es_dead_letters').pluck().get()).toBe(0)
    expect((await collect(fresh.log.readAll(all))).map((e) => e.data)).toEqual([
      { text: 'kept', tags: ['test'] },
    ])
  })

  it('opens a file of schema version 3 (before commit times): old events commit at the latest recorded time so far', async () => {
    const path = join(fresh.file.dir, 'v3.db')
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

  it('opens a file of schema version 5 (before trace contexts): its events read with none, new ones keep theirs', async () => {
    const path = join(fresh.file.dir, 'v5.db')
    const raw = new Database(path)
    raw.exec(
      `CREATE TABLE es_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    )
    for (const m of migrations.filter((m) => m.version <= 5)) {
      raw.exec(m.sql)
      raw
        .prepare('INSERT INTO es_schema_migrations VALUES (?, ?, ?)')
        .run(m.version, m.name, '2026-11-01T00:00:00.000Z')
    }
    // Two events as version 5 wrote them: every column it had, and no trace context.
    const chained = chainEvents('order-1', 0, '', [pendingNote('v5-0'), pendingNote('v5-1')])
    const insert = raw.prepare(
      `INSERT INTO es_events (position, stream_name, stream_position, category, event_id, type, schema_version,
         data, recorded_at, correlation_id, causation_id, command_id, actor, prev_hash, hash, committed_at)
       VALUES (?, ?, ?, 'order', ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?)`,
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
        e.recordedAt,
      )
    raw.close()

    const upgraded = openSqliteEventLog({ path })
    expect(upgraded.schemaVersion).toBe(latestSchemaVersion)
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    await upgraded.append('order-1', [{ ...pendingNote('v6'), traceparent }], 2)
    const events = await collect(upgraded.readAll(all))
    expect(events.map((e) => e.traceparent)).toEqual([null, null, traceparent])
    expect((await verify(upgraded)).ok).toBe(true)
    await upgraded.close()
  })

  it('refuses a file written by a newer schema version with a typed error, and leaves it alone', async () => {
    fresh.log.database
      .prepare('INSERT INTO es_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(latestSchemaVersion + 1, 'from the future', new Date().toISOString())
    await fresh.log.close()
    let error: unknown
    try {
      openSqliteEventLog({ path: fresh.file.path })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SchemaVersionError)
    expect(error).toMatchObject({
      code: 'SchemaVersionError',
      found: latestSchemaVersion + 1,
      supported: latestSchemaVersion,
    })
    const raw = new Database(fresh.file.path)
    expect(raw.prepare('SELECT max(version) FROM es_schema_migrations').pluck().get()).toBe(
      latestSchemaVersion + 1,
    )
    raw.close()
    fresh.log = openSqliteEventLog({ path: join(fresh.file.dir, 'fresh.db') })
  })

  it('uses a caller-supplied connection and never closes it', async () => {
    const db = new Database(join(fresh.file.dir, 'own.db'))
    const own = openSqliteEventLog({ database: db })
    await own.append('order-1', [pendingNote('a')], 'any')
    await own.close()
    expect(db.open).toBe(true)
    expect(db.prepare('SELECT count(*) FROM es_events').pluck().get()).toBe(1)
    db.close()
  })

  it('fails with a StoreError once closed', async () => {
    await fresh.log.close()
    await expect(fresh.log.append('order-1', [pendingNote('a')], 'any')).rejects.toBeInstanceOf(StoreError)
    await expect(fresh.log.streamVersion('order-1')).rejects.toBeInstanceOf(StoreError)
    fresh.log = openSqliteEventLog({ path: fresh.file.path })
  })
})
