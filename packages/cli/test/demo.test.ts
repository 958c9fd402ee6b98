import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultDemoPath } from '../src/commands/demo.js'
import { run, tempDir } from './fixtures.js'

describe('demo', () => {
  const dir = tempDir()
  afterAll(() => dir.remove())

  it('simulates into a new file, prints the figures and where the file is; the other commands read it', async () => {
    const out = join(dir.path, 'demo.db')
    const r = await run('demo', '--customers', '20', '--seed', '7', '--days', '30', '--out', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^A dealership simulated from 2026-01-01 to 2026-01-30 \(30 days, China time\)$/m,
    )
    const database = /^database: (.*) \(([\d,]+) events in ([\d,]+) streams, [\d.]+ MB\)$/m.exec(r.stdout)
    expect(database?.[1]).toBe(out)
    const events = Number(database?.[2]?.replace(/,/g, ''))
    const streams = Number(database?.[3]?.replace(/,/g, ''))
    expect(r.stderr).toMatch(/^Simulating 20 customers over 30 days \(seed 7\) into /)
    // The report of the simulated period is written next to the database.
    const report = /^report: (.*) \(open it in a browser; no network needed\)$/m.exec(r.stdout)?.[1]
    expect(report).toBe(join(dir.path, 'demo.report.html'))
    expect(readFileSync(report ?? '', 'utf8')).toMatch(/<svg/)
    expect(r.stderr).toMatch(/^demo: simulated days: 30 days simulated, [\d,]+ events in \d+\.\d s$/m)

    const stats = await run('stats', '--db', out, '--json')
    expect(stats.code).toBe(0)
    expect(JSON.parse(stats.stdout)).toMatchObject({ events, streams })
    const verify = await run('verify', '--db', out)
    expect(verify.stdout.split('\n')[0]).toBe(
      `verified ${events} events in ${streams} streams: every hash chain is intact`,
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

  it('tells the period from all time, gives the points owed in ¥, and keeps read-model names for --verbose', async () => {
    const out = join(dir.path, 'summary.db')
    const r = await run('demo', '--customers', '40', '--seed', '3', '--days', '60', '--out', out)
    expect(r.code).toBe(0)
    const text = r.stdout
    expect(text).toMatch(/^ {2}points issued: in the 60 days [\d,]+ · all time [\d,]+$/m)
    expect(text).toMatch(/^ {2}claims: in the 60 days \d+ · all time \d+$/m)
    expect(text).toMatch(
      /^ {2}points still owed to members at the end: [\d,]+ points = ¥[\d,]+\.\d\d \(at ¥1\.00 per 100 points\)$/m,
    )
    expect(text).toMatch(/log holds \(owners who bought since 20\d\d-\d\d-\d\d\)/)
    // The history before the period is in "all time": issued all time exceeds issued in the period.
    const issued = /points issued: in the 60 days ([\d,]+) · all time ([\d,]+)/.exec(text)
    expect(Number(issued?.[2]?.replace(/,/g, ''))).toBeGreaterThan(Number(issued?.[1]?.replace(/,/g, '')))
    const summary = text.slice(0, text.indexOf('\ndatabase:'))
    for (const jargon of [
      'a fold over the log',
      'loyaltyTotals',
      'referralMetrics',
      'customerProfiles',
      'projection',
    ])
      expect(summary).not.toContain(jargon)
    const verbose = await run(
      'demo',
      '--customers',
      '40',
      '--seed',
      '3',
      '--days',
      '60',
      '--out',
      out,
      '--force',
      '--verbose',
    )
    expect(verbose.stdout).toContain('loyaltyTotals')
    expect(verbose.stdout.startsWith(summary)).toBe(true)
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
      stderr: `dealer-crm: demo: option '--seed <s>' argument 'x' is invalid. --seed must be a whole number (0 or more), not "x"; see dealer-crm demo --help\n`,
    })
    const negative = await run('demo', '--customers', '-5', '--out', out)
    expect(negative.code).toBe(2)
    expect(negative.stderr).toMatch(/--customers must be a whole number \(0 or more\), not "-5"/)
    expect(existsSync(out)).toBe(false)
  })

  it('leaves an existing --out file alone; its default file is its own', async () => {
    const out = join(dir.path, 'precious.db')
    writeFileSync(out, 'precious')
    expect((await run('demo', '--customers', '20', '--days', '1', '--out', out)).code).toBe(1)
    expect(readFileSync(out, 'utf8')).toBe('precious')
    expect(defaultDemoPath).toBe('.data/dealership-demo.sqlite')
    expect((await run('demo', '--help')).stdout).toContain('is replaced on every run')
  })
})
