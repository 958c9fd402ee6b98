import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run, tempDir, writeSqliteLog } from './fixtures.js'

const dir = tempDir()
const db = join(dir.path, 'dealer.db')
beforeAll(() => writeSqliteLog(db))
afterAll(() => dir.remove())

describe('report', () => {
  it('writes one HTML page with charts and the verified log, in English when asked', async () => {
    const out = join(dir.path, 'report-en.html')
    const r = await run(
      'report',
      '--db',
      db,
      '--lang',
      'en',
      '--from',
      '2026-03',
      '--to',
      '2026-03',
      '--out',
      out,
    )
    expect(r).toMatchObject({ code: 0, stdout: `report: ${out}\n` })
    const html = readFileSync(out, 'utf8')
    expect(html).toMatch(/<svg/)
    expect(html).toContain('lang="en"')
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
  })

  it('defaults to Chinese labels', async () => {
    const out = join(dir.path, 'report-zh.html')
    expect((await run('report', '--db', db, '--out', out)).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('lang="zh-CN"')
  })

  it('refuses a bad month or language with exit 2 and writes nothing', async () => {
    const out = join(dir.path, 'never.html')
    for (const bad of [
      ['--from', '2026-13'],
      ['--to', '2026-3'],
      ['--lang', 'fr'],
      ['--from', '2026-04', '--to', '2026-03'],
    ]) {
      const r = await run('report', '--db', db, ...bad, '--out', out)
      expect({ bad, code: r.code }).toEqual({ bad, code: 2 })
      expect(r.stderr).toMatch(/^dealer-crm: report: /)
    }
    expect(existsSync(out)).toBe(false)
  })
})
