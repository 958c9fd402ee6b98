import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { eventHash, type StoredEvent } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  complaintHour,
  complaintId,
  hoursAfterStart,
  liSi,
  referralId,
  run,
  tempDir,
  writeSqliteLog,
  zhangSan,
} from './fixtures.js'

const dir = tempDir()
const db = join(dir.path, 'dealer.db')
const file = (name: string) => join(dir.path, name)

beforeAll(() => writeSqliteLog(db))
afterAll(() => dir.remove())

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

const json = (text: string) => JSON.parse(text) as Record<string, unknown>

describe('stats', () => {
  it('counts events per category and type, streams, first and last, and the file size', async () => {
    const r = await run('stats', '--db', db, '--json')
    expect(r.code).toBe(0)
    const stats = json(r.stdout)
    expect(stats).toMatchObject({
      events: 32,
      streams: 8,
      byCategory: { complaint: 12, customer: 8, referral: 7, member: 3 },
      first: { globalPosition: '1', recordedAt: hoursAfterStart(0) },
      last: { globalPosition: '32' },
    })
    expect((stats.byType as Record<string, number>).ProspectRegistered).toBe(3)
    expect((stats.size as { bytes: number }).bytes).toBeGreaterThan(4096)
  })

  it('prints the same as a table', async () => {
    const r = await run('stats', '--db', db)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^events {3}32$/m)
    expect(r.stdout).toMatch(/^streams {2}8$/m)
    expect(r.stdout).toMatch(/^│ complaint +│ +12 │$/m)
    expect(r.stdout).toMatch(/^size {5}\d+\.\d KiB \(file/m)
    expect(r.stderr).toMatch(/^stats: 32 events read in/m)
  })
})

describe('trail', () => {
  it("shows a customer's streams by id: who, when, what and why", async () => {
    const r = await run('trail', zhangSan.customerId, '--db', db)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^customer-zhang-san: 6 events$/m)
    expect(r.stdout).toMatch(/^member-zhang-san: 3 events$/m)
    expect(r.stdout).toContain(
      `#1 ${hoursAfterStart(0)} consultant-wang (sales-consultant): ProspectRegistered`,
    )
    expect(r.stdout).toContain('"name":"张三"')
    expect(r.stdout).toMatch(
      /VehicleDelivered .* — command delivery-zhang-san, correlation showroom-visit-1$/m,
    )
    expect(r.stdout).toMatch(
      /delivery-membership \(process-manager\): MemberEnrolled .* — command [0-9a-f-]{36}, caused by [0-9a-f-]{36}/,
    )
  })

  it('takes a stream name, and gives JSON', async () => {
    const r = await run('trail', `complaint-${complaintId}`, '--db', db, '--json')
    expect(r.code).toBe(0)
    const trail = json(r.stdout) as {
      streams: Array<{ streamName: string; entries: Array<{ what: string; why: string }> }>
    }
    expect(trail.streams.map((s) => s.streamName)).toEqual([`complaint-${complaintId}`])
    expect(trail.streams[0]?.entries[0]).toMatchObject({
      what: 'ComplaintReceived',
      why: `correlation ${complaintId}`,
    })
  })

  it('says clearly when nothing matches, exit 1', async () => {
    const r = await run('trail', 'nobody', '--db', db)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'dealer-crm: trail: nothing matches "nobody": no stream customer-nobody, referral-nobody, complaint-nobody, member-nobody\n',
    )
  })
})

