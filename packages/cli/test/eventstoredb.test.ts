import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EsdbTestServer, startEsdbTestServer } from '../../../test/esdb-test-server/index.js'
import { liSi, reader, run, tempDir, writeDealershipLog, writeSqliteLog, zhangSan } from './fixtures.js'

// Against the protocol-level EventStoreDB test server (test/esdb-test-server), through the real
// client, as packages/store-eventstoredb/test does. Keys live in a SQLite vault (--vault).
describe('the CLI on EventStoreDB (test server)', () => {
  const dir = tempDir()
  const vault = join(dir.path, 'keys.db')
  let server: EsdbTestServer
  let db: string[]

  beforeAll(async () => {
    server = await startEsdbTestServer()
    db = ['--db', server.connectionString, '--vault', vault]
    const keys = createSqliteEventStore({ path: vault, registry: dealershipRegistry })
    await writeDealershipLog(async (clock) => ({
      store: createEventStoreDbEventStore({
        connectionString: server.connectionString,
        registry: dealershipRegistry,
        clock,
        keyVault: keys.keyVault,
      }),
      checkpoints: keys.checkpoints,
    }))
    await keys.close()
  })
  afterAll(async () => {
    await server.close()
    dir.remove()
  })

  it('stats: events per category and type; no size', async () => {
    const r = await run('stats', '--db', server.connectionString, '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      store: `EventStoreDB ${server.connectionString}`,
      events: 32,
      streams: 8,
      byCategory: { complaint: 12, customer: 8, referral: 7, member: 3 },
      size: null,
    })
    expect((await run('stats', '--db', server.connectionString)).stdout).toMatch(/^size {5}n\/a/m)
  })

  it('verify: the whole chain, also under the kurrentdb:// scheme', async () => {
    const r = await run('verify', '--db', server.connectionString)
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'verified 32 events in 8 streams: every hash chain is intact',
      'global positions increase; no signed head in the store and no --anchor: truncation, reordering and re-hashed streams are not detectable (docs/audit.md)',
    ])
    const kurrent = server.connectionString.replace(/^esdb:/, 'kurrentdb:')
    expect((await run('verify', '--db', kurrent)).code).toBe(0)
  })

  it('trail: personal data decrypts with --vault (and a purpose), reads as erased without', async () => {
    const withVault = await run('trail', zhangSan.customerId, ...db, ...reader)
    expect(withVault.code).toBe(0)
    expect(withVault.stdout).toContain('"name":"张三"')
    const without = await run('trail', zhangSan.customerId, '--db', server.connectionString, ...reader)
    expect(without.code).toBe(0)
    expect(without.stderr).toBe(
      'note: no --vault for this EventStoreDB log: personal fields read as erased\n',
    )
    expect(without.stdout).toContain('"name":{"erased":true,"subjectId":"zhang-san"}')
  })

  it('forget needs the vault', async () => {
    const r = await run('forget', zhangSan.customerId, '--db', server.connectionString, ...reader)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'dealer-crm: forget: forget needs the key vault of this EventStoreDB log: pass --vault\n',
    )
  })

  it('export with keys into SQLite, and a SQLite export into a second server: the same hashes', async () => {
    const exported = join(dir.path, 'esdb.ndjson')
    expect((await run('export', ...db, '--out', exported, '--with-keys', ...reader)).code).toBe(0)
    const copy = join(dir.path, 'copy.db')
    const imported = await run('import', exported, '--db', copy)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(
      // The 32 events of the log and the access-log entry of the trail read above, with its key.
      /^imported 33 events of 9 streams and 4 subject keys into SQLite file .*; every hash equals the exported one/,
    )
    expect((await run('trail', liSi.customerId, '--db', copy, ...reader)).stdout).toContain(liSi.name)

    const sqlite = join(dir.path, 'dealer.db')
    await writeSqliteLog(sqlite)
    const fromSqlite = join(dir.path, 'sqlite.ndjson')
    expect((await run('export', '--db', sqlite, '--out', fromSqlite, '--with-keys', ...reader)).code).toBe(0)
    const second = await startEsdbTestServer()
    try {
      const keys = join(dir.path, 'second-keys.db')
      const into = ['--db', second.connectionString, '--vault', keys]
      const r = await run('import', fromSqlite, ...into)
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(
        /^imported 32 events of 8 streams and 3 subject keys into EventStoreDB .*; every hash equals the exported one; verified 32 events/,
      )
      // The server stamps its own commit times: the import says so.
      expect(r.stderr).toContain("note: 32 events got the target's own commit time, not the exported one")
      const back = join(dir.path, 'second.ndjson')
      expect((await run('export', ...into, '--out', back, '--with-keys', ...reader)).code).toBe(0)
      const withoutPositions = (file: string) =>
        readFileSync(file, 'utf8')
          .trimEnd()
          .split('\n')
          .map((l) => ({ ...JSON.parse(l), globalPosition: undefined, committedAt: undefined }))
      expect(withoutPositions(back)).toEqual(withoutPositions(fromSqlite))
      expect((await run('trail', zhangSan.customerId, ...into, ...reader)).stdout).toContain(zhangSan.name)
    } finally {
      await second.close()
    }
  })

  it('verify names an event altered on the server and exits 1', async () => {
    server.log.tamper('customer-li-si', 0n, Buffer.from(JSON.stringify({ forged: true })))
    const r = await run('verify', '--db', server.connectionString)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^dealer-crm: verify: broken link in stream customer-li-si at position 1 \(global position \d+\): the stored event was altered: its hash does not match its content; expected hash [0-9a-f]{64} \(stored\), found [0-9a-f]{64} \(recomputed from the content\)$/m,
    )
  })
})
