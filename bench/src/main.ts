import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { contenders } from './contenders.js'
import { peakRss, rate } from './measure.js'
import { printTable } from './report.js'
import { type Contender, type Result, type VisitData, visit } from './workload.js'

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '200' },
    singles: { type: 'string', default: '2000' },
    writers: { type: 'string', default: '16' },
    rebuild: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
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

// A projection a dealer would keep: visits and revenue per advisor.
const projection = () => {
  const byAdvisor = new Map<string, { visits: number; revenueFen: number }>()
  return {
    apply: (v: VisitData) => {
      const row = byAdvisor.get(v.advisor) ?? { visits: 0, revenueFen: 0 }
      row.visits++
      row.revenueFen += v.amountFen
      byAdvisor.set(v.advisor, row)
    },
    size: () => byAdvisor.size,
  }
}

const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => visit(from + i))

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

const rebuild = async (c: Contender) => {
  for (let s = 0; s < rebuildCount / 1000; s++) await c.append(`visits-r${s}`, batch(s * 1000, 1000))
  const p = projection()
  let n = 0
  const { peakMb } = await peakRss(async () => {
    const r = await rate(rebuildCount, async () => {
      n = await c.replay(p.apply)
    })
    if (!Number.isNaN(n))
      record(c.name, `rebuild projection (${rebuildCount.toLocaleString('en-US')})`, r, 'events/s')
  })
  if (!Number.isNaN(n)) record(c.name, 'rebuild peak RSS', peakMb, 'MB')
}

const main = async () => {
  process.stdout.write(
    `dealer-crm bench: ${streams} streams × 100, ${singles} × 1, ${writers} writers, rebuild ${rebuildCount}, best of ${rounds} rounds\n`,
  )
  const wanted = args.only?.split(',') ?? null
  const chosen = contenders.filter(
    (f) => wanted === null || wanted.some((w) => f.name.toLowerCase().includes(w.toLowerCase())),
  )
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
    const c = await factory.open({ dir, pgUrl, tag: 'w' })
    if (c === null) continue
    try {
      await workload([c])
    } finally {
      await c.close()
    }
  }
  // The rebuild runs one contender at a time: its peak RSS is the process's.
  for (const factory of chosen) {
    const c = await factory.open({ dir, pgUrl, tag: 'r' })
    if (c === null) continue
    try {
      if (c.replayUnsupported !== true) await rebuild(c)
    } finally {
      await c.close()
    }
  }
  rmSync(dir, { recursive: true, force: true })
  printTable(results)
  const out = new URL('../results/', import.meta.url)
  mkdirSync(out, { recursive: true })
  writeFileSync(new URL('latest.json', out), `${JSON.stringify(results, null, 2)}\n`)
  process.stdout.write(`\nwrote bench/results/latest.json\n`)
}

await main()
