import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  complaintHour,
  complaintId,
  hoursAfterStart,
  json,
  liSi,
  reader,
  run,
  sqliteLogPerFile,
  writeSqliteLog,
  zhangSan,
} from './fixtures.js'

const { db, file } = sqliteLogPerFile()

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
    // Without a purpose nothing is decrypted: the personal fields are shown sealed.
    expect(r.stdout).toContain('"name":{"sealed":true,"subjectId":"zhang-san"}')
    expect(r.stdout).not.toContain('张三')
    expect(r.stdout).toMatch(
      /VehicleDelivered .* — command delivery-zhang-san, correlation showroom-visit-1$/m,
    )
    expect(r.stdout).toMatch(
      /delivery-membership \(process-manager\): MemberEnrolled .* — command [0-9a-f-]{36}, caused by [0-9a-f-]{36}/,
    )
  })

  it('decrypts with --as and --purpose, first recording the read in the access log of each person shown', async () => {
    const copy = file('trail-read.db')
    await writeSqliteLog(copy)
    const r = await run('trail', 'referral-ref-0001', '--db', copy, ...reader)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`"name":"${liSi.name}"`)
    expect(r.stdout).toContain(`"name":"${zhangSan.name}"`)
    // The referral names both people: each one's access log records the read and the fields shown.
    for (const [person, field] of [
      [liSi.customerId, 'referral-ref-0001#1 data.referee.name'],
      [zhangSan.customerId, 'referral-ref-0001#1 data.referrer.name'],
    ] as const) {
      const log = JSON.parse((await run('access-log', person, '--db', copy, '--json')).stdout)
      expect(log.entries).toMatchObject([
        { by: { id: 'auditor-qian' }, purpose: 'audit of the test log', via: 'dealer-crm trail' },
      ])
      expect(log.entries[0].fields).toContain(field)
    }
    expect((await run('verify', '--db', copy)).code).toBe(0)
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
  it('folds without decrypting: personal fields show sealed, in JSON and in tables, and as-of alike', async () => {
    const r = await run('rebuild', 'customerProfiles', '--db', db, '--json')
    expect(r.code).toBe(0)
    expect(json(r.stdout)['zhang-san']).toMatchObject({ name: { sealed: true, subjectId: 'zhang-san' } })
    expect(r.stdout).not.toContain(zhangSan.name)
    const table = await run('rebuild', 'customerProfiles', '--db', db)
    expect(table.stdout).toContain('«sealed»')
    expect(table.stdout).not.toContain(zhangSan.name)
    const asOf = await run('as-of', 'now', '--db', db, '--projection', 'customer360')
    expect(asOf.code).toBe(0)
    expect(asOf.stdout).toMatch(/"sealed": true,\s+"subjectId": "li-si"/)
    expect(asOf.stdout).not.toContain(liSi.name)
  })

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
