// Runs the reward-cost read model over the demo's SQLite file: catch-up from a durable checkpoint
// (a second run goes on where the first stopped), then the same report as of a past date.
//
//   pnpm --filter @dealer-crm/example-custom-projection start [file] [--as-of 2026-06-30]
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type DealershipStore, dealershipRegistry } from '@dealer-crm/dealership'
import { createCatchUpRunner, projectAsOf } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { costRows, type RewardCost, rewardCostProjection } from './reward-cost.js'
import { renderCostTable } from './table.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const defaultDatabase = resolve(repoRoot, '.data/dealership-demo.sqlite')

/** Where the catch-up runner keeps its position and state, in the database's own checkpoint table. */
export const checkpointName = `${rewardCostProjection.name}@v${rewardCostProjection.version}`

export interface Output {
  readonly print: (line: string) => void
  readonly error: (line: string) => void
}

export interface Report {
  readonly code: 0
  /** Global positions the catch-up read from and up to (next position). */
  readonly from: bigint
  readonly to: bigint
  readonly current: RewardCost
  readonly asOf: Date
  readonly past: RewardCost
}

export type RunResult = Report | { readonly code: 1 | 2 }

/**
 * `--as-of 2026-06-30` is the end of that day in China time; a full ISO instant is taken as it is.
 * Null if it is neither.
 */
export const parseAsOf = (text: string): Date | null => {
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59.999+08:00` : text
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(instant) ? Date.parse(instant) : Number.NaN
  return Number.isNaN(ms) ? null : new Date(ms)
}

/**
 * The middle of the time the referral events span by commit time ("mid-year" of a year's data),
 * from the raw log: stored events are read without decrypting anything.
 */
const middleOfData = async (store: DealershipStore): Promise<Date | null> => {
  let first: number | null = null
  let last: number | null = null
  const filter = {
    from: 0n,
    to: null,
    batchSize: 1000,
    categories: null,
    types: rewardCostProjection.handles,
  }
  for await (const stored of store.log.readAll(filter)) {
    const at = Date.parse(stored.committedAt)
    first ??= at
    last = at
  }
  return first === null || last === null ? null : new Date(Math.floor((first + last) / 2))
}

const china = (d: Date) =>
  `${new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`

/** `pnpm start -- --as-of …` passes the `--` on: a leading one is dropped. */
const parse = (args: ReadonlyArray<string>) =>
  parseArgs({
    args: args[0] === '--' ? args.slice(1) : [...args],
    allowPositionals: true,
    options: { 'as-of': { type: 'string' } },
  })

/**
 * `cwd` resolves a relative database path; under `pnpm --filter … start` the script runs in this
 * example's folder, and pnpm passes the caller's folder as INIT_CWD.
 */
export const run = async (
  args: ReadonlyArray<string>,
  out: Output,
  cwd: string = process.env.INIT_CWD ?? process.cwd(),
): Promise<RunResult> => {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    out.error(`${(error as Error).message}\nusage: main.ts [database.sqlite] [--as-of YYYY-MM-DD]`)
    return { code: 2 }
  }
  const asOfFlag = parsed.values['as-of']
  const flagged = asOfFlag === undefined ? undefined : parseAsOf(asOfFlag)
  if (flagged === null) {
    out.error(`--as-of: expected a date (2026-06-30) or an ISO instant with its offset, got ${asOfFlag}`)
    return { code: 2 }
  }
  const path = resolve(cwd, parsed.positionals[0] ?? defaultDatabase)
  if (!existsSync(path)) {
    out.error(`No database at ${path}: run \`pnpm demo\` first (it writes the demo's year of events there).`)
    return { code: 1 }
  }

  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  try {
    let applied = 0
    const runner = createCatchUpRunner({
      store,
      // The same projection, counting what this run applies.
      projection: {
        ...rewardCostProjection,
        apply: (state, event) => {
          applied++
          return rewardCostProjection.apply(state, event)
        },
      },
      checkpoints: store.checkpoints,
      name: checkpointName,
    })
    const from = (await store.checkpoints.load(checkpointName))?.position ?? 0n
    const to = await runner.catchUp()
    const current = runner.state()
    out.print(
      `${from === 0n ? `Read ${path} from the start` : `Resumed from the checkpoint at position ${from}`}: ` +
        `${applied} new referral event${applied === 1 ? '' : 's'} applied, next position ${to}.`,
    )
    out.print('\nReferral-reward cost by month of release and reporting consultant, net of claw-backs:')
    for (const line of renderCostTable(costRows(current))) out.print(line)

    const asOf = flagged ?? (await middleOfData(store)) ?? new Date()
    const past = await projectAsOf(store, rewardCostProjection, { time: asOf })
    out.print(`\nThe same, as the store knew it on ${china(asOf)}:`)
    for (const line of renderCostTable(costRows(past))) out.print(line)
    return { code: 0, from, to, current, asOf, past }
  } finally {
    await store.close()
  }
}

if (process.argv[1]?.endsWith('main.ts')) {
  const result = await run(process.argv.slice(2), {
    print: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
  })
  process.exitCode = result.code
}
