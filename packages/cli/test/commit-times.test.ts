import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reader, run, tempDir, writeSqliteLog } from './fixtures.js'

const dir = tempDir()
const db = join(dir.path, 'dealer.db')
const file = (name: string) => join(dir.path, name)
let lines: Array<Record<string, unknown>> = []

beforeAll(async () => {
  await writeSqliteLog(db)
  const exported = file('export.ndjson')
  expect((await run('export', '--db', db, '--out', exported, '--with-keys', ...reader)).code).toBe(0)
  lines = readFileSync(exported, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
})
afterAll(() => dir.remove())

/** The event lines (the key lines follow them). */
const events = () => lines.filter((l) => !('subjectKey' in l))

const asOfNow = async (target: string) => (await run('as-of', 'now', '--db', target)).stdout

describe('commit times in export and import', () => {
  it('export writes each event with its commit time; import keeps it, so as-of by time answers the same', async () => {
    expect(events().every((l) => typeof l.committedAt === 'string')).toBe(true)
    const copy = file('copy.db')
    expect((await run('import', file('export.ndjson'), '--db', copy)).code).toBe(0)
    const time = events()[12]?.committedAt as string
    const original = await run('as-of', time, '--db', db)
    const copied = await run('as-of', time, '--db', copy)
    expect(original.code).toBe(0)
    expect(copied.stdout).toBe(original.stdout)
  })

  it('a file exported before commit times were kept imports with the greatest recorded time so far', async () => {
    const target = file('legacy.db')
    const intact = file('legacy-intact.ndjson')
    writeFileSync(intact, `${lines.map(({ committedAt: _, ...rest }) => JSON.stringify(rest)).join('\n')}\n`)
    const imported = await run('import', intact, '--db', target)
    expect(imported.code).toBe(0)
    const back = file('legacy-back.ndjson')
    expect((await run('export', '--db', target, '--out', back)).code).toBe(0)
    let latest = ''
    const expected = events().map((l) => {
      latest = (l.recordedAt as string) > latest ? (l.recordedAt as string) : latest
      return latest
    })
    const committed = readFileSync(back, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { committedAt: string }).committedAt)
    expect(committed).toEqual(expected)
    expect(await asOfNow(target)).toBe(await asOfNow(db))
  })

  it('refuses a file whose commit times go back in global order, naming the line, and creates nothing', async () => {
    const bad = lines.map((l, i) => (i === 4 ? { ...l, committedAt: '2020-01-01T00:00:00.000Z' } : l))
    const path = file('backwards.ndjson')
    writeFileSync(path, `${bad.map((l) => JSON.stringify(l)).join('\n')}\n`)
    const target = file('backwards.db')
    const r = await run('import', path, '--db', target)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /backwards\.ndjson line 5: commit time 2020-01-01T00:00:00\.000Z after 2026-.*: commit times never decrease in global order/,
    )
    expect(existsSync(target)).toBe(false)
  })
})
