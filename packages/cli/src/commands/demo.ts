import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  defaults,
  maximumCustomers,
  minimumCustomers,
  renderMetrics,
  runSimulation,
  SimulationOptionsError,
} from '@dealer-crm/simulation'
import { integerOption, parseCommandArgs } from '../args.js'
import type { Command } from '../command.js'
import { CliError, line, UsageError } from '../io.js'
import { createProgress } from '../progress.js'

export const defaultDemoPath = '.data/demo.db'

export const demoCommand: Command = {
  name: 'demo',
  summary: 'simulate a year of a dealership into a new SQLite file and print its key figures',
  help: `Usage: dealer-crm demo [--customers N] [--seed S] [--days D] [--start DAY] [--out PATH] [--force]

Simulates a dealership from a seed (@dealer-crm/simulation) on the embedded SQLite store: prospects
and deliveries, service visits, reminders honouring consent, referrals (some faked, some late),
complaints of every severity, loyalty earning, redemption and expiry, churn and win-back. Shows
progress per simulated day, then prints each domain's key figures and where the database is; the
same seed gives the same figures. Then point the other commands at it (--db PATH).

Options:
  --customers N      customers by the end of the run (default ${defaults.customers}; ${minimumCustomers} to ${maximumCustomers})
  --seed S           seed of every random draw (default ${defaults.seed})
  --days D           simulated days (default ${defaults.days})
  --start DAY        first simulated day, in China time (default ${defaults.start})
  --out PATH         the SQLite file to create (default ${defaultDemoPath})
  --force            replace PATH if it exists (otherwise an existing file is refused)

Example:
  dealer-crm demo --customers 200 --seed 7 --out .data/small.db`,
  run: async (argv, io) => {
    const args = parseCommandArgs('demo', argv, {
      options: {
        customers: { type: 'string' },
        seed: { type: 'string' },
        days: { type: 'string' },
        start: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean' },
      },
      positionals: [],
    })
    const path = resolve(args.string('out') ?? defaultDemoPath)
    const customers = integerOption(args, 'customers', defaults.customers)
    const seed = integerOption(args, 'seed', defaults.seed)
    const days = integerOption(args, 'days', defaults.days)
    const start = args.string('start') ?? defaults.start
    if (existsSync(path) && !args.flag('force'))
      throw new CliError(`${path} exists; pass --force to replace it, or choose another --out`)
    const progress = createProgress(io.stderr, `demo: ${customers} customers, seed ${seed}`, days)
    let result: Awaited<ReturnType<typeof runSimulation>>
    try {
      result = await runSimulation({
        path,
        customers,
        seed,
        days,
        start,
        onProgress: (done) => progress.update(done),
      })
    } catch (error) {
      if (error instanceof SimulationOptionsError) throw new UsageError(`--${error.option}: ${error.problem}`)
      throw error
    }
    progress.finish(`${days} days simulated, ${result.events} events`)
    line(io.stdout, renderMetrics(result))
    line(io.stdout)
    line(io.stdout, `database: ${result.path} (${result.events} events in ${result.streams} streams)`)
    line(io.stdout, `next: dealer-crm stats --db ${result.path}`)
    return 0
  },
}
