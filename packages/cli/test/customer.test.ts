import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run, tempDir, writeSqliteLog, zhangSan } from './fixtures.js'

const dir = tempDir()
const db = join(dir.path, 'dealer.db')
beforeAll(() => writeSqliteLog(db))
afterAll(() => dir.remove())

const at = ['--at', '2026-03-06T09:00:00+08:00']

describe('customer', () => {
  it("shows one customer's 360 view: profile, stage and evidence, vehicle, touchpoints, referral, complaint, points in ¥", async () => {
    const r = await run('customer', zhangSan.customerId, '--db', db, ...at)
    // The fixture's file has no persisted read models yet: the command says so and folds the log.
    expect(r).toMatchObject({ code: 0 })
    expect(r.stderr).toBe(
      `customer: the persisted customer 360 does not hold the whole log; folding the log in memory (dealer-crm catch-up --db ${db} brings it up to date)\n`,
    )
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

  it('reads the persisted customer 360 once catch-up has brought it to the end of the log: the same view', async () => {
    const copy = join(dir.path, 'persisted.db')
    await writeSqliteLog(copy)
    const folded = await run('customer', zhangSan.customerId, '--db', copy, ...at, '--json')
    const caughtUp = await run('catch-up', '--db', copy)
    expect(caughtUp).toMatchObject({ code: 0, stderr: '' })
    expect(caughtUp.stdout).toMatch(/│ dealership\.customer-360 +│ +\d+ │ +\d+ │ live +│/)
    const persisted = await run('customer', zhangSan.customerId, '--db', copy, ...at, '--json')
    expect(persisted).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(persisted.stdout)).toEqual(JSON.parse(folded.stdout))
    // Nothing to do the second time; and the read models say where they stand, as JSON.
    const again = await run('catch-up', '--db', copy, '--json')
    const runs = JSON.parse(again.stdout) as Record<string, { applied: number; live: boolean }>
    expect(Object.values(runs).map((r) => r.applied)).toEqual(Object.values(runs).map(() => 0))
    expect(runs['dealership.customer-360']?.live).toBe(true)
  })

  it('catch-up refuses a store that is not there, and forget drops the persisted personal documents', async () => {
    expect((await run('catch-up', '--db', join(dir.path, 'missing.db'))).code).toBe(1)
    const copy = join(dir.path, 'forget-persisted.db')
    await writeSqliteLog(copy)
    expect((await run('catch-up', '--db', copy)).code).toBe(0)
    expect((await run('forget', zhangSan.customerId, '--db', copy)).code).toBe(0)
    // The customer 360 went with the key: read from the log (erased) until the next catch-up.
    const folded = await run('customer', zhangSan.customerId, '--db', copy, ...at)
    expect(folded.stderr).toMatch(/does not hold the whole log/)
    expect(folded.stdout).toMatch(/^ {2}name: «erased»$/m)
    expect((await run('catch-up', '--db', copy)).code).toBe(0)
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
    const unknown = await run('customer', 'nobody', '--db', db)
    expect(unknown).toMatchObject({ code: 1, stdout: '' })
    expect(unknown.stderr.endsWith(`dealer-crm: customer: no customer "nobody" in SQLite file ${db}\n`)).toBe(
      true,
    )
    const bad = await run('customer', zhangSan.customerId, '--db', db, '--at', '2026-02-30')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--at "2026-02-30": 2026-02-30 is not a day of the calendar/)
  })

  it('shows personal fields as erased once the person was forgotten', async () => {
    const copy = join(dir.path, 'forgotten.db')
    await writeSqliteLog(copy)
    expect((await run('forget', zhangSan.customerId, '--db', copy)).code).toBe(0)
    const r = await run('customer', zhangSan.customerId, '--db', copy, ...at)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ {2}name: «erased»$/m)
    expect(r.stdout).toMatch(/│ LSVAU2180N2183294 │ Sagitar │ white +│ «erased» │/)
  })
})
