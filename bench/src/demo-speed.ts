/**
 * The demo (a seeded year of a dealership through the facade, on SQLite) in this checkout against a
 * baseline checkout, one after the other in one run, and the speed-up (docs/performance.md,
 * "The demo"). Both must print the same figures: the seed fixes every draw, so a difference means
 * the two checkouts decide differently, and the speed-up is then not reported as one.
 *
 *   pnpm --filter @dealer-crm/bench demo-speed --baseline PATH [--customers 2000] [--runs 1]
 *
 * PATH is a built checkout of an earlier commit (see `baselineHint`). `pnpm bench` runs this with
 * the path in DEALER_CRM_BASELINE, and otherwise prints how to make one.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string', default: process.env.DEALER_CRM_BASELINE },
    customers: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '1' },
  },
})

export const baselineHint = `The demo's speed-up needs a built baseline checkout, e.g. of the commit before the state cache:
  git worktree add --detach /tmp/base <commit> && (cd /tmp/base && pnpm install --frozen-lockfile && node scripts/build.mjs --esm)
then: pnpm --filter @dealer-crm/bench demo-speed --baseline /tmp/base   (or DEALER_CRM_BASELINE=/tmp/base pnpm bench)
`

const here = fileURLToPath(new URL('../..', import.meta.url))

interface Run {
  readonly seconds: number
  readonly events: number
  /** What the demo printed, less the lines that name the file, its size and the time. */
  readonly figures: string
}

const runDemo = (checkout: string, customers: number, out: string): Promise<Run> =>
  new Promise((done, fail) => {
    const example = join(checkout, 'examples/dealership-demo')
    const tsx = join(example, 'node_modules/.bin/tsx')
    const started = process.hrtime.bigint()
    const child = spawn(tsx, ['src/main.ts', '--customers', String(customers), '--out', out], {
      cwd: example,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.on('error', fail)
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      if (code !== 0) return fail(new Error(`the demo in ${checkout} exited with ${code}:\n${stdout}`))
      const events = Number(/\(([\d,]+) events/.exec(stdout)?.[1]?.replaceAll(',', '') ?? Number.NaN)
      const figures = stdout
        .split('\n')
        .filter((line) => !/^(Simulating|Simulated in|Database:)|--db /.test(line))
        .join('\n')
      done({ seconds, events, figures })
    })
  })

/** The lines of the demo's figures that differ, baseline first. */
const figureDifference = (baseline: string, ours: string): string => {
  const a = baseline.split('\n')
  const b = ours.split('\n')
  const lines: string[] = []
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) lines.push(`  - baseline: ${a[i] ?? ''}`, `  + this:     ${b[i] ?? ''}`)
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

const builtAt = (checkout: string) => existsSync(join(checkout, 'packages/dealership/dist/esm/index.js'))

const main = async () => {
  if (args.baseline === undefined) {
    process.stdout.write(baselineHint)
    return
  }
  const baseline = resolve(args.baseline)
  const customers = Number(args.customers)
  const runs = Math.max(1, Number(args.runs))
  for (const checkout of [baseline, here])
    if (!builtAt(checkout))
      throw new Error(`${checkout} is not built: run node scripts/build.mjs --esm in it`)
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-demo-speed-'))
  try {
    const best = { baseline: Number.POSITIVE_INFINITY, ours: Number.POSITIVE_INFINITY }
    let last: { baseline?: Run; ours?: Run } = {}
    for (let run = 0; run < runs; run++) {
      // Alternate which goes first, so a slow spell of the machine does not always fall on one.
      const order = run % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const)
      for (const which of order) {
        const checkout = which === 'ours' ? here : baseline
        const result = await runDemo(checkout, customers, join(dir, `${which}-${run}.sqlite`))
        process.stdout.write(
          `  ${which.padEnd(8)} ${checkout}: ${result.events.toLocaleString('en-US')} events in ${result.seconds.toFixed(1)} s (${Math.round(result.events / result.seconds).toLocaleString('en-US')} events/s)\n`,
        )
        best[which] = Math.min(best[which], result.seconds)
        last = { ...last, [which]: result }
      }
    }
    const rate = (r: Run | undefined, seconds: number) => (r === undefined ? Number.NaN : r.events / seconds)
    const ratio = {
      time: best.baseline / best.ours,
      rate: rate(last.ours, best.ours) / rate(last.baseline, best.baseline),
    }
    const same = last.baseline?.figures === last.ours?.figures
    process.stdout.write(
      same
        ? `demo of ${customers.toLocaleString('en-US')} customers, same figures in both; best of ${runs}: baseline ${best.baseline.toFixed(1)} s, this checkout ${best.ours.toFixed(1)} s, speed-up ${ratio.time.toFixed(2)}×\n`
        : // The rules changed between the checkouts (a calendar, a reservation, a fact): the same
          // seeded year then ends with other figures and slightly other events, so the speed-up is
          // given both by time and by events per second, and the difference is printed.
          `demo of ${customers.toLocaleString('en-US')} customers; the checkouts decide differently (figures below); best of ${runs}: baseline ${best.baseline.toFixed(1)} s, this checkout ${best.ours.toFixed(1)} s, speed-up ${ratio.time.toFixed(2)}× by time, ${ratio.rate.toFixed(2)}× by events/s\n${figureDifference(last.baseline?.figures ?? '', last.ours?.figures ?? '')}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

try {
  await main()
} catch (error) {
  process.stdout.write(`demo-speed: ${(error as Error).message}\n`)
  process.exitCode = 1
}
