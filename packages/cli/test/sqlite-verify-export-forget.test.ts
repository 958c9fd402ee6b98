import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { eventHash, type StoredEvent } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { describe, expect, it } from 'vitest'
import {
  json,
  liSi,
  reader,
  referralId,
  run,
  sqliteLogPerFile,
  writeSqliteLog,
  zhangSan,
} from './fixtures.js'

const { db, file } = sqliteLogPerFile()

/** The stored events of a SQLite file, straight from its log. */
const storedEvents = async (path: string): Promise<StoredEvent[]> => {
  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  const events: StoredEvent[] = []
  for await (const e of store.log.readAll({
    from: 0n,
    to: null,
    batchSize: 100,
    categories: null,
    types: null,
  }))
    events.push(e)
  await store.close()
  return events
}

describe('verify', () => {
  it('counts the events of an intact log', async () => {
    const r = await run('verify', '--db', db)
    expect(r.code).toBe(0)
    const [verified, heads, anchor, end] = r.stdout.split('\n')
    expect([verified, heads, end]).toEqual([
      'verified 32 events in 8 streams: every hash chain is intact',
      'global positions have no gaps; no signed head in the store and no --anchor: truncation, reordering and re-hashed streams are not detectable (docs/audit.md)',
      '',
    ])
    expect(anchor).toMatch(/^anchor to keep: \{"format":1,"position":"32","count":32,"root":"[0-9a-f]{64}",/)
    expect(r.stderr).toMatch(/^verify: 32 events checked in \d+\.\d s\n$/)
  })

  it('names the first broken link of a tampered row and exits 1', async () => {
    const tampered = file('tampered.db')
    await writeSqliteLog(tampered)
    const store = createSqliteEventStore({ path: tampered, registry: dealershipRegistry })
    const row = store.database
      .prepare(
        "SELECT position, hash FROM es_events WHERE stream_name = 'customer-zhang-san' AND stream_position = 2",
      )
      .get() as { position: number; hash: string }
    store.database
      .prepare("UPDATE es_events SET data = json_set(data, '$.mileageKm', 99999) WHERE position = ?")
      .run(row.position)
    await store.close()
    const altered = (await storedEvents(tampered)).find((e) => e.globalPosition === BigInt(row.position))
    if (altered === undefined) throw new Error('the tampered row is gone')
    const recomputed = eventHash(altered.prevHash, altered)

    const r = await run('verify', '--db', tampered)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('dealer-crm:'))
    expect(lines).toEqual([
      `dealer-crm: verify: broken link in stream customer-zhang-san at position 2 (global position ${row.position}): the stored event was altered: its hash does not match its content; expected hash ${row.hash} (stored), found ${recomputed} (recomputed from the content)`,
    ])
    const asJson = await run('verify', '--db', tampered, '--json')
    expect(asJson.code).toBe(1)
    expect(json(asJson.stdout)).toMatchObject({
      ok: false,
      finding: {
        code: 'stream-link',
        streamName: 'customer-zhang-san',
        streamPosition: 2,
        globalPosition: String(row.position),
      },
    })
  })

  it("names a broken prevHash link with the previous event's hash", async () => {
    const relinked = file('relinked.db')
    await writeSqliteLog(relinked)
    const store = createSqliteEventStore({ path: relinked, registry: dealershipRegistry })
    const previous = store.database
      .prepare("SELECT hash FROM es_events WHERE stream_name = 'referral-ref-0001' AND stream_position = 2")
      .get() as { hash: string }
    store.database
      .prepare(
        "UPDATE es_events SET prev_hash = ? WHERE stream_name = 'referral-ref-0001' AND stream_position = 3",
      )
      .run('f'.repeat(64))
    await store.close()
    const r = await run('verify', '--db', relinked)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `broken link in stream referral-ref-0001 at position 3 (global position 10): prevHash ffffffffffff… does not match the previous event's hash; expected prevHash ${previous.hash} (the previous event's hash), found ${'f'.repeat(64)}`,
    )
  })
})

