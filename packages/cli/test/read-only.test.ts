import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reader, run, tempDir, writeSqliteLog, zhangSan } from './fixtures.js'

// Issue #18, "The CLI never changes what it only reads"; ADR 0016.

const dir = tempDir()
const db = join(dir.path, 'dealer.db')
beforeAll(() => writeSqliteLog(db))
afterAll(() => {
  chmodSync(join(dir.path, 'locked'), 0o700)
  dir.remove()
})

/** Every file of a folder with its SHA-256 and modification time. */
const snapshot = (folder: string) =>
  Object.fromEntries(
    readdirSync(folder)
      .filter((f) => statSync(join(folder, f)).isFile())
      .sort()
      .map((f) => {
        const path = join(folder, f)
        return [
          f,
          {
            sha: createHash('sha256').update(readFileSync(path)).digest('hex'),
            mtime: statSync(path).mtimeMs,
          },
        ]
      }),
  )

const readCommands = (subject: string) => [
  ['stats'],
  ['verify'],
  ['trail', subject],
  ['as-of', 'now'],
  ['rebuild', 'slaBoard'],
  ['export'],
  ['access-log', subject],
]

describe('commands that only read', () => {
  it("refuse another application's SQLite file in one line, leaving it byte for byte as it was, journal mode too", async () => {
    const folder = join(dir.path, 'other-app')
    mkdirSync(folder)
    const other = join(folder, 'invoices.sqlite')
    const setup = new Database(other)
    setup.exec(
      'CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER); INSERT INTO invoices VALUES (1, 990)',
    )
    setup.close()
    const before = snapshot(folder)
    for (const command of readCommands('x')) {
      const r = await run(...command, '--db', other)
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr: `dealer-crm: ${command[0]}: ${other} is not a dealer-crm event store (it has no es_schema_migrations table); nothing was changed\n`,
      })
    }
    expect(snapshot(folder)).toEqual(before)
    const check = new Database(other, { readonly: true })
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'es_%'").get()).toEqual({
      n: 0,
    })
    check.close()
  })

  it('leave a dealer-crm store file unchanged', async () => {
    const before = snapshot(dir.path)['dealer.db']
    for (const command of readCommands(zhangSan.customerId))
      expect((await run(...command, '--db', db)).code, command.join(' ')).toBe(0)
    expect(snapshot(dir.path)['dealer.db']).toEqual(before)
  })

  it('verify and read a read-only file in a read-only folder, writing nothing', async () => {
    const folder = join(dir.path, 'locked')
    mkdirSync(folder)
    const locked = join(folder, 'dealer.db')
    // A closed store: its WAL was checkpointed into the file and removed.
    copyFileSync(db, locked)
    chmodSync(locked, 0o444)
    chmodSync(folder, 0o555)
    const before = snapshot(folder)
    const verify = await run('verify', '--db', locked)
    expect(verify.stderr).toMatch(/^verify: 32 events checked in \d+\.\d s\n$/)
    expect(verify.code).toBe(0)
    expect(verify.stdout).toMatch(/^verified 32 events in 8 streams: every hash chain is intact$/m)
    expect((await run('trail', zhangSan.customerId, '--db', locked)).code).toBe(0)
    expect((await run('stats', '--db', locked)).code).toBe(0)
    // As root (permissions ignored) SQLite's read-only mode keeps the file as it was; it may add the
    // WAL index files a reader needs beside it. Any other user cannot: then nothing at all changes.
    const after = snapshot(folder)
    expect(after['dealer.db']).toEqual(before['dealer.db'])
    if (process.getuid?.() !== 0) expect(after).toEqual(before)
  })

  it('verify as a user who may not write there: the built command, run as nobody when the tests run as root', () => {
    const folder = join(dir.path, 'locked')
    const locked = join(folder, 'dealer.db')
    chmodSync(dir.path, 0o755)
    const before = snapshot(folder)
    const bin = fileURLToPath(new URL('../bin/dealer-crm.js', import.meta.url))
    const child = spawnSync(process.execPath, [bin, 'verify', '--db', locked], {
      encoding: 'utf8',
      ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
    })
    expect(child.stderr).toMatch(/^verify: 32 events checked in \d+\.\d s\n$/)
    expect(child.stdout).toMatch(/^verified 32 events in 8 streams: every hash chain is intact$/m)
    expect(child.status).toBe(0)
    expect(snapshot(folder)).toEqual(before)
  })

  it('forget, a command that writes, still opens the store writable', async () => {
    const copy = join(dir.path, 'writable.db')
    await writeSqliteLog(copy)
    expect((await run('forget', zhangSan.customerId, '--db', copy, ...reader)).code).toBe(0)
  })

  it('customer, trail --purpose and export --with-keys decrypt, so they record the read: they open the store writable', async () => {
    const copy = join(dir.path, 'decrypting.db')
    await writeSqliteLog(copy)
    for (const command of [
      ['customer', zhangSan.customerId],
      ['trail', zhangSan.customerId],
      ['export', '--with-keys'],
    ])
      expect((await run(...command, '--db', copy, ...reader)).code, command.join(' ')).toBe(0)
    const log = JSON.parse((await run('access-log', zhangSan.customerId, '--db', copy, '--json')).stdout)
    expect(log.entries.map((e: { via: string }) => e.via)).toEqual([
      'customer360',
      'dealer-crm trail',
      'dealer-crm export --with-keys',
    ])
  })
})
