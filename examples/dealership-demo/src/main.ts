import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  defaults,
  renderMetrics,
  resolveOptions,
  runSimulation,
  SimulationOptionsError,
} from '@dealer-crm/simulation'

/** Where the demo writes its database: `<repo root>/.data/`, wherever it is run from. */
export const defaultOut = fileURLToPath(new URL('../../../.data/dealership-demo.sqlite', import.meta.url))

export interface DemoIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Draw a progress bar (stderr is a terminal) rather than a few plain lines. */
  readonly tty: boolean
  /** Milliseconds, for the time the run took (reported, never part of the metrics). */
  readonly now: () => number
}

const help = `Usage: pnpm demo [-- options]

Simulates a year of a car dealership (4S store) from a seed, through the dealership facade, on the
embedded SQLite store, then prints each domain's key figures and where the database is.

Options:
  --customers N   customers by the end of the year (default ${defaults.customers})
  --seed S        seed of every random draw; the same seed gives the same figures (default ${defaults.seed})
  --days D        days to simulate from ${defaults.start} (default ${defaults.days})
  --out PATH      the SQLite file to (re)create (default <repo root>/.data/dealership-demo.sqlite)
  -h, --help      this help
`

/** A bad command line: one line on stderr, exit code 2. */
class UsageError extends Error {}

const wholeNumber = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} expects a whole number, got "${value}"`)
  return Number(value)
}

const parse = (argv: ReadonlyArray<string>) => {
  try {
    return parseArgs({
      // pnpm passes a lone `--` through when the user writes `pnpm demo -- --customers 500`.
      args: argv.filter((a) => a !== '--'),
      options: {
        customers: { type: 'string' },
        seed: { type: 'string' },
        days: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad options')
  }
}

const bar = (done: number, total: number, width = 30): string => {
  const filled = Math.round((done / total) * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`
}

/** Progress on stderr: a bar redrawn in place on a terminal, else a line at each quarter. */
const progress = (io: DemoIo, started: number) => {
  let quarter = 0
  return (done: number, total: number) => {
    const seconds = ((io.now() - started) / 1000).toFixed(1)
    if (io.tty) {
      io.stderr(`\r${bar(done, total)} day ${done}/${total} · ${seconds} s`)
      if (done === total) io.stderr('\n')
    } else if (done * 4 >= (quarter + 1) * total) {
      quarter = Math.floor((done * 4) / total)
      io.stderr(`simulated ${done} of ${total} days (${seconds} s)\n`)
    }
  }
}

const megabytes = (path: string): string => {
  const size = ['', '-wal'].reduce((sum, suffix) => {
    try {
      return sum + statSync(`${path}${suffix}`).size
    } catch {
      return sum
    }
  }, 0)
  return `${(size / 1_048_576).toFixed(1)} MB`
}

/** The demo as a function of its command line: returns the exit code. */
export const run = async (argv: ReadonlyArray<string>, io: DemoIo): Promise<number> => {
  let options: ReturnType<typeof parse>
  try {
    options = parse(argv)
    if (options.help === true) {
      io.stdout(help)
      return 0
    }
    const path = resolve(options.out ?? defaultOut)
    const customers = wholeNumber('customers', options.customers)
    const seed = wholeNumber('seed', options.seed)
    const days = wholeNumber('days', options.days)
    const started = io.now()
    const chosen = resolveOptions({
      path,
      ...(customers === undefined ? {} : { customers }),
      ...(seed === undefined ? {} : { seed }),
      ...(days === undefined ? {} : { days }),
      onProgress: progress(io, started),
    })
    io.stderr(
      `Simulating ${chosen.customers} customers over ${chosen.days} days (seed ${chosen.seed}) into ${path}\n`,
    )
    const result = await runSimulation(chosen)
    const seconds = ((io.now() - started) / 1000).toFixed(1)
    const db = JSON.stringify(result.path)
    io.stdout(`${renderMetrics(result)}\n\n`)
    io.stdout(
      [
        `Simulated in ${seconds} s.`,
        `Database: ${result.path} (${result.events.toLocaleString('en-US')} events, ${result.streams.toLocaleString('en-US')} streams, ${megabytes(result.path)})`,
        '',
        'Next, try:',
        `  pnpm dealer-crm stats --db ${db}`,
        `  pnpm dealer-crm verify --db ${db}`,
        `  pnpm dealer-crm trail c-00042 --db ${db}`,
        `  pnpm dealer-crm as-of 2026-06-30T00:00:00Z --projection referralMetrics --db ${db}`,
        `  pnpm dealer-crm forget c-00042 --db ${db}`,
        '',
      ].join('\n'),
    )
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dealership-demo: ${error.message} (see --help)\n`)
      return 2
    }
    if (error instanceof SimulationOptionsError) {
      io.stderr(`dealership-demo: --${error.option} ${error.problem}\n`)
      return 2
    }
    io.stderr(`dealership-demo: ${(error as Error).message ?? String(error)}\n`)
    return 1
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    tty: process.stderr.isTTY === true,
    now: () => Date.now(),
  })
}