describe('export and import', () => {
  it('round-trips with keys: the same events, the same hashes, it verifies and personal data reads', async () => {
    // A log of its own: the export records itself in the access log of every person whose key it holds.
    const source = file('keys-source.db')
    await writeSqliteLog(source)
    const exported = file('with-keys.ndjson')
    const refused = await run('export', '--db', source, '--out', exported, '--with-keys')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/export --with-keys decrypts personal data: say who and why with --as/)
    expect(existsSync(exported)).toBe(false)
    const out = await run('export', '--db', source, '--out', exported, '--with-keys', ...reader)
    expect(out.code).toBe(0)
    expect(out.stdout).toBe(`exported 32 events of 8 streams and 3 subject keys to ${exported}\n`)
    const lines = readFileSync(exported, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(35)
    const first = json(lines[0] ?? '')
    expect(first).toMatchObject({ streamName: 'customer-zhang-san', streamPosition: 1, globalPosition: '1' })
    expect(JSON.stringify(first.data)).toContain('"$enc"')
    expect(JSON.stringify(first.data)).not.toContain('张三')
    expect(json(lines[32] ?? '')).toMatchObject({
      subjectKey: { subjectId: liSi.customerId, forgottenAt: null },
    })

    const copy = file('copy.db')
    const imported = await run('import', exported, '--db', copy)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toBe(
      `imported 32 events of 8 streams and 3 subject keys into SQLite file ${copy}; every hash equals the exported one; verified 32 events in 8 streams: every hash chain is intact\n`,
    )
    expect((await storedEvents(copy)).map((e) => [e.eventId, e.hash, e.recordedAt])).toEqual(
      (await storedEvents(source)).slice(0, 32).map((e) => [e.eventId, e.hash, e.recordedAt]),
    )
    const reexported = file('copy.ndjson')
    expect((await run('export', '--db', copy, '--out', reexported, '--with-keys', ...reader)).code).toBe(0)
    expect(readFileSync(reexported, 'utf8')).toBe(readFileSync(exported, 'utf8'))
    expect((await run('verify', '--db', copy)).code).toBe(0)
    expect((await run('trail', zhangSan.customerId, '--db', copy, ...reader)).stdout).toContain(
      '"name":"张三"',
    )
    // Each person whose key left in the file has the export in their access log (after the file was written).
    for (const person of [zhangSan.customerId, liSi.customerId]) {
      const log = JSON.parse((await run('access-log', person, '--db', source, '--json')).stdout)
      expect(log.entries).toMatchObject([
        { by: { id: 'auditor-qian' }, via: 'dealer-crm export --with-keys' },
      ])
    }
    expect((await run('verify', '--db', source)).code).toBe(0)
  })

  it('without keys, writes to stdout; imported, personal fields read as erased', async () => {
    const r = await run('export', '--db', db)
    expect(r.code).toBe(0)
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(32)
    expect(r.stderr).toMatch(
      /exported 32 events of 8 streams \(no keys: personal fields need the same key vault/,
    )
    const exported = file('no-keys.ndjson')
    writeFileSync(exported, r.stdout)
    const copy = file('no-keys.db')
    const imported = await run('import', exported, '--db', copy)
    expect(imported.code).toBe(0)
    expect(imported.stderr).toMatch(/^note: \d+ events hold personal data but the file has no keys/m)
    const trail = await run('trail', zhangSan.customerId, '--db', copy)
    expect(trail.stdout).toContain('"name":{"erased":true,"subjectId":"zhang-san"}')
  })

  it('refuses a target that is not empty and writes nothing', async () => {
    const exported = file('again.ndjson')
    expect((await run('export', '--db', db, '--out', exported)).code).toBe(0)
    const r = await run('import', exported, '--db', db)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^dealer-crm: import: SQLite file .*dealer\.db is not empty \(it holds customer-zhang-san at global position 1\); import writes into an empty store only$/m,
    )
    expect(await storedEvents(db)).toHaveLength(32)
  })

  it('checks the whole file first: a bad line or a broken chain creates nothing', async () => {
    const exported = readFileSync(file('again.ndjson'), 'utf8').trimEnd().split('\n')
    const badLine = file('bad-line.ndjson')
    writeFileSync(badLine, [...exported.slice(0, 5), '{"eventId": 1}', ...exported.slice(5)].join('\n'))
    const target = file('never.db')
    const bad = await run('import', badLine, '--db', target)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(
      /^dealer-crm: import: .*bad-line\.ndjson line 6: not a stored event: eventId: /m,
    )
    expect(existsSync(target)).toBe(false)

    const forged = file('forged.ndjson')
    const line = json(exported[1] ?? '')
    writeFileSync(
      forged,
      [
        exported[0],
        JSON.stringify({ ...line, data: { ...(line.data as object), mileageKm: 1 } }),
        ...exported.slice(2),
      ].join('\n'),
    )
    const broken = await run('import', forged, '--db', target)
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(
      /forged\.ndjson does not verify at customer-zhang-san position 2 \(global position 2\): the stored event was altered: its hash does not match its content; nothing was imported\n$/,
    )
    expect(existsSync(target)).toBe(false)
  })
})

