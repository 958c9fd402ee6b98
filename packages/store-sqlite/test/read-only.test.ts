import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readWholeLog } from '@dealer-crm/eventsourcing'
import { conformanceRegistry } from '@dealer-crm/testing'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteEventStore, NotAStoreError, openSqliteEventLog } from '../src/index.js'
import { collect, pendingNote } from './pending.js'
import { tempDatabase } from './temp-file.js'

// ADR 0016: a store opened read-only never migrates, never sets a pragma that writes, and refuses a
// file that is not a store of the latest schema, leaving it byte for byte as it was.

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

/** Every file of the folder with its checksum and modification time. */
const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, { sha: sha256(join(dir, f)), mtime: statSync(join(dir, f)).mtimeMs }]),
  )

let file: ReturnType<typeof tempDatabase>
beforeEach(() => {
  file = tempDatabase()
})
afterEach(() => {
  chmodSync(file.dir, 0o700)
  file.remove()
})

const writeStore = async () => {
  const store = createSqliteEventStore({ path: file.path, registry: conformanceRegistry })
  await store.log.append('order-1', [pendingNote('a'), pendingNote('b')], 0)
  await store.close()
}

describe('a read-only open', () => {
  it('refuses a SQLite file of another application in one line, and leaves it and its journal mode as they were', () => {
    const other = new Database(file.path)
    other.exec(
      'CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER); INSERT INTO invoices VALUES (1, 990)',
    )
    expect(other.pragma('journal_mode', { simple: true })).toBe('delete')
    other.close()
    const before = snapshot(file.dir)
    let thrown: unknown
    try {
      openSqliteEventLog({ path: file.path, readOnly: true })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(NotAStoreError)
    expect((thrown as Error).message).toBe(
      `${file.path} is not a dealer-crm event store (it has no es_schema_migrations table); nothing was changed`,
    )
    expect(snapshot(file.dir)).toEqual(before)
    const again = new Database(file.path, { readonly: true })
    expect(again.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(again.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'es_%'").all()).toEqual([])
    again.close()
  })

  it('refuses a missing file and creates nothing', () => {
    expect(() => openSqliteEventLog({ path: file.path, readOnly: true })).toThrow()
    expect(existsSync(file.path)).toBe(false)
  })

  it('reads a store without changing its file, and refuses to append', async () => {
    await writeStore()
    const before = sha256(file.path)
    const log = openSqliteEventLog({ path: file.path, readOnly: true })
    expect((await collect(readWholeLog(log))).map((e) => e.streamPosition)).toEqual([1, 2])
    await expect(log.append('order-1', [pendingNote('c')], 2)).rejects.toThrow(/readonly/i)
    await log.close()
    expect(sha256(file.path)).toBe(before)
  })

  it('reads a read-only file in a read-only folder, and writes nothing to it', async () => {
    await writeStore()
    chmodSync(file.path, 0o444)
    chmodSync(file.dir, 0o555)
    const before = snapshot(file.dir)
    const store = createSqliteEventStore({ path: file.path, registry: conformanceRegistry, readOnly: true })
    expect(await store.streamVersion('order-1')).toBe(2)
    expect((await collect(readWholeLog(store.log))).length).toBe(2)
    await store.close()
    // Root ignores permissions: there SQLite's read-only mode is what keeps the file as it was (it
    // may add the WAL index files a WAL-mode reader needs beside it). Any other user cannot create
    // them in the folder: the file is then opened immutable and the folder stays exactly as it was.
    const after = snapshot(file.dir)
    expect(after['events.db']).toEqual(before['events.db'])
    if (process.getuid?.() !== 0) expect(after).toEqual(before)
    const check = new Database(file.path, { readonly: true })
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal')
    check.close()
  })

  it('reads it as a user who may not write there (run as nobody when the tests run as root)', async () => {
    await writeStore()
    chmodSync(file.path, 0o444)
    chmodSync(file.dir, 0o555)
    const before = snapshot(file.dir)
    // The built package, as a user would load it; as root the child drops to nobody (uid 65534).
    const entry = fileURLToPath(new URL('../dist/esm/index.js', import.meta.url))
    const script = `const { openSqliteEventLog } = await import(${JSON.stringify(entry)})
      const log = openSqliteEventLog({ path: ${JSON.stringify(file.path)}, readOnly: true })
      let n = 0
      for await (const e of log.readStream('order-1', { from: 1, to: 100, maxCount: 100 })) n += e.streamPosition > 0 ? 1 : 0
      await log.close()
      console.log(n)`
    const root = process.getuid?.() === 0
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe('2')
    expect(snapshot(file.dir)).toEqual(before)
  })
})
