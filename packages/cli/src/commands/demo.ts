import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  defaults,
  maximumCustomers,
  minimumCustomers,
  renderMetrics,
  resolveOptions,
  runSimulation,
  SimulationOptionsError,
} from '@dealer-crm/simulation'
import { type Command, wholeNumber } from '../command.js'
import { parseCalendarDay } from '../dates.js'
import { readYearStart, renderDemoSummary } from '../demo-summary.js'
import { CliError, line, UsageError } from '../io.js'
import { withTarget } from '../open.js'
import { createProgress } from '../progress.js'
import { reportOf } from './report.js'

/** The demo's own file, which every run replaces; the README's commands read it. */
export const defaultDemoPath = '.data/dealership-demo.sqlite'

const sqliteFiles = (path: string) => ['', '-wal', '-shm', '-journal'].map((s) => `${path}${s}`)

const megabytes = (path: string): string => {
  const bytes = sqliteFiles(path).reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0)
  return `${(bytes / 1_048_576).toFixed(1)} MB`
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'simulate a year of a dealership into a SQLite file and print its key figures',
  options: [
    {
      flags: '--customers <n>',
      description: `customers by the end of the run (default ${defaults.customers}; ${minimumCustomers} to ${maximumCustomers})`,
      parse: wholeNumber('--customers'),
    },
    {
      flags: '--seed <s>',
      description: `seed of every random draw; the same seed gives the same figures (default ${defaults.seed})`,
      parse: wholeNumber('--seed'),
    },
    {
      flags: '--days <d>',
      description: `simulated days (default ${defaults.days})`,
      parse: wholeNumber('--days'),
    },
    {
      flags: '--start <day>',
      description: `first simulated day, YYYY-MM-DD in China time (default ${defaults.start})`,
      parse: (raw) => parseCalendarDay('--start', raw),
    },
    {
      flags: '--out <path>',
      description: `the SQLite file to write (default ${defaultDemoPath}, replaced on every run)`,
    },
    { flags: '--force', description: 'replace the --out file if it exists (otherwise it is refused)' },
    { flags: '--verbose', description: 'also print the figures by read model, as the domains name them' },
  ],
  description: `Simulates a dealership from a seed (@dealer-crm/simulation) on the embedded SQLite store: prospects
and deliveries, service visits, reminders honouring consent, referrals (some faked, some late),
complaints of every severity, loyalty earning, redemption and expiry, churn and win-back. Shows
progress per simulated day, then prints the key figures of the year and where the database is;
the same seed gives the same figures. Then point the other commands at it (--db PATH).

\`pnpm demo\` runs this same command. The default file (${defaultDemoPath}) is the demo's
own and is replaced on every run; a file named with --out that exists is refused unless --force.`,
  after: `Examples:
  dealer-crm demo
  dealer-crm demo --customers 200 --seed 7 --out .data/small.db`,
  run: async (args, io) => {
    const out = args.string('out')
    const path = resolve(out ?? defaultDemoPath)
    const customers = args.value<number>('customers') ?? defaults.customers
    const seed = args.value<number>('seed') ?? defaults.seed
    const days = args.value<number>('days') ?? defaults.days
    const start = args.value<string>('start') ?? defaults.start
    if (out !== undefined && existsSync(path) && !args.flag('force'))
      throw new CliError(`${path} exists; pass --force to replace it, or choose another --out`)
    let options: ReturnType<typeof resolveOptions>
    try {
      options = resolveOptions({ path, customers, seed, days, start })
    } catch (error) {
      if (error instanceof SimulationOptionsError) throw new UsageError(`--${error.option}: ${error.problem}`)
      throw error
    }
    line(io.stderr, `Simulating ${customers} customers over ${days} days (seed ${seed}) into ${path}`)
    const progress = createProgress(io.stderr, 'demo: simulated days', days)
    const result = await runSimulation({ ...options, onProgress: (done) => progress.update(done) })
    progress.finish(`${days} days simulated, ${result.events.toLocaleString('en-US')} events`)
    line(io.stdout, renderDemoSummary(result, await readYearStart(path, start)))
    if (args.flag('verbose')) {
      line(io.stdout)
      line(io.stdout, 'By read model (as the domains name them; consent is a fold over the log):')
      line(io.stdout, renderMetrics(result))
    }
    const shown = out ?? defaultDemoPath
    const db = /^[\w./-]+$/.test(shown) ? shown : JSON.stringify(shown)
    line(io.stdout)
    line(
      io.stdout,
      `database: ${result.path} (${result.events.toLocaleString('en-US')} events in ${result.streams.toLocaleString('en-US')} streams, ${megabytes(result.path)})`,
    )
    const report = await withTarget(
      'demo',
      { db: result.path, schema: undefined, vault: undefined },
      { create: false, readOnly: true },
      (opened) => reportOf(opened, io, { out: result.path.replace(/(\.sqlite|\.db)?$/, '.report.html') }),
    )
    line(io.stdout, `report: ${report} (open it in a browser; no network needed)`)
    line(io.stdout, 'next, try:')
    for (const next of [
      `stats --db ${db}`,
      `verify --db ${db}`,
      `report --db ${db} --lang en --out report-en.html`,
      `customer c-00042 --db ${db} --as manager-huang --purpose "service follow-up"`,
      `trail c-00042 --db ${db}`,
      `as-of 2026-07-01 --projection referralMetrics --db ${db}`,
    ])
      line(io.stdout, `  pnpm dealer-crm ${next}`)
    return 0
  },
}
