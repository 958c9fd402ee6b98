import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { liSi, reader, run, sqliteLogPerFile, zhangSan } from './fixtures.js'

const { db, file } = sqliteLogPerFile()

describe('subject-export', () => {
  it('refuses without --as and --purpose (exit 2), writing nothing', async () => {
    const out = file('refused.json')
    const r = await run('subject-export', zhangSan.customerId, '--db', db, '--out', out)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^dealer-crm: subject-export: subject-export decrypts personal data: say who and why/,
    )
    expect(existsSync(out)).toBe(false)
    expect((await run('access-log', zhangSan.customerId, '--db', db)).stdout).toMatch(/no read of zhang-san/)
  })

  it('writes everything held about the person as one JSON file, and logs the export in it', async () => {
    const out = file('li-si.json')
    const r = await run('subject-export', liSi.customerId, '--db', db, '--out', out, ...reader)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^exported \d+ events about li-si to .*li-si\.json$/m)
    const exported = JSON.parse(readFileSync(out, 'utf8'))
    expect(exported).toMatchObject({
      format: 'dealer-crm/subject-export/1',
      subject: 'li-si',
      exportedBy: { id: 'auditor-qian', roles: [] },
      purpose: 'audit of the test log',
      readModels: { customer360: { customerId: 'li-si', profile: { name: liSi.name } } },
      consents: {},
    })
    const streams = new Set(exported.events.map((e: { streamName: string }) => e.streamName))
    expect(streams).toEqual(new Set(['customer-li-si', 'referral-ref-0001']))
    expect(JSON.stringify(exported.events)).toContain(liSi.phone)
    expect(exported.accessLog).toMatchObject([{ by: { id: 'auditor-qian' }, via: 'subjectExport' }])
    const log = await run('access-log', liSi.customerId, '--db', db)
    expect(log.stdout).toMatch(/│ auditor-qian │ - +│ audit of the test log │ subjectExport │ /)
    expect((await run('verify', '--db', db)).code).toBe(0)
  })

  it('exits 1 for a person it holds nothing about, and refuses to overwrite --out', async () => {
    const nobody = await run('subject-export', 'nobody', '--db', db, ...reader)
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toMatch(/nothing is held about "nobody"/)
    const again = await run(
      'subject-export',
      liSi.customerId,
      '--db',
      db,
      '--out',
      file('li-si.json'),
      ...reader,
    )
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/li-si\.json exists; choose another --out/)
  })
})