describe('forget', () => {
  it('crypto-shreds a person: their fields read as erased and the log still verifies', async () => {
    const copy = file('forget.db')
    await writeSqliteLog(copy)
    const r = await run('forget', liSi.customerId, '--db', copy, ...reader)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      [
        'forgot li-si: the key is destroyed',
        'erasure complete: no copy of the key that decrypts is left in the store',
        'personal fields of li-si now read as erased in 2 of 2 events:',
        '  customer-li-si #1 ProspectRegistered: data.name, data.phone',
        `  referral-${referralId} #1 ReferralRegistered: data.referee.name, data.referee.phone, data.referee.purchase`,
        'verified 32 events in 8 streams: every hash chain is intact',
        '',
      ].join('\n'),
    )
    const trail = await run('trail', liSi.customerId, '--db', copy)
    expect(trail.stdout).toContain('"name":{"erased":true,"subjectId":"li-si"}')
    expect(trail.stdout).not.toContain(liSi.name)
    expect((await run('trail', zhangSan.customerId, '--db', copy, ...reader)).stdout).toContain(zhangSan.name)
    expect((await run('verify', '--db', copy)).code).toBe(0)
    // Who erased and why stays in the person's access log, which forget leaves readable.
    const log = JSON.parse((await run('access-log', liSi.customerId, '--db', copy, '--json')).stdout)
    expect(log.entries).toMatchObject([
      {
        by: { id: 'auditor-qian' },
        purpose: 'audit of the test log',
        via: 'dealer-crm forget',
        fields: expect.arrayContaining([
          'ProspectRegistered data.name',
          'ReferralRegistered data.referee.name',
        ]),
      },
    ])
    expect((await run('forget', liSi.customerId, '--db', copy)).code).toBe(2)

    const again = await run('forget', liSi.customerId, '--db', copy, ...reader)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^forgot li-si: the key was already destroyed$/m)
  })

  it('exits 1 while old copies of the key remain (another process reads an older snapshot); run again, it finishes', async () => {
    const copy = file('forget-pending.db')
    await writeSqliteLog(copy)
    const other = createSqliteEventStore({ path: copy, registry: dealershipRegistry })
    other.database.prepare('BEGIN').run()
    other.database.prepare('SELECT count(*) FROM es_events').get()
    const r = await run('forget', liSi.customerId, '--db', copy, ...reader)
    other.database.prepare('COMMIT').run()
    await other.close()
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^erasure PENDING: another connection still reads an older snapshot/m)
    expect(r.stderr).toMatch(/old copies of the key of li-si are not erased yet: .+; run forget again$/m)
    const again = await run('forget', liSi.customerId, '--db', copy, ...reader)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^erasure complete: no copy of the key that decrypts is left in the store$/m)
  })

  it('forgets nothing when the log holds no personal data of the subject', async () => {
    const r = await run('forget', 'nobody', '--db', db, ...reader)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^dealer-crm: forget: no personal data of "nobody" in the log; nothing was forgotten$/m,
    )
  })
})
