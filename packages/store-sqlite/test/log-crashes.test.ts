import { spawn } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { verify } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { openSqliteEventLog } from '../src/index.js'
import { all, collect, pendingNote } from './pending.js'
import { freshLogPerTest } from './temp-file.js'

const fresh = freshLogPerTest()

describe('crashes', () => {
  it('a copy of the files taken while the store is open (as after a crash) holds every committed append', async () => {
    for (let i = 0; i < 20; i++) await fresh.log.append(`order-${i % 3}`, [pendingNote(`n${i}`)], 'any')
    expect(existsSync(`${fresh.file.path}-wal`)).toBe(true)
    const copy = join(fresh.file.dir, 'crashed.db')
    copyFileSync(fresh.file.path, copy)
    copyFileSync(`${fresh.file.path}-wal`, `${copy}-wal`)
    const reopened = openSqliteEventLog({ path: copy })
    expect(await collect(reopened.readAll(all))).toEqual(await collect(fresh.log.readAll(all)))
    expect(await verify(reopened)).toMatchObject({ ok: true })
    const next = await reopened.append('order-0', [pendingNote('after')], 7)
    expect(next[0]?.globalPosition).toBe(21n)
    await reopened.close()
  })

  it('a process killed in the middle of a transaction leaves nothing of it behind', async () => {
    await fresh.log.append('order-1', [pendingNote('a')], 'no_stream')
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
    const child = spawn(process.execPath, ['-e', script, fresh.file.path], { cwd: packageDir })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve())
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))
    await fresh.log.close()
    fresh.log = openSqliteEventLog({ path: fresh.file.path })
    expect(await fresh.log.streamVersion('order-1')).toBe(1)
    const next = await fresh.log.append('order-1', [pendingNote('b')], 1)
    expect(next[0]?.globalPosition).toBe(2n)
    expect(await verify(fresh.log)).toMatchObject({ ok: true })
  })
})
