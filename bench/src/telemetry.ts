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
 * With `--control PATH`, a second built copy of the baseline, each round also compares the baseline
 * with that copy the same way: identical code, so its spread is the method's noise on this machine.
 * Last, the cost of the telemetry calls a command makes with no SDK, timed alone.
 *
 *   pnpm --filter @dealer-crm/bench telemetry [--baseline PATH] [--control PATH] [--customers 2000] [--rounds 5]
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
    /** A second built copy of the baseline: the same code compared with itself shows the noise. */
    control: { type: 'string' },
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

/** The no-SDK cost of the calls a command makes into the telemetry module, in ns each (this process registers no SDK). */
const callCost = async () => {
  const module = (path: string) => import(join(here, 'packages/eventsourcing/dist/esm/telemetry', path))
  const { startCommand } = (await module(
    'command-trace.js',
  )) as typeof import('../../packages/eventsourcing/src/telemetry/command-trace.js')
  const { traceparentOf } = (await module(
    'traceparent.js',
  )) as typeof import('../../packages/eventsourcing/src/telemetry/traceparent.js')
  const { recordAppend } = (await module(
    'store-span.js',
  )) as typeof import('../../packages/eventsourcing/src/telemetry/store-span.js')
  const n = 200_000
  const command = { type: 'RegisterProspect', data: {} }
  const each = (work: () => void) => {
    let best = Number.POSITIVE_INFINITY
    for (let r = 0; r < 5; r++) {
      const began = process.hrtime.bigint()
      for (let i = 0; i < n; i++) work()
      best = Math.min(best, Number(process.hrtime.bigint() - began) / n)
    }
    return best
  }
  return {
    command: each(() =>
      startCommand('customer-1', command, 'customer-lifecycle', undefined).end({
        outcome: 'appended',
        version: 1,
        events: 1,
      }),
    ),
    traceparent: each(() => traceparentOf()),
    append: each(() => recordAppend([command])),
  }
}

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
  const control = args.control === undefined ? undefined : resolve(args.control)
  if (control !== undefined && !builtAt(control))
    throw new Error(`${control} is not built: run node scripts/build.mjs --esm in it`)
  const versusBaseline: number[] = []
  const versusItself: number[] = []
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
    if (baseline !== undefined && control !== undefined) {
      const same = await run([baseline, control, control, baseline], 'none')
      const [base, copy] = same.commandsPerSecond as [number, number]
      versusItself.push(copy / base)
      process.stdout.write(`  round ${r + 1} the baseline against a copy of itself: ${pct(copy / base)}\n`)
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
  if (versusItself.length > 0)
    process.stdout.write(
      `the uninstrumented build / a copy of itself (the method's noise): median ${pct(median(versusItself))} (rounds: ${versusItself.map(pct).join(', ')})\n`,
    )
  // What the library's telemetry calls cost per command with no SDK, by themselves.
  const calls = await callCost()
  process.stdout.write(
    `with no SDK, per command: the command's telemetry ${calls.command.toFixed(0)} ns, the event's trace context ${calls.traceparent.toFixed(0)} ns, the append metrics ${calls.append.toFixed(0)} ns (best of 5 × 200,000 calls)\n`,
  )
}

try {
  await main()
} catch (error) {
  process.stdout.write(`telemetry: ${(error as Error).message}\n`)
  process.exitCode = 1
}
