import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reader, run, tempDir, writeSqliteLog, zhangSan } from './fixtures.js'

const dir = tempDir()
const db = join(dir.path, 'dealer.db')
beforeAll(() => writeSqliteLog(db))
afterAll(() => dir.remove())

const at = ['--at', '2026-03-06T09:00:00+08:00', ...reader]

describe('customer', () => {
  it("shows one customer's 360 view: profile, stage and evidence, vehicle, touchpoints, referral, complaint, points in ¥", async () => {
    const r = await run('customer', zhangSan.customerId, '--db', db, ...at)
    expect(r).toMatchObject({ code: 0, stderr: '' })
    const text = r.stdout
    expect(text).toMatch(/^Customer zhang-san as of 2026-03-06T01:00:00\.000Z$/m)
    expect(text).toMatch(/^ {2}name: 张三$/m)
    expect(text).toMatch(/^Stage: owner since 2026-03-02$/m)
    expect(text).toMatch(
      /^ {2}evidence recorded with it: last visit - · last delivery 2026-03-02 · next service due /m,
    )
    expect(text).toMatch(/│ LSVAU2180N2183294 │ Sagitar │ white +│ 粤B12345 │ 2026-03-02 │/)
    expect(text).toMatch(
      /│ complaint-cmp-0001 │ periodic-call-back │ call +│ 2026-03-05 │ done +│ complaint-raised │/,
    )
    expect(text).toMatch(/│ ref-0001 +│ li-si +│ 2026-03-03 +│ verified │ 5,000 points │ released +│/)
    expect(text).toMatch(/│ cmp-0001 +│ general +│ advisor-wang │ 1 +│ response: stopped +│ - +│/)
    expect(text).toMatch(/^Membership: card card-zhang-san \(zhang-san\) · active · level standard$/m)
    expect(text).toMatch(/^ {2}points to spend 5,500 \(¥55\.00 at ¥1\.00 per 100 points\)/m)
    expect(text).toContain('Consent (latest word per purpose and channel): none')
  })

  it('serves the persisted customer 360: caught up by the first view, then read as it stands; catch-up reports each read model', async () => {
    const copy = join(dir.path, 'persisted.db')
    await writeSqliteLog(copy)
    const first = await run('customer', zhangSan.customerId, '--db', copy, ...at, '--json')
    expect(first).toMatchObject({ code: 0, stderr: '' })
    const caughtUp = await run('catch-up', '--db', copy)
    expect(caughtUp).toMatchObject({ code: 0, stderr: '' })
    expect(caughtUp.stdout).toMatch(/│ dealership\.customer-360 +│ +\d+ │ +0 │ live +│/)
    const again = await run('customer', zhangSan.customerId, '--db', copy, ...at, '--json')
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(first.stdout))
    const runs = JSON.parse((await run('catch-up', '--db', copy, '--json')).stdout) as Record<
      string,
      { applied: number; live: boolean }
    >
    expect(Object.keys(runs)).toHaveLength(6)
    expect(Object.values(runs).every((r) => r.live)).toBe(true)
  })

  it('catch-up refuses a store that is not there; forget drops the persisted personal documents', async () => {
    expect((await run('catch-up', '--db', join(dir.path, 'missing.db'))).code).toBe(1)
    const copy = join(dir.path, 'forget-persisted.db')
    await writeSqliteLog(copy)
    expect((await run('catch-up', '--db', copy)).code).toBe(0)
    expect((await run('forget', zhangSan.customerId, '--db', copy, ...reader)).code).toBe(0)
    const persisted = await run('customer', zhangSan.customerId, '--db', copy, ...at)
    expect(persisted).toMatchObject({ code: 0, stderr: '' })
    expect(persisted.stdout).toMatch(/^ {2}name: «erased»$/m)
    expect(persisted.stdout).not.toContain(zhangSan.name)
  })

  it('gives the same view as JSON', async () => {
    const r = await run('customer', zhangSan.customerId, '--db', db, ...at, '--json')
    expect(r.code).toBe(0)
    const view = JSON.parse(r.stdout)
    expect(view).toMatchObject({
      customerId: 'zhang-san',
      stage: 'owner',
      profile: { name: '张三' },
      membership: { memberId: 'zhang-san', balance: 5500 },
      referralsMade: [{ referralId: 'ref-0001', refereeId: 'li-si', outcome: 'verified' }],
    })
  })

  it('says when the customer is unknown (exit 1), and refuses a bad --at (exit 2)', async () => {
    expect(await run('customer', 'nobody', '--db', db, ...reader)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `dealer-crm: customer: no customer "nobody" in SQLite file ${db}\n`,
    })
    const bad = await run('customer', zhangSan.customerId, '--db', db, '--at', '2026-02-30')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--at "2026-02-30": 2026-02-30 is not a day of the calendar/)
  })

  it('shows personal fields as erased once the person was forgotten', async () => {
    const copy = join(dir.path, 'forgotten.db')
    await writeSqliteLog(copy)
    expect((await run('forget', zhangSan.customerId, '--db', copy, ...reader)).code).toBe(0)
    const r = await run('customer', zhangSan.customerId, '--db', copy, ...at)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ {2}name: «erased»$/m)
    expect(r.stdout).toMatch(/│ LSVAU2180N2183294 │ Sagitar │ white +│ «erased» │/)
  })

  it('refuses to decrypt without --as and --purpose (exit 2), and records each view in the access log', async () => {
    const copy = join(dir.path, 'logged.db')
    await writeSqliteLog(copy)
    const refused = await run('customer', zhangSan.customerId, '--db', copy)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(
      /^dealer-crm: customer: customer decrypts personal data: say who and why with --as/,
    )
    expect((await run('customer', zhangSan.customerId, '--db', copy, '--purpose', 'x')).stderr).toMatch(
      /--purpose needs --as <staff-id>/,
    )
    expect((await run('access-log', zhangSan.customerId, '--db', copy)).stdout).toMatch(
      /no read of zhang-san/,
    )
    expect(
      (await run('customer', zhangSan.customerId, '--db', copy, ...at, '--roles', 'auditor,customer-manager'))
        .code,
    ).toBe(0)
    const log = await run('access-log', zhangSan.customerId, '--db', copy, '--json')
    expect(log.code).toBe(0)
    expect(JSON.parse(log.stdout)).toMatchObject({
      person: 'zhang-san',
      entries: [
        {
          by: { id: 'auditor-qian', roles: ['auditor', 'customer-manager'] },
          purpose: 'audit of the test log',
          via: 'customer360',
          fields: ['profile.name', 'vehicles[].plate', 'recentTouchpoints[].note'],
        },
      ],
    })
    const table = await run('access-log', zhangSan.customerId, '--db', copy)
    expect(table.stdout).toMatch(/^zhang-san: 1 reads of personal data recorded$/m)
    expect(table.stdout).toMatch(
      /│ auditor-qian │ auditor, customer-manager │ audit of the test log │ customer360 │/,
    )
  })
})
