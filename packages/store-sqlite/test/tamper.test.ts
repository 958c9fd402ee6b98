import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Anchor,
  CorruptEventError,
  canonicalJson,
  createLogCheckpointer,
  eventHash,
  generateAuditKeys,
  type PendingEvent,
  type StoredEvent,
  type VerifyOptions,
  verify,
} from '@dealer-crm/eventsourcing'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSqliteEventLog, type SqliteEventLog, sqliteCheckpointStore } from '../src/index.js'
import { all, collect } from './pending.js'
import { tempDatabase } from './temp-file.js'

// Edits made directly in the SQLite file, as someone with the file and a SQL shell would, each
// checked against `verify`: with the signed head the checkpointer stored and the dealer's public
// key, with only an anchor the auditor kept elsewhere, and with neither (what stays undetectable).

const keys = generateAuditKeys()
const other = generateAuditKeys()
const dir = tempDatabase()
const pristine = join(dir.dir, 'pristine.db')
let head: Anchor
let copies = 0

let n = 0
const event = (type: string, data: unknown): PendingEvent => {
  n++
  return {
    eventId: `01930000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
    recordedAt: new Date(Date.UTC(2026, 10, 2, 9, 0, n)).toISOString(),
    type,
    schemaVersion: 1,
    data,
    correlationId: `corr-${n % 7}`,
    causationId: null,
    commandId: `cmd-${n}`,
    actor: { id: `clerk-${n % 3}`, role: 'sales-consultant' },
    traceparent: null,
  }
}

/** A log of 4 categories and 20 streams, appended in 20 interleaved turns: 540 events. */
const writeLog = async (log: SqliteEventLog) => {
  const categories = ['customer', 'complaint', 'loyalty', 'referral']
  for (let turn = 0; turn < 20; turn++)
    await Promise.all(
      categories.flatMap((category) =>
        [1, 2, 3, 4, 5].map((id) =>
          log.append(
            `${category}-${id}`,
            turn % 3 === 0
              ? [event(`${category}Noted`, { turn, id }), event('Tagged', { tags: [category, `${turn}`] })]
              : [event(`${category}Noted`, { turn, id, amount: turn * 10 })],
            'any',
          ),
        ),
      ),
    )
}

beforeAll(async () => {
  const log = openSqliteEventLog({ path: pristine })
  await writeLog(log)
  head = await createLogCheckpointer({
    log,
    checkpoints: sqliteCheckpointStore(log.database, log.run),
    privateKey: keys.privateKey,
  }).checkpoint()
  await log.close()
})
afterAll(() => dir.remove())

/** A copy of the pristine file, edited with `sql` (or a function of the connection) while closed. */
const tampered = (edit: string | ((db: Database.Database) => void)): string => {
  const path = join(dir.dir, `copy-${copies++}.db`)
  copyFileSync(pristine, path)
  const db = new Database(path)
  if (typeof edit === 'string') db.exec(edit)
  else edit(db)
  db.close()
  return path
}

const verified = async (path: string, options: (log: SqliteEventLog) => VerifyOptions) => {
  const log = openSqliteEventLog({ path })
  try {
    return await verify(log, options(log))
  } finally {
    await log.close()
  }
}
const withStoredHead = (log: SqliteEventLog): VerifyOptions => ({
  checkpoints: sqliteCheckpointStore(log.database, log.run),
  publicKey: keys.publicKey,
})
const withAnchor = (): VerifyOptions => ({ anchors: [head], publicKey: keys.publicKey })
const alone = (): VerifyOptions => ({})
const dropStoredHead = 'DELETE FROM es_checkpoints;'

/** Rewrite one event's data and re-hash the rest of its stream with the public eventHash. */
const rehashed =
  (streamName: string, streamPosition: number) =>
  (db: Database.Database): void => {
    const positions = db
      .prepare('SELECT position FROM es_events WHERE stream_name = ? ORDER BY stream_position')
      .pluck()
      .all(streamName) as number[]
    const update = db.prepare('UPDATE es_events SET data = ?, prev_hash = ?, hash = ? WHERE position = ?')
    let prevHash = ''
    for (const position of positions) {
      const stored = readOne(db, position)
      const data = stored.streamPosition === streamPosition ? { forged: true } : stored.data
      const hash = eventHash(prevHash, { ...stored, data })
      update.run(canonicalJson(data), prevHash, hash, position)
      prevHash = hash
    }
  }

const readOne = (db: Database.Database, position: number): StoredEvent => {
  const r = db.prepare('SELECT * FROM es_events WHERE position = ?').get(position) as Record<string, unknown>
  return {
    eventId: r.event_id as string,
    streamName: r.stream_name as string,
    streamPosition: r.stream_position as number,
    globalPosition: BigInt(position),
    committedAt: r.committed_at as string,
    recordedAt: r.recorded_at as string,
    type: r.type as string,
    schemaVersion: r.schema_version as number,
    data: JSON.parse(r.data as string),
    correlationId: r.correlation_id as string | null,
    causationId: r.causation_id as string | null,
    commandId: r.command_id as string | null,
    actor: r.actor === null ? null : JSON.parse(r.actor as string),
    traceparent: r.traceparent as string | null,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  }
}

describe('an untouched SQLite log', () => {
  it('verifies against the stored signed head and the anchor, and gives the signed head as the new anchor', async () => {
    const result = await verified(pristine, (log) => ({ ...withStoredHead(log), anchors: [head] }))
    expect(result).toMatchObject({ ok: true, events: 540, streams: 20, anchor: head })
    expect(result.ok && result.checked.map((c) => [c.source, c.signature])).toEqual([
      ['stored head', 'valid'],
      ['anchor 1', 'valid'],
    ])
  })
})

describe.each([
  ['with the stored signed head and the public key', withStoredHead, ''],
  ['with an anchor kept outside (the stored head deleted too)', withAnchor, dropStoredHead],
])('edits made in the file are findings, %s', (_, options, alsoDropHead) => {
  it('the last 50 events of the log deleted (tail truncation)', async () => {
    const path = tampered(`DELETE FROM es_events WHERE position > 490; ${alsoDropHead}`)
    expect(await verified(path, options)).toMatchObject({
      ok: false,
      finding: { code: 'truncated', reason: expect.stringMatching(/holds 490 events/) },
    })
  })

  it('the last event of one stream deleted: a gap in global positions', async () => {
    const path = tampered(
      `DELETE FROM es_events WHERE stream_name = 'loyalty-2' AND stream_position =
        (SELECT max(stream_position) FROM es_events WHERE stream_name = 'loyalty-2'); ${alsoDropHead}`,
    )
    expect(await verified(path, options)).toMatchObject({ ok: false, finding: { code: 'position-gap' } })
  })

  it('the last event of one stream deleted and the positions after it renumbered to close the gap', async () => {
    const path = tampered(`
      CREATE TEMP TABLE gone AS SELECT position FROM es_events WHERE stream_name = 'loyalty-2'
        ORDER BY stream_position DESC LIMIT 1;
      DELETE FROM es_events WHERE position = (SELECT position FROM gone);
      UPDATE es_events SET position = -(position - 1) WHERE position > (SELECT position FROM gone);
      UPDATE es_events SET position = -position WHERE position < 0;
      ${alsoDropHead}`)
    expect(await verified(path, options)).toMatchObject({
      ok: false,
      finding: { code: 'truncated', reason: expect.stringMatching(/holds 539 events/) },
    })
  })

  it('a whole stream deleted', async () => {
    const path = tampered(`DELETE FROM es_events WHERE stream_name = 'complaint-3'; ${alsoDropHead}`)
    expect(await verified(path, options)).toMatchObject({ ok: false, finding: { code: 'position-gap' } })
  })

  it("an event's category column changed: the row is corrupt", async () => {
    const path = tampered(`UPDATE es_events SET category = 'archive' WHERE position = 123; ${alsoDropHead}`)
    expect(await verified(path, options)).toMatchObject({
      ok: false,
      finding: { code: 'corrupt-event', globalPosition: 123n, reason: expect.stringMatching(/category/) },
    })
    const log = openSqliteEventLog({ path })
    await expect(collect(log.readAll({ ...all, categories: ['archive'] }))).rejects.toThrow(CorruptEventError)
    await log.close()
  })

  it("two events' global positions swapped", async () => {
    const path = tampered(`
      UPDATE es_events SET position = -1 WHERE position = 200;
      UPDATE es_events SET position = 200 WHERE position = 201;
      UPDATE es_events SET position = 201 WHERE position = -1;
      ${alsoDropHead}`)
    expect(await verified(path, options)).toMatchObject({
      ok: false,
      finding: { code: 'head-mismatch', reason: expect.stringMatching(/first 540 events do not match/) },
    })
  })

  it('one event edited and its stream re-hashed with the public eventHash', async () => {
    const path = tampered((db) => {
      rehashed('referral-4', 3)(db)
      if (alsoDropHead !== '') db.exec(alsoDropHead)
    })
    expect(await verified(path, options)).toMatchObject({ ok: false, finding: { code: 'head-mismatch' } })
  })
})

describe('the stored head itself tampered with', () => {
  const headJson = (db: Database.Database) =>
    JSON.parse(
      db.prepare(`SELECT state FROM es_checkpoints WHERE name = '$audit/log-head'`).pluck().get() as string,
    )
  const setHead = (db: Database.Database, state: unknown) =>
    db
      .prepare(`UPDATE es_checkpoints SET state = ? WHERE name = '$audit/log-head'`)
      .run(JSON.stringify(state))

  it('a stored head whose root was edited is a bad head', async () => {
    const path = tampered((db) => setHead(db, { ...headJson(db), root: 'f'.repeat(64) }))
    expect(await verified(path, withStoredHead)).toMatchObject({
      ok: false,
      finding: { code: 'bad-head', reason: expect.stringMatching(/signature does not match/) },
    })
  })

  it('a stored head deleted, when the public key says there should be one', async () => {
    expect(await verified(tampered(dropStoredHead), withStoredHead)).toMatchObject({
      ok: false,
      finding: { code: 'bad-head', reason: expect.stringMatching(/no signed head/) },
    })
  })

  it('a log re-hashed and re-signed with a key of its own is a bad head', async () => {
    const path = tampered(rehashed('referral-4', 3))
    const log = openSqliteEventLog({ path })
    await log.database.exec(dropStoredHead)
    await createLogCheckpointer({
      log,
      checkpoints: sqliteCheckpointStore(log.database, log.run),
      privateKey: other.privateKey,
    }).checkpoint()
    await log.close()
    expect(await verified(path, withStoredHead)).toMatchObject({
      ok: false,
      finding: { code: 'bad-head', reason: expect.stringMatching(/signed by key/) },
    })
  })
})

describe('what stays undetectable (docs/audit.md)', () => {
  it('without a stored head or an anchor: truncation, reordering and re-hashing all verify', async () => {
    for (const edit of [
      'DELETE FROM es_events WHERE position > 490',
      `UPDATE es_events SET position = -1 WHERE position = 200;
       UPDATE es_events SET position = 200 WHERE position = 201;
       UPDATE es_events SET position = 201 WHERE position = -1;`,
      rehashed('referral-4', 3),
    ])
      expect(await verified(tampered(edit), alone)).toMatchObject({ ok: true })
  })

  it('truncation back to an older signed head, without an anchor of a later one', async () => {
    const path = join(dir.dir, `older-${copies++}.db`)
    const log = openSqliteEventLog({ path })
    const checkpoints = sqliteCheckpointStore(log.database, log.run)
    await log.append('customer-1', [event('customerNoted', { turn: 0 })], 'no_stream')
    const checkpointer = createLogCheckpointer({ log, checkpoints, privateKey: keys.privateKey })
    const older = await checkpointer.checkpoint()
    const olderRow = log.database.prepare('SELECT * FROM es_checkpoints').get()
    await log.append('customer-1', [event('customerNoted', { turn: 1 })], 1)
    const newer = await checkpointer.checkpoint()
    // Someone with write access deletes the event after the older head and puts the older head back.
    log.database.exec('DELETE FROM es_events WHERE position = 2; DELETE FROM es_checkpoints')
    log.database
      .prepare('INSERT INTO es_checkpoints VALUES (@name, @position, @state, @updated_at)')
      .run(olderRow as Record<string, unknown>)
    expect(await verify(log, { checkpoints, publicKey: keys.publicKey })).toMatchObject({
      ok: true,
      anchor: older,
    })
    expect(await verify(log, { checkpoints, publicKey: keys.publicKey, anchors: [newer] })).toMatchObject({
      ok: false,
      finding: { code: 'truncated', source: 'anchor 1' },
    })
    await log.close()
  })

  it('an event appended after the last signed head, edited and re-hashed', async () => {
    const path = tampered(() => undefined)
    const log = openSqliteEventLog({ path })
    await log.append('referral-4', [event('referralNoted', { late: true })], 'any')
    await log.close()
    const last = tampered(() => undefined)
    copyFileSync(path, last)
    const edited = openSqliteEventLog({ path: last })
    rehashed('referral-4', 28)(edited.database)
    await edited.close()
    expect(await verified(last, withStoredHead)).toMatchObject({ ok: true, events: 541 })
    expect(await collect(openSqliteEventLog({ path: last }).readAll({ ...all, from: 541n }))).toMatchObject([
      { data: { forged: true } },
    ])
  })
})
