import { readFileSync } from 'node:fs'
import {
  commitmentFormat,
  createLogCheckpointer,
  fixedClock,
  generateAuditKeys,
  verify,
} from '@dealer-crm/eventsourcing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteEventLog, type SqliteEventLog, sqliteCheckpointStore } from '../src/index.js'
import { tempDatabase } from './temp-file.js'

// A log written by the store at commit 675b391, before the log commitment existed
// (fixtures/write-log-format-1.ts): its rows go into a new file as they were.
const rows = JSON.parse(
  readFileSync(new URL('./fixtures/log-format-1.json', import.meta.url), 'utf8'),
) as ReadonlyArray<Record<string, unknown>>

let file: ReturnType<typeof tempDatabase>
let log: SqliteEventLog

beforeEach(() => {
  file = tempDatabase()
  log = openSqliteEventLog({ path: file.path })
  // The file's schema is today's; the commit times are what migration 4 gives rows written before it:
  // the greatest recorded time so far in global order.
  const columns = [...Object.keys(rows[0] as object), 'committed_at']
  const insert = log.database.prepare(
    `INSERT INTO es_events (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
  )
  let committedAt = ''
  log.database.transaction(() => {
    for (const row of rows) {
      const recordedAt = String(row.recorded_at)
      if (recordedAt > committedAt) committedAt = recordedAt
      insert.run({ ...row, committed_at: committedAt })
    }
  })()
})
afterEach(async () => {
  await log.close()
  file.remove()
})

describe('a log written before the log commitment (format 1 hashes, no signed head)', () => {
  it('still verifies, stream by stream, with no head to check', async () => {
    expect(rows).toHaveLength(144)
    expect(await verify(log)).toMatchObject({ ok: true, events: 144, streams: 12, checked: [] })
  })

  it('gains a signed head when the checkpointer first runs, and verifies against it', async () => {
    const keys = generateAuditKeys()
    const checkpoints = sqliteCheckpointStore(log.database, log.run)
    const head = await createLogCheckpointer({ log, checkpoints, privateKey: keys.privateKey }).checkpoint()
    expect(head).toMatchObject({ format: commitmentFormat, count: 144, position: 144n })
    expect(await verify(log, { checkpoints, publicKey: keys.publicKey })).toMatchObject({
      ok: true,
      anchor: head,
    })
  })

  // The root was computed apart from this code too (Python's hashlib over the fixture's rows, leaf by
  // leaf as docs/audit.md describes the format), and agreed.
  it('has the commitment root pinned: format 1 cannot change without failing here', async () => {
    const result = await verify(log, { clock: fixedClock('2026-12-02T00:00:00Z') })
    expect(result.ok && result.anchor).toEqual({
      format: 1,
      position: 144n,
      count: 144,
      root: '4c1010279dfe6247bfd7cb1a794d920670debdda4787c0da6f1eaef188e850ac',
      time: '2026-12-02T00:00:00.000Z',
      keyId: null,
      signature: null,
    })
  })
})
