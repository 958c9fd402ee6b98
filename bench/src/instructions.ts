/**
 * CPU instructions per append (user space, `perf stat -e instructions:u`), our stores against the raw
 * drivers writing the same rows. Unlike events per second, the count hardly moves with the other work
 * of a shared VM, so it shows what the event store's own work costs. Each contender runs in two
 * processes that differ only in the number of appends; the difference, per append, leaves out
 * start-up, warm-up and closing. Needs Linux `perf` allowed to count (perf_event_paranoid ≤ 2).
 *
 *   pnpm --filter @dealer-crm/bench instructions [--size 100] [--appends 2000] [--only SQLite]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '100' },
    appends: { type: 'string', default: '2000' },
    only: { type: 'string' },
  },
})
const size = Number(args.size)
const appends = Number(args.appends)
const pgUrl = process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const loop = fileURLToPath(new URL('./append-loop.ts', import.meta.url))
const only = args.only
const pairs: ReadonlyArray<readonly [string, string]> = (
  [
    ['dealer-crm SQLite', 'raw better-sqlite3'],
    ['dealer-crm PostgreSQL', 'raw pg'],
  ] as const
).filter((pair) => only === undefined || pair.some((name) => name.includes(only)))

const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-instructions-'))

/** User-space instructions of one process making `n` appends to `name` (after its warm-up). */
const instructions = (name: string, n: number): number => {
  const argv = ['stat', '-x,', '-e', 'instructions:u', process.execPath, '--import', 'tsx', loop]
  argv.push(name, String(size), String(n), dir, pgUrl)
  const result = spawnSync('perf', argv, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })
  const line = result.stderr?.split('\n').find((l) => l.includes('instructions'))
  const value = Number(line?.split(',')[0])
  if (result.status !== 0 || !Number.isFinite(value) || value <= 0)
    throw new Error(`perf stat of ${name}: ${result.error?.message ?? result.stderr.trim().slice(-500)}`)
  return value
}

const perAppend = (name: string): number => {
  const few = instructions(name, appends / 4)
  const many = instructions(name, appends)
  return (many - few) / (appends - appends / 4)
}

const main = () => {
  if (spawnSync('perf', ['--version'], { stdio: 'ignore' }).error !== undefined) {
    process.stdout.write('instructions: needs Linux perf, which this machine does not have\n')
    return
  }
  const probe = spawnSync('perf', ['stat', '-x,', '-e', 'instructions:u', 'true'], { encoding: 'utf8' })
  if (probe.stderr.includes('<not supported>')) {
    process.stdout.write(
      'instructions: perf cannot count instructions here (no hardware counters, as in a VM without a virtual PMU)\n',
    )
    return
  }
  process.stdout.write(
    `instructions:u per append of ${size} event(s), from ${appends / 4} and ${appends} appends per process\n`,
  )
  const k = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')}k`
  for (const [ours, raw] of pairs) {
    const a = perAppend(ours)
    const b = perAppend(raw)
    process.stdout.write(
      `  ${ours.padEnd(22)} ${k(a).padStart(7)}   ${raw.padEnd(19)} ${k(b).padStart(7)}   raw/ours ${Math.round((b / a) * 100)}%\n`,
    )
  }
}

try {
  main()
} catch (error) {
  process.stdout.write(`instructions: ${(error as Error).message}\n`)
  process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
  // Our PostgreSQL store's schema stays after close (raw pg drops its own).
  const client = new pg.Client({ connectionString: pgUrl })
  await client
    .connect()
    .then(() => client.query('DROP SCHEMA IF EXISTS bench_ours_i CASCADE'))
    .catch(() => undefined)
  await client.end().catch(() => undefined)
}
