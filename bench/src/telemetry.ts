/**
 * What OpenTelemetry costs the facade's commands (docs/performance.md, "Telemetry"), in one run:
 * customers registered and delivered through the dealership facade (two commands each), in child
 * processes (src/telemetry-workload.ts), timed in CPU time (the machine may be shared):
 *
 * - a baseline checkout built before the instrumentation (`--baseline PATH`) against this checkout
 *   with no SDK registered, both in one process, two facades each, batch by batch in turn;
 * - this checkout with no SDK; with the SDK: traces through a batch span processor and metrics
 *   through a periodic reader, both exporters dropping what they are given (no network in the
 *   figure); and with traces only and metrics only, to tell the two apart.
 *
 * Every round runs each once; the figures are the medians over the rounds.
 *
 *   pnpm --filter @dealer-crm/bench telemetry [--baseline PATH] [--customers 2000] [--rounds 5]
 *     [--store memory|sqlite]
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string', default: process.env.DEALER_CRM_BASELINE },
    customers: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    store: { type: 'string', default: 'memory' },
  },
})

const here = fileURLToPath(new URL('../..', import.meta.url))
const workload = fileURLToPath(new URL('./telemetry-workload.ts', import.meta.url))

export const baselineHint = `The uninstrumented figure needs a built checkout of the commit before the instrumentation, e.g.
  git worktree add --detach /tmp/base <commit> && (cd /tmp/base && pnpm install --frozen-lockfile && node scripts/build.mjs --esm)
then: pnpm --filter @dealer-crm/bench telemetry --baseline /tmp/base
`

interface Contender {
  readonly name: string
  readonly sdk: 'none' | 'traces' | 'metrics' | 'batch'
}

interface Round {
  /** Per second of CPU time, per checkout given. */
  readonly commandsPerSecond: ReadonlyArray<number>
  readonly spans: number
}

const run = (checkouts: ReadonlyArray<string>, sdk: string): Promise<Round> =>
  new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        workload,
        ...checkouts.flatMap((c) => ['--checkout', c]),
        '--sdk',
        sdk,
        '--customers',
        String(args.customers),
        '--store',
        String(args.store),
      ],
      { cwd: join(here, 'bench'), stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.on('error', fail)
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`the workload (${sdk}) exited with ${code}`))
      done(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'))
    })
  })

const builtAt = (checkout: string) => existsSync(join(checkout, 'packages/dealership/dist/esm/index.js'))
const median = (values: ReadonlyArray<number>) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
const pct = (x: number) => `${(100 * x).toFixed(1)}%`

const main = async () => {
  const contenders: Contender[] = [
    { name: 'no SDK', sdk: 'none' },
    { name: 'SDK: traces and metrics', sdk: 'batch' },
    { name: 'SDK: traces only', sdk: 'traces' },
    { name: 'SDK: metrics only', sdk: 'metrics' },
  ]
  if (!builtAt(here)) throw new Error(`${here} is not built: run node scripts/build.mjs --esm in it`)
  const baseline = args.baseline === undefined ? undefined : resolve(args.baseline)
  if (baseline === undefined) process.stdout.write(baselineHint)
  else if (!builtAt(baseline))
    throw new Error(`${baseline} is not built: run node scripts/build.mjs --esm in it`)
  const rounds = Math.max(1, Number(args.rounds))
  const versusBaseline: number[] = []
  const rates = new Map<string, number[]>()
  const spans = new Map<string, number>()
  for (let r = 0; r < rounds; r++) {
    if (baseline !== undefined) {
      // Both builds in one process, two facades each (baseline, this, this, baseline), batch by batch.
      const both = await run([baseline, here, here, baseline], 'none')
      const [base, ours] = both.commandsPerSecond as [number, number]
      versusBaseline.push(ours / base)
      process.stdout.write(
        `  round ${r + 1} uninstrumented ${Math.round(base)}, instrumented with no SDK ${Math.round(ours)} commands/s of CPU: ${pct(ours / base)}\n`,
      )
    }
    const order = r % 2 === 0 ? contenders : [...contenders].reverse()
    for (const c of order) {
      const result = await run([here], c.sdk)
      const rate = result.commandsPerSecond[0] ?? Number.NaN
      process.stdout.write(`  round ${r + 1} ${c.name.padEnd(24)} ${Math.round(rate)} commands/s of CPU\n`)
      rates.set(c.name, [...(rates.get(c.name) ?? []), rate])
      spans.set(c.name, result.spans)
    }
  }
  const noSdk = median(rates.get('no SDK') ?? [])
  process.stdout.write(
    `\n${args.customers} customers (${2 * Number(args.customers)} commands) per run, ${args.store} store, median of ${rounds} rounds, per second of CPU time:\n`,
  )
  for (const c of contenders) {
    const rate = median(rates.get(c.name) ?? [])
    process.stdout.write(
      `  ${c.name.padEnd(24)} ${Math.round(rate).toLocaleString('en-US').padStart(7)} commands/s  ${pct(rate / noSdk).padStart(6)} of no SDK` +
        (c.sdk === 'none' ? '' : `  (${(spans.get(c.name) ?? 0).toLocaleString('en-US')} spans exported)`) +
        '\n',
    )
  }
  if (versusBaseline.length > 0)
    process.stdout.write(
      `instrumented with no SDK / uninstrumented, in one process: median ${pct(median(versusBaseline))} (rounds: ${versusBaseline.map(pct).join(', ')})\n`,
    )
}

try {
  await main()
} catch (error) {
  process.stdout.write(`telemetry: ${(error as Error).message}\n`)
  process.exitCode = 1
}
