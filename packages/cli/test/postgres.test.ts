import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { createPostgresEventStore } from '@dealer-crm/store-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionString,
  dropSchema,
  freshSchema,
  serverAvailable,
  tamperEvent,
  testPool,
} from '../../store-postgres/test/database.js'
import {
  complaintHour,
  hoursAfterStart,
  liSi,
  reader,
  run,
  tempDir,
  writeDealershipLog,
  writeSqliteLog,
  zhangSan,
} from './fixtures.js'

// DEALER_CRM_PG_URL or PG* variables, else the local test database; without a server the file is
// skipped with a printed reason (and fails under CI=true).
const available = await serverAvailable()

describe.skipIf(!available)('the CLI on PostgreSQL', () => {
  const url = connectionString()
  const schema = freshSchema('cli')
  const imported = freshSchema('cli_import')
  const pool = testPool(2)
  const dir = tempDir()
  const db = ['--db', url, '--schema', schema]

  beforeAll(() =>
    writeDealershipLog(async (clock) => {
      const store = await createPostgresEventStore({
        connectionString: url,
        schema,
        registry: dealershipRegistry,
        clock,
      })
      return { store, checkpoints: store.checkpoints }
    }),
  )
  afterAll(async () => {
    await dropSchema(pool, schema)
    await dropSchema(pool, imported)
    await pool.end()
    dir.remove()
  })

  it('stats: counts, and the size of the events table', async () => {
    const r = await run('stats', ...db)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`PostgreSQL ${url} (schema ${schema})`)
    expect(r.stdout).toMatch(/^events {3}32$/m)
    expect(r.stdout).toMatch(/^streams {2}8$/m)
    expect(r.stdout).toMatch(
      new RegExp(`^size {5}\\d+\\.\\d KiB \\(pg_total_relation_size of ${schema}\\.event_batches;`, 'm'),
    )
  })

  it('a mistyped --schema is one line and exit 1, and no schema is created', async () => {
    const typo = `${schema}_typo`
    const r = await run('stats', '--db', url, '--schema', typo)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`schema ${typo} does not exist: there is no dealer-crm event store to read`)
    expect((await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [typo])).rowCount).toBe(0)
  })

  it('verify and trail: personal data decrypts in a later run (the durable vault)', async () => {
    expect((await run('verify', ...db)).stdout).toMatch(
      /^verified 32 events in 8 streams: every hash chain is intact\nglobal positions increase; no signed head/,
    )
    const trail = await run('trail', zhangSan.customerId, ...db, ...reader)
    expect(trail.code).toBe(0)
    expect(trail.stdout).toContain('"name":"张三"')
  })

  it('as-of an earlier time differs from now', async () => {
    const before = JSON.parse(
      (await run('as-of', hoursAfterStart(complaintHour - 1), ...db, '--projection', 'slaBoard')).stdout,
    )
    const now = JSON.parse((await run('as-of', 'now', ...db, '--projection', 'slaBoard')).stdout)
    expect(before.readModels.slaBoard).toEqual({})
    expect(Object.keys(now.readModels.slaBoard)).toEqual(['cmp-0001'])
  })

  it('rebuild folds a read model from position 0', async () => {
    const r = await run('rebuild', 'loyaltyTotals', ...db, '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ issued: 5_500 })
  })

  it('export from SQLite, import into PostgreSQL: the same hashes, verified, keys and all', async () => {
    const sqlite = join(dir.path, 'dealer.db')
    await writeSqliteLog(sqlite)
    const exported = join(dir.path, 'sqlite.ndjson')
    expect((await run('export', '--db', sqlite, '--out', exported, '--with-keys', ...reader)).code).toBe(0)
    const r = await run('import', exported, '--db', url, '--schema', imported)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^imported 32 events of 8 streams and 3 subject keys into PostgreSQL .*; every hash equals the exported one; verified 32 events/,
    )
    const back = join(dir.path, 'postgres.ndjson')
    expect(
      (await run('export', '--db', url, '--schema', imported, '--out', back, '--with-keys', ...reader)).code,
    ).toBe(0)
    const strip = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => {
          const { globalPosition: _, subjectKey, ...rest } = JSON.parse(l)
          // PostgreSQL keeps key times as timestamptz: compare the instant
          return subjectKey === undefined
            ? rest
            : { ...subjectKey, createdAt: Date.parse(subjectKey.createdAt) }
        })
    expect(strip(readFileSync(back, 'utf8'))).toEqual(strip(readFileSync(exported, 'utf8')))
    expect(
      (await run('trail', liSi.customerId, '--db', url, '--schema', imported, ...reader)).stdout,
    ).toContain(liSi.name)
    const again = await run('import', exported, '--db', url, '--schema', imported)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/is not empty \(it holds customer-zhang-san at global position 1\)/)
  })

  it('forget: erased, and the log still verifies', async () => {
    const r = await run('forget', zhangSan.customerId, ...db, ...reader)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^erasure logical only: PostgreSQL keeps the old key in dead row versions/m)
    expect(r.stdout).toMatch(/^personal fields of zhang-san now read as erased in 5 of 5 events:$/m)
    expect(r.stdout).toMatch(/^ {2}customer-zhang-san #2 VehicleDelivered: data\.plate$/m)
    expect(r.stdout).toMatch(
      /^ {2}complaint-cmp-0001 #1 ComplaintReceived: data\.account, data\.remedySought$/m,
    )
    // The 32 events of the log, and the access-log entry of the trail read above.
    expect(r.stdout).toMatch(/^verified 33 events in 9 streams: every hash chain is intact$/m)
    expect((await run('trail', zhangSan.customerId, ...db, ...reader)).stdout).not.toContain(zhangSan.name)
  })

  it('verify names a row altered in the table and exits 1', async () => {
    const altered = await tamperEvent(
      pool,
      schema,
      'customer-zhang-san',
      2,
      'data',
      (current) => `replace(${current}, '"mileageKm":12', '"mileageKm":99999')`,
    )
    expect(altered).toBe(1)
    const row = await pool.query<{ position: string; hash: string }>(
      `SELECT position::text, hash FROM ${schema}.events
        WHERE stream_name = 'customer-zhang-san' AND stream_position = 2 AND data LIKE '%99999%'`,
    )
    expect(row.rowCount).toBe(1)
    const r = await run('verify', ...db)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(
        `^dealer-crm: verify: broken link in stream customer-zhang-san at position 2 \\(global position ${row.rows[0]?.position}\\): the stored event was altered: its hash does not match its content; expected hash ${row.rows[0]?.hash} \\(stored\\), found [0-9a-f]{64} \\(recomputed from the content\\)$`,
        'm',
      ),
    )
  })
})
