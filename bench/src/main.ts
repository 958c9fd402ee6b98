import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { contenders } from './contenders.js'
import { rate } from './measure.js'
import { installPeersHint, peers } from './peers.js'
import type { FillReply, RebuildStep, ReplayReply } from './rebuild.js'
import { printTable } from './report.js'
import { batch, type Contender, projection, type Result } from './workload.js'

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '200' },
    singles: { type: 'string', default: '2000' },
    writers: { type: 'string', default: '16' },
    rebuild: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    // Internal: run one contender's workload in this (child) process and send its results.
    alone: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (args.help) {
  process.stdout.write(`pnpm bench [--streams N] [--singles N] [--rebuild N | --full] [--only name,name]
  --streams   streams of 100 events appended in batches of 100 (default 200)
  --singles   streams of 1 event appended one by one (default 2000), then as many again by
              --writers concurrent writers (default 16), each appending one by one
  --rebuild   events replayed into a projection (default 100000; --full: 1000000)
  --rounds    timed rounds per metric after one warm-up round; the best is reported (default 3)
  --only      contenders whose name contains one of these words
`)
  process.exit(0)
}

const streams = Number(args.streams)
const singles = Number(args.singles)
const writers = Math.max(1, Number(args.writers))
const rebuildCount = args.full ? 1_000_000 : Number(args.rebuild)
const rounds = Math.max(1, Number(args.rounds))
const pgUrl = process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-bench-'))
const results: Result[] = []
const record = (store: string, metric: string, value: number, unit: string) => {
  results.push({ store, metric, value, unit })
  process.stdout.write(
    `  ${store.padEnd(34)} ${metric.padEnd(28)} ${value.toLocaleString('en-US')} ${unit}\n`,
  )
}

interface Metric {
  readonly name: string
  readonly unit: string
  /** Events one round handles. */
  readonly count: (c: Contender) => number
  /** Round -1 is the untimed warm-up. */
  readonly work: (c: Contender, round: number) => Promise<void>
  /** A contender that cannot do this metric at all (a reason is printed). */
  readonly unsupported?: (c: Contender) => string | null
}

const warmupStreams = Math.max(1, Math.round(streams / 10))
const warmupSingles = Math.max(1, Math.round(singles / 10))

/** The workload, in order: the reads read what the appends wrote. */
const metrics: ReadonlyArray<Metric> = [
  {
    name: 'append, batch 100',
    unit: 'events/s',
    count: () => streams * 100,
    work: async (c, round) => {
      const n = round < 0 ? warmupStreams : streams
      for (let s = 0; s < n; s++) await c.append(`visits-b${round + 1}x${s}`, batch(s * 100, 100))
    },
  },
  {
    name: 'append, batch 1',
    unit: 'events/s',
    count: () => singles,
    work: async (c, round) => {
      const n = round < 0 ? warmupSingles : singles
      for (let s = 0; s < n; s++) await c.append(`visits-s${round + 1}x${s}`, batch(s, 1))
    },
  },
  {
    // Concurrent writers, as a web service has them.
    name: `append, batch 1, ${writers} writers`,
    unit: 'events/s',
    count: () => singles,
    unsupported: (c) => c.concurrentWriters ?? null,
    work: async (c, round) => {
      const n = round < 0 ? warmupSingles : singles
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let s = w; s < n; s += writers) await c.append(`visits-c${round + 1}x${s}`, batch(s, 1))
        }),
      )
    },
  },
  {
    name: 'readStream (100 events)',
    unit: 'events/s',
    count: () => streams * 100,
    work: async (c, round) => {
      const n = round < 0 ? warmupStreams : streams
      for (let s = 0; s < n; s++)
        if ((await c.readStream(`visits-b1x${s}`)) !== 100) throw new Error(`${c.name}: short read`)
    },
  },
  {
    name: 'readAll replay + decode',
    unit: 'events/s',
    count: (c) => appended(c),
    unsupported: (c) => (c.replayUnsupported === true ? 'it has no plain read of everything' : null),
    work: async (c) => {
      const n = await c.replay(projection().apply)
      if (n !== appended(c)) throw new Error(`${c.name} replayed ${n} events, expected ${appended(c)}`)
    },
  },
]

/** Every event the append metrics wrote (warm-up rounds included). */
const appended = (c: Contender) =>
  (warmupStreams + streams * rounds) * 100 +
  (warmupSingles + singles * rounds) * (c.concurrentWriters === undefined ? 2 : 1)

/**
 * Every metric is run on all contenders round by round (a warm-up round, then `rounds` timed
 * rounds, each contender in turn), and each keeps its best round: a burst of other work on the
 * machine then slows one round of every contender instead of every round of one, so the ratios
 * between contenders hold even when the absolute figures move.
 */
const workload = async (open: ReadonlyArray<Contender>) => {
  for (const m of metrics) {
    const able = open.filter((c) => {
      const reason = m.unsupported?.(c) ?? null
      if (reason !== null)
        process.stdout.write(`  ${c.name.padEnd(34)} ${m.name}: not measured (${reason})\n`)
      return reason === null
    })
    const top = new Map<Contender, number>()
    for (let round = -1; round < rounds; round++)
      for (const c of able) {
        const r = await rate(m.count(c), () => m.work(c, round))
        if (round >= 0) top.set(c, Math.max(top.get(c) ?? 0, r))
      }
    for (const c of able) record(c.name, m.name, top.get(c) ?? 0, m.unit)
  }
}

