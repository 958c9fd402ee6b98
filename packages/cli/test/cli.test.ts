import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commands, parseTarget } from '../src/index.js'
import { createProgress } from '../src/progress.js'
import { run, tempDir } from './fixtures.js'

describe('the dispatcher', () => {
  it('lists every command in --help', async () => {
    const r = await run('--help')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    for (const c of commands)
      expect(r.stdout.split('\n')).toContainEqual(
        expect.stringMatching(new RegExp(`^ {2}${c.name} \\[options\\]( <[^>]+>)? +`)),
      )
    const flat = r.stdout.replace(/\s+/g, ' ')
    for (const c of commands) expect(flat).toContain(c.summary)
  })

  for (const c of commands)
    it(`${c.name} --help prints its usage and exits 0, without opening anything`, async () => {
      const r = await run(c.name, '--help')
      expect(r).toMatchObject({ code: 0, stderr: '' })
      expect(r.stdout).toMatch(new RegExp(`^Usage: dealer-crm ${c.name} `))
      expect((await run(c.name, '-h', '--db', '/nonexistent/x.db')).stdout).toBe(r.stdout)
    })

  const oneLineError = (
    r: { code: number; stdout: string; stderr: string },
    code: number,
    pattern: RegExp,
  ) => {
    expect(r.code).toBe(code)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(r.stderr).toMatch(pattern)
  }

  it('refuses no command, an unknown command, an unknown option and a missing argument with one line', async () => {
    oneLineError(await run(), 2, /^dealer-crm: no command given; run dealer-crm --help\n$/)
    oneLineError(
      await run('replay'),
      2,
      /^dealer-crm: unknown command "replay"; the commands are demo, stats, customer, trail, as-of, verify, report, rebuild, catch-up, export, import, forget\n$/,
    )
    oneLineError(
      await run('stats', '--db', 'x.db', '--verbose'),
      2,
      /^dealer-crm: stats: unknown option '--verbose'; see dealer-crm stats --help\n$/,
    )
    oneLineError(
      await run('trail', '--db', 'x.db'),
      2,
      /^dealer-crm: trail: missing required argument 'subject'; see dealer-crm trail --help\n$/,
    )
    oneLineError(
      await run('verify', 'extra', '--db', 'x.db'),
      2,
      /^dealer-crm: verify: too many arguments for 'verify'\. Expected 0 arguments but got 1/,
    )
    oneLineError(
      await run('stats', '--db'),
      2,
      /^dealer-crm: stats: option '--db <target>' argument missing; see dealer-crm stats --help\n$/,
    )
    oneLineError(
      await run('rebuild', 'customerProfiles', '--db', 'x.db', '--limit', 'many'),
      2,
      /--limit must be a whole number \(0 or more\), not "many"/,
    )
    oneLineError(
      await run('demo', '--customers', '-5'),
      2,
      /^dealer-crm: demo: option '--customers <n>' argument '-5' is invalid\. --customers must be a whole number \(0 or more\), not "-5"; see dealer-crm demo --help\n$/,
    )
  })

  it('refuses a missing --db and a target it does not know', async () => {
    oneLineError(
      await run('verify'),
      2,
      /^dealer-crm: verify: missing --db <target> \(a SQLite file, a postgres:\/\/ URL/,
    )
    oneLineError(
      await run('stats', '--db', 'mysql://localhost/crm'),
      2,
      /^dealer-crm: stats: --db mysql:\/\/ is not a known store/,
    )
    oneLineError(
      await run('stats', '--db', 'x.db', '--schema', 'crm'),
      2,
      /^dealer-crm: stats: --schema applies to a PostgreSQL target only\n$/,
    )
    oneLineError(
      await run('stats', '--db', 'postgres://u@h/d', '--schema', 'Bad-Name'),
      2,
      /^dealer-crm: stats: --schema "Bad-Name" is not a schema name/,
    )
    oneLineError(
      await run('stats', '--db', 'x.db', '--vault', 'keys.db'),
      2,
      /^dealer-crm: stats: --vault is for an EventStoreDB target/,
    )
  })

  it('never creates a missing SQLite file, and refuses a file that is not SQLite', async () => {
    const dir = tempDir()
    try {
      const missing = join(dir.path, 'missing.db')
      for (const command of [
        ['stats'],
        ['verify'],
        ['trail', 'x'],
        ['as-of', 'now'],
        ['rebuild', 'slaBoard'],
        ['export'],
        ['forget', 'x'],
      ]) {
        const r = await run(...command, '--db', missing)
        expect(r.code).toBe(1)
        expect(r.stderr).toBe(
          `dealer-crm: ${command[0]}: no such SQLite file: ${missing} (nothing was created)\n`,
        )
      }
      expect(existsSync(missing)).toBe(false)
      const text = join(dir.path, 'notes.txt')
      writeFileSync(text, 'not a database at all')
      oneLineError(
        await run('stats', '--db', text),
        1,
        /^dealer-crm: stats: .*notes\.txt is not a SQLite database\n$/,
      )
      const empty = join(dir.path, 'empty.db')
      writeFileSync(empty, '')
      oneLineError(
        await run('verify', '--db', `sqlite:${empty}`),
        1,
        /empty\.db is empty: not a dealer-crm database\n$/,
      )
      oneLineError(
        await run('import', join(dir.path, 'none.ndjson'), '--db', missing),
        1,
        /^dealer-crm: import: no such file: /,
      )
    } finally {
      dir.remove()
    }
  })

  it('names an unreachable EventStoreDB server in one line, within seconds', async () => {
    const started = Date.now()
    const r = await run('verify', '--db', 'esdb://127.0.0.1:1?tls=false')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^dealer-crm: verify: EventStoreDB read of \$all failed \(server unreachable or connection lost\): .*ECONNREFUSED/,
    )
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(Date.now() - started).toBeLessThan(10_000)
    const vault = await run('stats', '--db', 'esdb://127.0.0.1:1?tls=false', '--vault', 'esdb://127.0.0.1:2')
    expect(vault).toMatchObject({
      code: 2,
      stderr:
        'dealer-crm: stats: --vault must be a SQLite file or a PostgreSQL URL: EventStoreDB is no place for keys\n',
    })
  })

  it('names an unreachable PostgreSQL server in one line', async () => {
    const r = await run('stats', '--db', 'postgres://postgres@127.0.0.1:1/test')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^dealer-crm: stats: cannot open PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:1\/test \(schema dealer_crm\): .*ECONNREFUSED/,
    )
    expect(r.stderr.split('\n')).toHaveLength(2)
  })
})

