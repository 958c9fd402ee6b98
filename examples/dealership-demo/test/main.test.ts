import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Io, main } from '@dealer-crm/cli'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from '../src/main.js'

const dir = mkdtempSync(join(tmpdir(), 'dealership-demo-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const capture = () => {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  }
  return { io, stdout: () => stdout, stderr: () => stderr }
}

/**
 * Progress without what differs from run to run: its first and last lines (the lines between come
 * once a second), without the time the run took.
 */
const steady = (text: string) => {
  const lines = text.trimEnd().split('\n')
  return [lines[0], lines.at(-1)?.replace(/ in \d+\.\d s$/, ' in … s')]
}

describe('pnpm demo', () => {
  it('is dealer-crm demo: the same summary, progress and file for the same options', async () => {
    const path = join(dir, 'demo.sqlite')
    const options = ['--customers', '40', '--days', '60', '--seed', '5', '--out', path]
    const viaPnpm = capture()
    expect(await run(['--', ...options], viaPnpm.io)).toBe(0)
    expect(existsSync(path)).toBe(true)
    const viaCli = capture()
    expect(await main(['demo', ...options, '--force'], viaCli.io)).toBe(0)
    expect(viaCli.stdout()).toBe(viaPnpm.stdout())
    expect(steady(viaCli.stderr())).toEqual(steady(viaPnpm.stderr()))
    expect(viaPnpm.stderr()).toMatch(/^demo: simulated days: 60 days simulated, [\d,]+ events in \d+\.\d s$/m)
    expect(viaPnpm.stdout()).toMatch(
      /^report: .*demo\.report\.html \(open it in a browser; no network needed\)$/m,
    )
    const text = viaPnpm.stdout()
    for (const figure of [
      'in the 60 days',
      'all time',
      'at the end',
      'service retention',
      'points still owed',
    ])
      expect(text).toContain(figure)
    expect(text).toMatch(/points still owed to members at the end: [\d,]+ points = ¥[\d,]+\.\d\d/)
    expect(text).toContain(`pnpm dealer-crm stats --db ${path}`)
  })

  it('refuses a bad option in one line with exit code 2, writing nothing', async () => {
    const path = join(dir, 'never.sqlite')
    const bad = capture()
    expect(await run(['--customers', '-5', '--out', path], bad.io)).toBe(2)
    expect(bad.stderr()).toBe(
      `dealer-crm: demo: option '--customers <n>' argument '-5' is invalid. --customers must be a whole number (0 or more), not "-5"; see dealer-crm demo --help\n`,
    )
    expect(existsSync(path)).toBe(false)
  })

  it('prints the help of dealer-crm demo', async () => {
    const help = capture()
    expect(await run(['--help'], help.io)).toBe(0)
    expect(help.stdout()).toMatch(/^Usage: dealer-crm demo \[options\]/)
    expect(help.stdout()).toContain('.data/dealership-demo.sqlite')
  })
})
