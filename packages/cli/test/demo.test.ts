import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run, tempDir } from './fixtures.js'

describe('demo', () => {
  const dir = tempDir()
  afterAll(() => dir.remove())

  it('simulates into a new file, prints the figures and where the file is; the other commands read it', async () => {
    const out = join(dir.path, 'demo.db')
    const r = await run('demo', '--customers', '20', '--seed', '7', '--days', '30', '--out', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Dealership year: \d+ customers, 2026-01-01 to 2026-01-30 \(30 days\)$/m)
    const database = /^database: (.*) \((\d+) events in (\d+) streams\)$/m.exec(r.stdout)
    expect(database?.[1]).toBe(out)
    expect(r.stderr).toMatch(/^demo: 20 customers, seed 7: 30 days simulated, \d+ events in \d+\.\d s$/m)

    const stats = await run('stats', '--db', out, '--json')
    expect(stats.code).toBe(0)
    expect(JSON.parse(stats.stdout)).toMatchObject({
      events: Number(database?.[2]),
      streams: Number(database?.[3]),
    })
    const verify = await run('verify', '--db', out)
    expect(verify.stdout.split('\n')[0]).toBe(
      `verified ${database?.[2]} events in ${database?.[3]} streams: every hash chain is intact`,
    )

    const again = await run('demo', '--customers', '20', '--seed', '7', '--days', '30', '--out', out)
    expect(again.code).toBe(1)
    expect(again.stderr).toBe(
      `dealer-crm: demo: ${out} exists; pass --force to replace it, or choose another --out\n`,
    )
    const forced = await run(
      'demo',
      '--customers',
      '20',
      '--seed',
      '7',
      '--days',
      '30',
      '--out',
      out,
      '--force',
    )
    expect(forced.code).toBe(0)
    expect(forced.stdout).toBe(r.stdout)
  })

  it('refuses options out of range before writing anything', async () => {
    const out = join(dir.path, 'never.db')
    const r = await run('demo', '--customers', '3', '--out', out)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^dealer-crm: demo: --customers: expected a whole number from 20 to /)
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(existsSync(out)).toBe(false)
    const bad = await run('demo', '--seed', 'x', '--out', out)
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'dealer-crm: demo: --seed must be a whole number, not "x"\n',
    })
    const start = await run('demo', '--start', '2026-02-30', '--out', out)
    expect(start.code).toBe(2)
    expect(existsSync(out)).toBe(false)
  })

  it('leaves an existing file alone', async () => {
    const out = join(dir.path, 'precious.db')
    writeFileSync(out, 'precious')
    expect((await run('demo', '--customers', '20', '--days', '1', '--out', out)).code).toBe(1)
    expect(readFileSync(out, 'utf8')).toBe('precious')
  })
})