describe('targets', () => {
  it('reads SQLite paths, PostgreSQL URLs and EventStoreDB connection strings', () => {
    expect(parseTarget('dealer.db', undefined)).toEqual({ kind: 'sqlite', path: resolve('dealer.db') })
    expect(parseTarget('sqlite:data/dealer.db', undefined)).toEqual({
      kind: 'sqlite',
      path: resolve('data/dealer.db'),
    })
    expect(parseTarget('sqlite:///tmp/dealer.db', undefined)).toEqual({
      kind: 'sqlite',
      path: '/tmp/dealer.db',
    })
    expect(parseTarget('postgres://crm@db/crm', undefined)).toEqual({
      kind: 'postgres',
      url: 'postgres://crm@db/crm',
      schema: 'dealer_crm',
    })
    expect(parseTarget('postgresql://crm@db/crm', 'group_a')).toMatchObject({
      kind: 'postgres',
      schema: 'group_a',
    })
    expect(parseTarget('esdb://es:2113?tls=false', undefined)).toEqual({
      kind: 'esdb',
      connectionString: 'esdb://es:2113?tls=false',
    })
    expect(parseTarget('esdb+discover://a,b,c', undefined)).toMatchObject({
      connectionString: 'esdb+discover://a,b,c',
    })
    expect(parseTarget('kurrentdb://es:2113?tls=false', undefined)).toEqual({
      kind: 'esdb',
      connectionString: 'esdb://es:2113?tls=false',
    })
    expect(() => parseTarget('', undefined)).toThrow(/--db is empty/)
    expect(() => parseTarget('sqlite:', undefined)).toThrow(/sqlite: needs a file path/)
  })
})

describe('progress', () => {
  const capture = (isTTY: boolean) => {
    let text = ''
    return { out: { isTTY, write: (s: string) => (text += s) }, text: () => text }
  }
  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms))

  it('draws a bar in place on a terminal, and ends with one line', async () => {
    const { out, text } = capture(true)
    const p = createProgress(out, 'verify', 200)
    p.update(100)
    await pause(150)
    p.finish('200 events checked')
    expect(text()).toContain('verify [###############---------------] 50% | 100 of 200')
    // The bar's line is cleared (ESC [2K) before the last line is written.
    const clear = '\x1b[2K'
    expect(text().slice(text().lastIndexOf(clear) + clear.length)).toMatch(
      /^verify: 200 events checked in \d+\.\d s\n$/,
    )
  })

  it('writes only the last line elsewhere when a command is quick', () => {
    const { out, text } = capture(false)
    const p = createProgress(out, 'export', null)
    for (let i = 1; i <= 5000; i++) p.update(i)
    p.finish('5000 events written')
    expect(text()).toMatch(/^export: 5000 events written in \d+\.\d s\n$/)
  })

  it('writes plain lines (no escape codes) while a long command runs elsewhere', async () => {
    const { out, text } = capture(false)
    const p = createProgress(out, 'import', 4000, { lineEveryMs: 20 })
    for (let i = 1; i <= 4; i++) {
      await pause(60)
      p.update(i * 1000)
    }
    await pause(60)
    p.finish('4000 events appended')
    const lines = text().trimEnd().split('\n')
    expect(text()).not.toContain('\x1b')
    expect(lines).toContain('import [##############################] 100% | 4,000 of 4,000')
    expect(lines.at(-1)).toMatch(/^import: 4000 events appended in \d+\.\d s$/)
  })
})

describe('a command that fails half way', () => {
  it('stops its progress bar, so the process can end', async () => {
    const { main } = await import('../src/index.js')
    const { logProgress } = await import('../src/progress.js')
    let text = ''
    const io = { stdout: { write: () => true }, stderr: { isTTY: true, write: (s: string) => (text += s) } }
    const failing = {
      name: 'failing',
      summary: 'fails after drawing',
      description: 'test only',
      run: async () => {
        logProgress(io.stderr, 'failing', 10n).event(5n)
        throw new Error('half way')
      },
    }
    const { commands } = await import('../src/main.js')
    ;(commands as unknown as Array<typeof failing>).push(failing)
    try {
      expect(await main(['failing'], io)).toBe(1)
    } finally {
      ;(commands as unknown as Array<typeof failing>).pop()
    }
    // The bar was drawn, then stopped (the cursor wrap is restored: ESC [?7h) before the error line.
    expect(text).toContain('failing [###############---------------] 50%')
    const restored = text.lastIndexOf('\x1b[?7h')
    expect(restored).toBeGreaterThan(0)
    expect(text.slice(restored)).toMatch(/dealer-crm: failing: half way\n$/)
  })
})
