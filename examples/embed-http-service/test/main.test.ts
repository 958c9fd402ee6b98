// main.ts as it is run: a child process that listens on PORT and closes cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const example = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = resolve(example, '../..')

const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) => child.once('exit', (code) => done(code)))

it('listens on PORT, serves requests and closes on SIGTERM with exit code 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'embed-http-main-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: example,
    env: {
      ...process.env,
      PORT: '0',
      DB_PATH: join(dir, 'service.sqlite'),
      JWT_SECRET: 'a test key of at least thirty-two bytes',
      // The tests' tsconfig maps @dealer-crm/* to the sources, as vitest does (no build needed).
      TSX_TSCONFIG_PATH: join(repoRoot, 'tsconfig.test.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exit = exited(child)
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  try {
    const url = await new Promise<string>((found, failed) => {
      const timer = setTimeout(() => failed(new Error(`no "listening" line in time:\n${log}`)), 20_000)
      const look = () => {
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log)
        if (match?.[1] === undefined) return
        clearTimeout(timer)
        found(match[1])
      }
      child.stdout?.on('data', look)
      void exit.then(() => failed(new Error(`exited before listening:\n${log}`)))
    })
    const names = await fetch(`${url}/read-models`)
    expect(names.status).toBe(200)
    expect(await names.json()).toContain('slaBoard')

    child.kill('SIGTERM')
    expect(await exit).toBe(0)
    expect(log).toContain('SIGTERM: closing')
    expect(log).toMatch(/"msg":"closed"/)
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})