/**
 * Runs `script` in a Node process of its own, with this process's loader flags (tsx), and returns
 * the one message it sends. A child that exits without one, or fails, rejects with `what`.
 */
const child = <T>(script: string, argv: ReadonlyArray<string>, what: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const proc = fork(script, argv, { execArgv: process.execArgv })
    let reply: T | undefined
    proc.on('message', (m) => {
      reply = m as T
    })
    proc.on('error', reject)
    proc.on('exit', (code, signal) => {
      if (code === 0 && reply !== undefined) resolve(reply)
      else reject(new Error(`${what} failed (${signal ?? `exit code ${code}`})`))
    })
  })

/** One step of a contender's rebuild, in bench/src/rebuild.ts. A failure fails the bench. */
const rebuildStep = <T>(step: RebuildStep, name: string): Promise<T> =>
  child<T>(
    fileURLToPath(new URL('./rebuild.ts', import.meta.url)),
    [step, name, String(rebuildCount), dir, pgUrl],
    `${name}: the rebuild's ${step} process`,
  )

/**
 * The workload of a contender measured alone, in a child process (this script with `--alone`): such
 * a store has been seen to end its process with SQLITE_BUSY, thrown outside its promises. A failed
 * attempt is run again from the start, twice at most; then its rows are left out, with the reason.
 */
const workloadAlone = async (name: string) => {
  const argv = ['--streams', String(streams), '--singles', String(singles), '--writers', String(writers)]
  argv.push('--rounds', String(rounds), '--alone', name)
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      results.push(...(await child<Result[]>(fileURLToPath(import.meta.url), argv, `${name}'s workload`)))
      return
    } catch (error) {
      process.stdout.write(`  ${name.padEnd(34)} attempt ${attempt}: ${(error as Error).message}\n`)
    }
  }
  process.stdout.write(`  ${name.padEnd(34)} not measured: it failed three times\n`)
}

/** The child's side of workloadAlone. */
const runAlone = async (name: string) => {
  const factory = contenders.find((f) => f.name === name)
  if (factory === undefined) throw new Error(`--alone: no contender named ${name}`)
  const c = await factory.open({ dir, pgUrl, tag: 'w' })
  try {
    if (c !== null) await workload([c])
  } finally {
    await c?.close()
    rmSync(dir, { recursive: true, force: true })
  }
  await new Promise<void>((resolve, reject) =>
    process.send?.(results, undefined, {}, (error) => (error === null ? resolve() : reject(error))),
  )
  // The IPC channel would keep the process alive.
  process.exit(0)
}

const main = async () => {
  process.stdout.write(
    `dealer-crm bench: ${streams} streams × 100, ${singles} × 1, ${writers} writers, rebuild ${rebuildCount}, best of ${rounds} rounds\n`,
  )
  const wanted = args.only?.split(',') ?? null
  const named = contenders.filter(
    (f) => wanted === null || wanted.some((w) => f.name.toLowerCase().includes(w.toLowerCase())),
  )
  const peersMissing = named.some((f) => f.peer) && (await peers()) === null
  if (peersMissing) process.stdout.write(`  ${installPeersHint}; its rows are left out of this run\n`)
  const chosen = named.filter((f) => !(peersMissing && f.peer))
  const open: Contender[] = []
  try {
    for (const factory of chosen.filter((f) => f.runAlone === undefined)) {
      const c = await factory.open({ dir, pgUrl, tag: 'w' })
      if (c !== null) open.push(c)
    }
    await workload(open)
  } finally {
    for (const c of open) await c.close()
  }
  for (const factory of chosen.filter((f) => f.runAlone !== undefined)) {
    process.stdout.write(`  ${factory.name.padEnd(34)} measured alone: ${factory.runAlone}\n`)
    await workloadAlone(factory.name)
  }
  // The rebuild, one contender at a time: a process appends the events, then a fresh one replays
  // them into the projection, as a user's rebuild of an existing store would. The peak RSS is that
  // replay process's (tsx, the bench's modules, the open store and the replay), not this
  // process's or the appends'.
  for (const factory of chosen) {
    const { supported } = await rebuildStep<FillReply>('fill', factory.name)
    if (!supported) continue
    const replay = await rebuildStep<ReplayReply>('replay', factory.name)
    const metric = `rebuild projection (${rebuildCount.toLocaleString('en-US')})`
    record(replay.store, metric, replay.rate, 'events/s')
    record(replay.store, 'rebuild peak RSS', replay.peakMb, 'MB')
  }
  rmSync(dir, { recursive: true, force: true })
  printTable(results)
  const out = new URL('../results/', import.meta.url)
  mkdirSync(out, { recursive: true })
  writeFileSync(new URL('latest.json', out), `${JSON.stringify(results, null, 2)}\n`)
  process.stdout.write(`\nwrote bench/results/latest.json\n`)
}

await (args.alone === undefined ? main() : runAlone(args.alone))
