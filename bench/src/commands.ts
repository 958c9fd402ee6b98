/**
 * Commands against the store, in one run (docs/performance.md, "Commands"):
 *
 * 1. On SQLite, a facade-style command (decode the input, load the stream, decide, append one
 *    event) with the state cache and without it, against a bare `appendToStream` of the same events
 *    to the same streams: the ratio command / bare append is the figure (target ≥ 60%).
 * 2. The command rate on one stream that already holds 1, 100, 1,000 or 10,000 events, on SQLite and
 *    PostgreSQL, with the cache, without it, and (PostgreSQL, when `pnpm bench:peers` installed it)
 *    Emmett's command handler. Each round starts a new stream filled to the length in batches; its
 *    first command (the cold load: a process that has not seen the stream) is timed on its own.
 *
 * Contenders take turns round by round and each keeps its best round, as in main.ts.
 *
 *   pnpm --filter @dealer-crm/bench commands [--commands N] [--streams N] [--lengths 1,100,1000,10000]
 *     [--rounds N] [--only sqlite|postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createStateCache, type EventStore } from '@dealer-crm/eventsourcing'
import { createPostgresEventStore } from '@dealer-crm/store-postgres'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import pg from 'pg'
import { sendCommand, visitInput } from './command-workload.js'
import { type BenchEvent, benchRegistry, ServiceVisited } from './ours.js'
import { installPeersHint, type PeerCommands, peers } from './peers.js'
import { printTable } from './report.js'
import { batch, EVENT_TYPE, type Result, visit } from './workload.js'

const { values: args } = parseArgs({
  options: {
    commands: { type: 'string', default: '2000' },
    streams: { type: 'string', default: '200' },
    lengths: { type: 'string', default: '1,100,1000,10000' },
    perLength: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
})
const commands = Number(args.commands)
const streams = Number(args.streams)
const lengths = args.lengths.split(',').map(Number)
const perLength = Number(args.perLength)
const rounds = Math.max(1, Number(args.rounds))
const pgUrl = process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const wanted = (name: string) =>
  args.only === undefined || name.toLowerCase().includes(args.only.toLowerCase())

const results: Result[] = []
const record = (store: string, metric: string, value: number, unit: string) => {
  results.push({ store, metric, value, unit })
  process.stdout.write(
    `  ${store.padEnd(30)} ${metric.padEnd(34)} ${value.toLocaleString('en-US')} ${unit}\n`,
  )
}
/** Per second, of `count` operations taking `ns`. */
const perSecond = (count: number, ns: bigint) => Math.round(count / (Number(ns) / 1e9))
const timed = async (work: () => Promise<void>): Promise<bigint> => {
  const start = process.hrtime.bigint()
  await work()
  return process.hrtime.bigint() - start
}

let sequence = 0
const fresh = (prefix: string) => `${prefix}-${++sequence}`

/** Part 1: commands against bare appends of the same events to the same streams, SQLite. */
const againstBareAppends = async (store: EventStore<BenchEvent>, storeName: string) => {
  const cache = createStateCache()
  const contenders: ReadonlyArray<readonly [string, (stream: string, n: number) => Promise<void>]> = [
    [
      'bare appendToStream',
      (stream, n) => store.appendToStream(stream, [ServiceVisited.make(visit(n))]).then(() => undefined),
    ],
    ['command, cached', (stream, n) => sendCommand(store, stream, visitInput(n), cache)],
    ['command, no cache', (stream, n) => sendCommand(store, stream, visitInput(n), undefined)],
  ]
  const best = new Map<string, number>()
  for (let round = -1; round < rounds; round++)
    for (const [name, run] of contenders) {
      const count = round < 0 ? Math.max(1, commands / 10) : commands
      const names = Array.from({ length: streams }, () => fresh('visits-cmd'))
      const ns = await timed(async () => {
        for (let i = 0; i < count; i++) await run(names[i % streams] as string, i)
      })
      if (round >= 0) best.set(name, Math.max(best.get(name) ?? 0, perSecond(count, ns)))
    }
  const bare = best.get('bare appendToStream') ?? Number.NaN
  for (const [name] of contenders) record(storeName, name, best.get(name) ?? Number.NaN, 'events/s')
  for (const name of ['command, cached', 'command, no cache'])
    record(storeName, `${name} / bare append`, Math.round((100 * (best.get(name) ?? 0)) / bare), '%')
}

interface LengthContender {
  readonly name: string
  readonly prefill: (stream: string, n: number) => Promise<void>
  readonly command: (stream: string, n: number) => Promise<void>
  /** Commands per round at this length (whole-stream loads are slow on long streams). */
  readonly count: (length: number) => number
}

/**
 * Part 2: the command rate by stream length. Rounds go over every length and contender in turn, so
 * a slow spell of the machine does not fall on one length only.
 */
