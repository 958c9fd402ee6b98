/**
 * The memory one cached stream takes (docs/performance.md, "Commands"): a demo database is
 * simulated, then for each category of command stream every stream's state, version and command-id
 * index is folded into a state cache as the facade's commands would leave it, and the heap is
 * measured after a full collection before and after (`process.memoryUsage().heapUsed`).
 *
 *   pnpm --filter @dealer-crm/bench cache-memory [--customers 300]   (runs node --expose-gc)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { complaintDecider } from '@dealer-crm/complaint-workflow'
import { lifecycleDecider } from '@dealer-crm/customer-lifecycle'
import { dealershipRegistry, defaultDealershipPolicies } from '@dealer-crm/dealership'
import { type CachedStream, createStateCache, type Decider } from '@dealer-crm/eventsourcing'
import { loyaltyDecider } from '@dealer-crm/loyalty-points'
import { referralDecider } from '@dealer-crm/referral-verification'
import { resolveOptions, runSimulation } from '@dealer-crm/simulation'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'

const { values: args } = parseArgs({ options: { customers: { type: 'string', default: '300' } } })
const gc = (globalThis as { gc?: () => void }).gc
const heap = () => {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

const policies = defaultDealershipPolicies
// biome-ignore lint/suspicious/noExplicitAny: each category folds its own domain's events
type AnyDecider = Decider<any, any, any, any>
const deciders: ReadonlyArray<readonly [string, AnyDecider]> = [
  ['customer', lifecycleDecider(policies.customerLifecycle)],
  ['member', loyaltyDecider(policies.loyaltyPoints)],
  ['complaint', complaintDecider(policies.complaintWorkflow)],
  ['referral', referralDecider(policies.referralVerification)],
]

const main = async () => {
  if (gc === undefined)
    throw new Error('run with node --expose-gc (pnpm --filter @dealer-crm/bench cache-memory)')
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-cache-memory-'))
  try {
    const path = join(dir, 'demo.sqlite')
    const customers = Number(args.customers)
    process.stdout.write(`simulating ${customers} customers into ${path}\n`)
    await runSimulation(resolveOptions({ path, customers }))
    const store = createSqliteEventStore({ path, registry: dealershipRegistry })
    try {
      process.stdout.write('category    streams   events/stream   command ids/stream   bytes/stream\n')
      for (const [category, decider] of deciders) {
        const cache = createStateCache({ maxStreams: 1_000_000, snapshots: null })
        const before = heap()
        const folded = new Map<string, CachedStream<unknown>>()
        let events = 0
        let ids = 0
        for await (const event of store.readAll({ categories: [category] })) {
          const name = event.metadata.streamName
          const entry = folded.get(name) ?? { state: decider.initialState, version: 0, commandIds: new Set() }
          if (event.metadata.commandId !== null && !entry.commandIds.has(event.metadata.commandId)) {
            entry.commandIds.add(event.metadata.commandId)
            ids++
          }
          folded.set(name, {
            state: decider.evolve(entry.state, event),
            version: event.metadata.streamPosition,
            commandIds: entry.commandIds,
          })
          events++
        }
        for (const [name, entry] of folded) cache.set(name, decider, entry)
        folded.clear()
        const streams = cache.stats().size
        const bytes = (heap() - before) / Math.max(1, streams)
        process.stdout.write(
          `${category.padEnd(10)} ${String(streams).padStart(8)} ${(events / Math.max(1, streams)).toFixed(1).padStart(15)} ${(ids / Math.max(1, streams)).toFixed(1).padStart(20)} ${Math.round(bytes).toLocaleString('en-US').padStart(14)}\n`,
        )
        cache.clear()
      }
    } finally {
      await store.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

try {
  await main()
} catch (error) {
  process.stdout.write(`cache-memory: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
}
