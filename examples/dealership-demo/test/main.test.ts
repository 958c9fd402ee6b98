import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { type DemoIo, defaultOut, run } from '../src/main.js'

const dir = mkdtempSync(join(tmpdir(), 'dealership-demo-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const capture = (tty = false) => {
  const out: string[] = []
  const err: string[] = []
  let clock = 0
  const io: DemoIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    tty,
    now: () => (clock += 10),
  }
  return { io, stdout: () => out.join(''), stderr: () => err.join('') }
}

describe('pnpm demo', () => {
  it('simulates into the given file and prints each domain, where the file is and what to try next', async () => {
    const path = join(dir, 'demo.sqlite')
    const { io, stdout, stderr } = capture()
    const code = await run(['--customers', '40', '--days', '60', '--seed', '5', '--out', path], io)
    expect(code).toBe(0)
    expect(existsSync(path)).toBe(true)
    const text = stdout()
    for (const figure of [
      'service retention',
      'churn',
      'pass rate',
      'fraud rate',
      'SLA met: first response',
      'root causes',
      'points liability',
      'breakage',
      'events in',
    ])
      expect(text).toContain(figure)
    expect(text).toContain(`Database: ${path}`)
    expect(text).toContain(`pnpm dealer-crm stats --db ${JSON.stringify(path)}`)
    // Not a terminal: a few plain progress lines, no bar.
    const lines = stderr().trim().split('\n')
    expect(lines[0]).toContain('Simulating 40 customers over 60 days (seed 5)')
    expect(lines.filter((l) => l.startsWith('simulated '))).toHaveLength(4)
    expect(stderr()).toContain('simulated 60 of 60 days')
    expect(stderr()).not.toContain('\r')
  }, 30_000)

  it('draws a bar on a terminal', async () => {
    const { io, stderr } = capture(true)
    expect(await run(['--customers', '20', '--days', '3', '--out', join(dir, 'bar.sqlite')], io)).toBe(0)
    expect(stderr()).toContain('\r[')
    expect(stderr()).toContain('day 3/3')
  }, 30_000)

  it.each([
    [['--customers', 'many'], '--customers expects a whole number, got "many"'],
    [['--customers', '3'], '--customers expected a whole number from 20'],
    [['--colour', 'red'], "Unknown option '--colour'"],
    [['extra'], 'extra'],
    [['--days', '-4'], '--days'],
  ])('%j exits non-zero with one line naming the problem, writing nothing', async (argv, says) => {
    const out = join(dir, `bad-${argv.join('')}.sqlite`)
    const { io, stdout, stderr } = capture()
    const code = await run([...argv, '--out', out], io)
    expect(code).toBe(2)
    expect(stderr()).toContain(says)
    expect(stderr().trimEnd().split('\n')).toHaveLength(1)
    expect(stdout()).toBe('')
    expect(existsSync(out)).toBe(false)
  })

  it('prints its help', async () => {
    const { io, stdout } = capture()
    expect(await run(['--help'], io)).toBe(0)
    expect(stdout()).toContain('--customers N')
    expect(stdout()).toContain('.data/dealership-demo.sqlite')
  })

  it('writes by default under the repository root, not the working directory', () => {
    const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
    expect(defaultOut).toBe(join(repoRoot, '.data', 'dealership-demo.sqlite'))
  })
})