const byLength = async (cachedNames: ReadonlyArray<string>, contenders: ReadonlyArray<LengthContender>) => {
  const best = new Map<string, number>()
  const cold = new Map<string, number>()
  const key = (name: string, length: number) => `${name} @${length}`
  for (let round = 0; round < rounds; round++)
    for (const length of lengths)
      for (const c of contenders) {
        const stream = fresh(`vehicle-${length}`)
        for (let from = 0; from < length - 1; from += 1000)
          await c.prefill(stream, Math.min(1000, length - 1 - from))
        // The first command loads the whole stream (nothing cached, no snapshot): timed apart.
        const first = await timed(() => c.command(stream, 0))
        const k = key(c.name, length)
        cold.set(k, Math.min(cold.get(k) ?? Number.POSITIVE_INFINITY, Number(first) / 1e6))
        const count = c.count(length)
        const ns = await timed(async () => {
          for (let i = 1; i <= count; i++) await c.command(stream, i)
        })
        best.set(k, Math.max(best.get(k) ?? 0, perSecond(count, ns)))
      }
  for (const length of lengths)
    for (const c of contenders) {
      const at = length.toLocaleString('en-US')
      record(c.name, `command at ${at} events`, best.get(key(c.name, length)) ?? 0, 'commands/s')
      record(c.name, `first command at ${at}`, Math.round(cold.get(key(c.name, length)) ?? 0), 'ms')
    }
  for (const name of cachedNames) {
    const shortest = best.get(key(name, lengths[0] as number))
    const longest = best.get(key(name, lengths[lengths.length - 1] as number))
    if (shortest !== undefined && longest !== undefined)
      record(name, 'longest / shortest stream', Math.round((100 * longest) / shortest), '%')
  }
}

const ourContenders = (store: EventStore<BenchEvent>, storeName: string): LengthContender[] => {
  const prefill = async (stream: string, n: number) => {
    await store.appendToStream(stream, batch(0, n).map(ServiceVisited.make))
  }
  const cache = createStateCache()
  return [
    {
      name: `${storeName}, cached`,
      prefill,
      command: (stream, n) => sendCommand(store, stream, visitInput(n), cache),
      count: () => perLength,
    },
    {
      name: `${storeName}, no cache`,
      prefill,
      command: (stream, n) => sendCommand(store, stream, visitInput(n), undefined),
      count: (length) => (length >= 1000 ? Math.max(5, Math.round(perLength / 10)) : perLength),
    },
  ]
}

const emmettContender = (emmett: PeerCommands): LengthContender => ({
  name: emmett.name,
  prefill: (stream, n) => emmett.prefill(stream, batch(0, n)),
  command: (stream, n) => emmett.command(stream, visit(n)),
  count: (length) => (length >= 1000 ? Math.max(5, Math.round(perLength / 10)) : perLength),
})

const pgReachable = async () => {
  const client = new pg.Client({ connectionString: pgUrl })
  try {
    await client.connect()
    await client.end()
    return true
  } catch (error) {
    process.stdout.write(
      `PostgreSQL at ${pgUrl} is not reachable (${(error as Error).message}): its rows are left out\n`,
    )
    return false
  }
}

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-commands-'))
  try {
    if (wanted('sqlite')) {
      // The store's default (an fsync per commit) and the demo's setting (no fsync per append).
      const full = createSqliteEventStore({ path: join(dir, 'full.db'), registry: benchRegistry })
      const normal = createSqliteEventStore({
        path: join(dir, 'normal.db'),
        registry: benchRegistry,
        synchronous: 'NORMAL',
      })
      const stores = [
        ['dealer-crm SQLite', full],
        ['dealer-crm SQLite NORMAL', normal],
      ] as const
      try {
        for (const [name, store] of stores) {
          process.stdout.write(
            `${name}: commands against bare appends (${commands} per round over ${streams} streams)\n`,
          )
          await againstBareAppends(store, name)
        }
        process.stdout.write('command rate by stream length, SQLite\n')
        await byLength(
          stores.map(([name]) => `${name}, cached`),
          stores.flatMap(([name, store]) => ourContenders(store, name)),
        )
      } finally {
        await full.close()
        await normal.close()
      }
    }
    if (wanted('postgres') && (await pgReachable())) {
      const schema = 'bench_commands'
      const admin = new pg.Client({ connectionString: pgUrl })
      await admin.connect()
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      const store = await createPostgresEventStore({
        connectionString: pgUrl,
        schema,
        registry: benchRegistry,
      })
      const peer = await peers()
      if (peer === null) process.stdout.write(`  ${installPeersHint}; its rows are left out\n`)
      const emmett =
        peer === null ? null : await peer.emmettPostgresCommands(pgUrl, 'bench_emmett_commands', EVENT_TYPE)
      try {
        process.stdout.write('command rate by stream length, PostgreSQL\n')
        await byLength(
          ['dealer-crm PostgreSQL, cached'],
          [
            ...ourContenders(store, 'dealer-crm PostgreSQL'),
            ...(emmett === null ? [] : [emmettContender(emmett)]),
          ],
        )
      } finally {
        await store.close()
        await emmett?.close()
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await admin.end()
      }
    }
    printTable(results)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

try {
  await main()
} catch (error) {
  process.stdout.write(`commands: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
}