describe('as-of', () => {
  type AsOf = { readModels: Record<string, Record<string, unknown>> }

  it('shows the read models as they were at an earlier time, different from now', async () => {
    const before = await run('as-of', hoursAfterStart(complaintHour - 1), '--db', db)
    const now = await run('as-of', 'now', '--db', db)
    expect(before.code).toBe(0)
    expect(now.code).toBe(0)
    const then = (json(before.stdout) as AsOf).readModels
    const latest = (json(now.stdout) as AsOf).readModels
    expect(Object.keys(then)).toHaveLength(17)
    expect(then.slaBoard).toEqual({})
    expect(Object.keys(latest.slaBoard ?? {})).toEqual([complaintId])
    expect((then.loyaltyTotals as { issued: number }).issued).toBe(5_000)
    expect((latest.loyaltyTotals as { issued: number }).issued).toBe(5_500)
    expect(json(before.stdout).asOf).toEqual({ time: hoursAfterStart(complaintHour - 1) })
  })

  it('folds up to a global position, one read model on request', async () => {
    const r = await run('as-of', '4', '--db', db, '--projection', 'customer-profiles')
    expect(r.code).toBe(0)
    const result = json(r.stdout) as AsOf & { asOf: unknown }
    expect(result.asOf).toEqual({ position: '4' })
    expect(Object.keys(result.readModels)).toEqual(['customerProfiles'])
    expect(Object.keys(result.readModels.customerProfiles ?? {})).toEqual([
      zhangSan.customerId,
      liSi.customerId,
    ])
  })

  it('prints a compact table', async () => {
    const r = await run('as-of', 'now', '--db', db, '--format', 'table', '--projection', 'slaBoard')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^slaBoard \(1 entries\)$/m)
    expect(r.stdout).toMatch(/^│ cmp-0001 +│ executed +│ cmp-0001 +│ zhang-san/m)
  })

  it('refuses a point that is neither a time nor a position, and an unknown read model', async () => {
    const bad = await run('as-of', 'yesterday', '--db', db)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^dealer-crm: as-of: "yesterday" is neither a global position/)
    const unknown = await run('as-of', 'now', '--db', db, '--projection', 'nope')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(
      /^dealer-crm: as-of: no read model "nope"; the read models are customerProfiles, /,
    )
    expect(unknown.stderr.split('\n')).toHaveLength(2)
  })
})

describe('rebuild', () => {
  it('folds a read model from position 0 and writes its state', async () => {
    const out = file('profiles.json')
    const r = await run('rebuild', 'customerProfiles', '--db', db, '--out', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^rebuilt customerProfiles \(customer-lifecycle\.customer-profile v1\) from position 0: 6 events in/,
    )
    expect(r.stderr).toMatch(/^rebuild customerProfiles: 6 events folded in/m)
    const state = JSON.parse(readFileSync(out, 'utf8')) as Record<string, { stage: string }>
    expect(Object.keys(state)).toEqual([zhangSan.customerId, liSi.customerId, 'wang-wu'])
    expect(state[zhangSan.customerId]?.stage).toBe('owner')
    const again = await run('rebuild', 'customerProfiles', '--db', db, '--out', out)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/exists; choose another --out\n$/)
  })

  it('prints a table by default', async () => {
    const r = await run('rebuild', 'memberLedgers', '--db', db)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^memberLedgers \(1 entries\)$/m)
    expect(r.stdout).toMatch(/^│ zhang-san +│ active/m)
  })
})

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
    const exported = file('with-keys.ndjson')
    const out = await run('export', '--db', db, '--out', exported, '--with-keys')
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
      (await storedEvents(db)).map((e) => [e.eventId, e.hash, e.recordedAt]),
    )
    const reexported = file('copy.ndjson')
    expect((await run('export', '--db', copy, '--out', reexported, '--with-keys')).code).toBe(0)
    expect(readFileSync(reexported, 'utf8')).toBe(readFileSync(exported, 'utf8'))
    expect((await run('verify', '--db', copy)).code).toBe(0)
    expect((await run('trail', zhangSan.customerId, '--db', copy)).stdout).toContain('"name":"张三"')
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
    const r = await run('forget', liSi.customerId, '--db', copy)
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
    expect((await run('trail', zhangSan.customerId, '--db', copy)).stdout).toContain(zhangSan.name)
    expect((await run('verify', '--db', copy)).code).toBe(0)

    const again = await run('forget', liSi.customerId, '--db', copy)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^forgot li-si: the key was already destroyed$/m)
  })

  it('exits 1 while old copies of the key remain (another process reads an older snapshot); run again, it finishes', async () => {
    const copy = file('forget-pending.db')
    await writeSqliteLog(copy)
    const other = createSqliteEventStore({ path: copy, registry: dealershipRegistry })
    other.database.prepare('BEGIN').run()
    other.database.prepare('SELECT count(*) FROM es_events').get()
    const r = await run('forget', liSi.customerId, '--db', copy)
    other.database.prepare('COMMIT').run()
    await other.close()
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^erasure PENDING: another connection still reads an older snapshot/m)
    expect(r.stderr).toMatch(/old copies of the key of li-si are not erased yet: .+; run forget again$/m)
    const again = await run('forget', liSi.customerId, '--db', copy)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^erasure complete: no copy of the key that decrypts is left in the store$/m)
  })

  it('forgets nothing when the log holds no personal data of the subject', async () => {
    const r = await run('forget', 'nobody', '--db', db)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^dealer-crm: forget: no personal data of "nobody" in the log; nothing was forgotten$/m,
    )
  })
})
