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
  --singles   streams of 1 event appended one by one (default 2000)
  --rebuild   events replayed into a projection (default 100000; --full: 1000000)
  --rounds    timed rounds per metric after one warm-up round; the best is reported (default 3)
  --only      contenders whose name contains one of these words
`)
  process.exit(0)
}

const streams = Number(args.streams)
const singles = Number(args.singles)
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

/**
 * The best of `rounds` timed rounds, after an untimed warm-up round (JIT, caches, connections), so
 * that a contender is not judged by its first seconds or by a burst of other work on the machine.
 */
const best = async (count: number, work: (round: number) => Promise<void>): Promise<number> => {
  await work(-1)
  let top = 0
  for (let round = 0; round < rounds; round++) top = Math.max(top, await rate(count, () => work(round)))
  return top
}

const workload = async (c: Contender) => {
  const warmupStreams = Math.max(1, Math.round(streams / 10))
  record(
    c.name,
    'append, batch 100',
    await best(streams * 100, async (round) => {
      const n = round < 0 ? warmupStreams : streams
      for (let s = 0; s < n; s++) await c.append(`visits-b${round + 1}x${s}`, batch(s * 100, 100))
    }),
    'events/s',
  )
  record(
    c.name,
    'append, batch 1',
    await best(singles, async (round) => {
      const n = round < 0 ? Math.round(singles / 10) : singles
      for (let s = 0; s < n; s++) await c.append(`visits-s${round + 1}x${s}`, batch(s, 1))
    }),
    'events/s',
  )
  record(
    c.name,
    'readStream (100 events)',
    await best(streams * 100, async (round) => {
      const n = round < 0 ? warmupStreams : streams
      for (let s = 0; s < n; s++)
        if ((await c.readStream(`visits-b1x${s}`)) !== 100) throw new Error('short read')
    }),
    'events/s',
  )
  const total = (warmupStreams + streams * rounds) * 100 + Math.round(singles / 10) + singles * rounds
  let replayed = 0
  const replayRate = await best(total, async () => {
    replayed = await c.replay(projection().apply)
    if (!Number.isNaN(replayed) && replayed !== total)
      throw new Error(`${c.name} replayed ${replayed} events, expected ${total}`)
  })
  if (!Number.isNaN(replayed)) record(c.name, 'readAll replay + decode', replayRate, 'events/s')
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
    `dealer-crm bench: ${streams} streams × 100, ${singles} × 1, rebuild ${rebuildCount}, best of ${rounds} rounds\n`,
  )
  const wanted = args.only?.split(',') ?? null
  for (const factory of contenders) {
    if (wanted !== null && !wanted.some((w) => factory.name.toLowerCase().includes(w.toLowerCase()))) continue
    for (const phase of [workload, rebuild]) {
      const c = await factory.open({ dir, pgUrl, tag: phase === workload ? 'w' : 'r' })
      if (c === null) break
      try {
        await phase(c)
      } finally {
        await c.close()
      }
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
