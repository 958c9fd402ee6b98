/**
 * One round of the telemetry benchmark, in a process of its own (bench/src/telemetry.ts runs it):
 * customers registered and delivered through the dealership facade (two commands each), with no
 * OpenTelemetry SDK (`--sdk none`) or with the SDK, a batch span processor and a metric reader whose
 * exporters drop what they are given (`--sdk batch`; `traces` or `metrics` for one of the two).
 * Given two checkouts (a baseline's and this one), it runs both in this process, batch by batch in
 * turn, so that a slow spell of a shared machine falls on both. Prints one JSON line: commands per
 * second of CPU time per checkout, the median per-batch ratio of two, the spans exported.
 *
 *   tsx src/telemetry-workload.ts --checkout PATH [--checkout PATH] [--sdk none|traces|metrics|batch]
 *     [--customers N] [--batch N] [--store memory|sqlite]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { context, metrics, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'

const { values: args } = parseArgs({
  options: {
    /** One or two checkouts: two run batch by batch in turn, in this one process. */
    checkout: { type: 'string', multiple: true },
    batch: { type: 'string', default: '100' },
    sdk: { type: 'string', default: 'none' },
    customers: { type: 'string', default: '2000' },
    store: { type: 'string', default: 'memory' },
  },
})

const success = { code: 0 } as const
let exportedSpans = 0
/** Takes what the batch processor sends and drops it (counting the spans): the SDK's cost without a network. */
const spanSink: SpanExporter = {
  export: (spans, done) => {
    exportedSpans += spans.length
    done(success)
  },
  shutdown: async () => undefined,
}
const metricSink: PushMetricExporter = {
  export: (_metrics, done) => done(success),
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
}

/** `traces`, `metrics` or both (`batch`). */
const installSdk = (what: string) => {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanSink)] })
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: metricSink, exportIntervalMillis: 1000 })],
  })
  if (what !== 'metrics') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
    trace.setGlobalTracerProvider(tracerProvider)
  }
  if (what !== 'traces') metrics.setGlobalMeterProvider(meterProvider)
  return async () => {
    await tracerProvider.shutdown()
    await meterProvider.shutdown()
  }
}

/**
 * The CPU time this process has used (user and system), in ns: on a machine shared with other work,
 * the time the commands took of the CPU, not the time they waited for it.
 */
const cpuNs = (): bigint => {
  const { user, system } = process.cpuUsage()
  return BigInt(user + system) * 1000n
}

/** A facade of one checkout's built packages, loaded by path (this checkout's or a baseline's: the same API). */
const facadeOf = async (checkout: string, dir: string) => {
  const { createDealership, dealershipRegistry } = (await import(
    join(checkout, 'packages/dealership/dist/esm/index.js')
  )) as typeof import('@dealer-crm/dealership')
  const { keyedHash, manualClock, normalizePhone, seededRandom } = (await import(
    join(checkout, 'packages/eventsourcing/dist/esm/index.js')
  )) as typeof import('@dealer-crm/eventsourcing')
  const { createSqliteEventStore } = (await import(
    join(checkout, 'packages/store-sqlite/dist/esm/index.js')
  )) as typeof import('@dealer-crm/store-sqlite')
  const start = Date.parse('2026-03-02T01:00:00Z')
  const clock = manualClock(new Date(start))
  const store =
    args.store === 'sqlite'
      ? createSqliteEventStore({
          path: join(dir, `${checkout.replaceAll('/', '_')}.db`),
          registry: dealershipRegistry,
          clock,
        })
      : undefined
  const dealership = createDealership({
    clock,
    random: seededRandom(1),
    ...(store === undefined ? {} : { store, checkpoints: store.checkpoints }),
  })
  const by = { id: 'consultant-wang', role: 'sales-consultant' }
  /** Customer `i` registered, then delivered: two commands. */
  const customer = async (i: number) => {
    const customerId = `c-${i}`
    const phone = `138${String(i).padStart(8, '0')}`
    await dealership.customerLifecycle({
      type: 'RegisterProspect',
      data: {
        customerId,
        at: new Date(start + i * 60_000).toISOString(),
        by,
        source: 'showroom',
        kind: 'person',
        name: `客户${i}`,
        phone,
        phoneHash: keyedHash('bench-secret', normalizePhone(phone)),
        birthday: null,
      },
    })
    await dealership.customerLifecycle({
      type: 'RecordDelivery',
      data: {
        customerId,
        at: new Date(start + i * 60_000 + 30_000).toISOString(),
        by,
        vin: `LSVAU2180${String(i).padStart(8, '0')}`,
        model: 'Sagitar',
        colour: 'white',
        plate: '粤B12345',
        mileageKm: 12,
        previousOwnerId: null,
      },
    })
  }
  return { customer, close: () => dealership.close() }
}

const main = async () => {
  const checkouts = args.checkout ?? []
  if (checkouts.length === 0) throw new Error('--checkout PATH is required')
  const shutdown = args.sdk === 'none' ? async () => undefined : installSdk(args.sdk)
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-telemetry-'))
  const facades = await Promise.all(checkouts.map((checkout) => facadeOf(checkout, dir)))
  const customers = Number(args.customers)
  const batch = Math.max(1, Math.min(customers, Number(args.batch)))
  // Warm-up: a tenth of the customers each, untimed.
  for (const facade of facades) for (let i = 0; i < customers / 10; i++) await facade.customer(10_000_000 + i)
  // Batch by batch, the facades in turn (the order alternating): a slow spell of the machine falls on
  // all. A checkout named twice (A, B, B, A) has two facades, which evens out where each one runs.
  const paths = [...new Set(checkouts)]
  const ns = paths.map(() => 0n)
  const ratios: number[] = []
  for (let from = 0, round = 0; from < customers; from += batch, round++) {
    const took = paths.map(() => 0n)
    const order = facades.map((_, k) => k)
    if (round % 2 === 1) order.reverse()
    for (const k of order) {
      const facade = facades[k]
      if (facade === undefined) continue
      const path = paths.indexOf(checkouts[k] ?? '')
      const began = cpuNs()
      for (let i = from; i < Math.min(customers, from + batch); i++) await facade.customer(i)
      took[path] = (took[path] as bigint) + cpuNs() - began
    }
    for (const [path, t] of took.entries()) ns[path] = (ns[path] as bigint) + t
    if (paths.length === 2) ratios.push(Number(took[1]) / Number(took[0]))
  }
  for (const facade of facades) await facade.close()
  await shutdown()
  rmSync(dir, { recursive: true, force: true })
  ratios.sort((a, b) => a - b)
  process.stdout.write(
    `${JSON.stringify({
      // Per second of CPU time.
      commandsPerSecond: ns.map(
        (t, path) => (2 * customers * checkouts.filter((c) => c === paths[path]).length) / (Number(t) / 1e9),
      ),
      // Of two checkouts: the median over the batches of the second's CPU time over the first's.
      medianRatio: ratios.length === 0 ? null : ratios[Math.floor(ratios.length / 2)],
      spans: exportedSpans,
    })}\n`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
