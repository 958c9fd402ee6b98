/**
 * First-query latency after opening a dealership's SQLite file, persisted read models against the
 * in-memory fold (issue #20, ADR 0017), measured in one run: `pnpm --filter @dealer-crm/bench
 * first-query [--events N]` (default 100,000). The file is written directly in batches (a short
 * story copied under new ids); each measurement opens it in a fresh process (forked), asks one
 * customer's 360 and the SLA board, and reports the ms and the events it read from the log.
 */
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  createDealership,
  type DealershipEvent,
  type DealershipStore,
  dealershipRegistry,
} from '@dealer-crm/dealership'
import { fixedClock, keyedHash, manualClock, normalizePhone, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore, createSqliteReadModelStore } from '@dealer-crm/store-sqlite'

interface Reply {
  readonly customer360Ms: number
  readonly slaBoardMs: number
  readonly eventsRead: number
}

const at = (hours: number) => new Date(Date.parse('2026-03-02T01:00:00Z') + hours * 3_600_000).toISOString()

/** One customer's story through the facade: a delivery (and so a loyalty card), then a complaint. */
const story = async (): Promise<ReadonlyArray<{ streamName: string; type: string; data: unknown }>> => {
  const dealership = createDealership({ clock: manualClock(at(0)), random: seededRandom(1) })
  const by = { id: 'consultant-wang', role: 'sales-consultant' }
  const phone = '13800138000'
  await dealership.customerLifecycle({
    type: 'RegisterProspect',
    data: {
      customerId: 'zhang-san',
      at: at(0),
      by,
      source: 'showroom',
      kind: 'person',
      name: '张三',
      phone,
      phoneHash: keyedHash('bench', normalizePhone(phone)),
      birthday: null,
    },
  })
  await dealership.customerLifecycle({
    type: 'RecordDelivery',
    data: {
      customerId: 'zhang-san',
      at: at(1),
      by,
      vin: 'LSVAU218XN2183294',
      model: 'Sagitar',
      colour: 'white',
      plate: '粤B12345',
      mileageKm: 12,
      previousOwnerId: null,
    },
  })
  await dealership.runProcessManagers()
  const advisor = { id: 'advisor-wang', role: 'service-advisor' }
  await dealership.complaintWorkflow({
    type: 'ReceiveComplaint',
    data: {
      complaintId: 'cmp-1',
      by: advisor,
      at: at(2),
      customerId: 'zhang-san',
      channel: 'phone',
      account: 'The air conditioner still makes a noise after the service',
      remedySought: 'Fix it properly',
      vehicleId: null,
      repairOrderId: null,
      owner: advisor.id,
      severity: 'general',
      safetyRelated: false,
      priorComplaints: { count: 0, lastReceivedAt: null },
    },
  })
  await dealership.runProcessManagers()
  const events = []
  for await (const e of dealership.store.readAll())
    events.push({ streamName: e.metadata.streamName, type: e.type, data: e.data })
  await dealership.close()
  return events
}

const fill = async (path: string, total: number): Promise<string> => {
  const events = await story()
  const streams = [...new Set(events.map((e) => e.streamName))]
  const copy = (text: string, n: number) => text.replace(/zhang-san|cmp-1/g, (id) => `${id}-${n}`)
  const store = createSqliteEventStore({ path, registry: dealershipRegistry, synchronous: 'NORMAL' })
  let written = 0
  let n = 0
  for (; written < total; ) {
    const appends: Array<Promise<unknown>> = []
    for (let k = 0; k < 100 && written < total; k++, n++)
      for (const stream of streams) {
        const mine = events
          .filter((e) => e.streamName === stream)
          .slice(0, total - written)
          // One customer in ten complains: an SLA board of a few hundred open complaints.
          .filter((e) => n % 10 === 0 || !e.streamName.startsWith('complaint-'))
          .map(
            (e) => ({ type: e.type, data: JSON.parse(copy(JSON.stringify(e.data), n)) }) as DealershipEvent,
          )
        if (mine.length === 0) continue
        written += mine.length
        appends.push(store.appendToStream(copy(stream, n), mine))
      }
    await Promise.all(appends)
  }
  // Build the persisted read models once, as a running app server keeps them.
  const built = createDealership({
    store,
    clock: fixedClock(at(3)),
    random: seededRandom(1),
    readModels: createSqliteReadModelStore(store.sqliteLog),
  })
  await built.customer360('zhang-san-0')
  await built.slaBoard()
  await built.close()
  return 'zhang-san-0'
}

/** In a forked process: open the file, time the first customer360 and the SLA board. */
const measure = async (path: string, customerId: string, persisted: boolean): Promise<Reply> => {
  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  let eventsRead = 0
  const counted = <T>(items: AsyncIterable<T>): AsyncIterable<T> => ({
    async *[Symbol.asyncIterator]() {
      for await (const item of items) {
        eventsRead++
        yield item
      }
    },
  })
  const watched: DealershipStore = {
    ...store,
    readAll: (o) => counted(store.readAll(o)),
    readStream: (s, o) => counted(store.readStream(s, o)),
    // Runners of in-memory read models read the raw log.
    log: {
      ...store.log,
      readAll: (o) => counted(store.log.readAll(o)),
      readStream: (s, o) => counted(store.log.readStream(s, o)),
    },
  }
  const dealership = createDealership({
    store: watched,
    clock: fixedClock(at(3)),
    random: seededRandom(1),
    ...(persisted ? { readModels: createSqliteReadModelStore(store.sqliteLog) } : {}),
  })
  let start = performance.now()
  await dealership.customer360(customerId)
  const customer360Ms = performance.now() - start
  start = performance.now()
  await dealership.slaBoard()
  const slaBoardMs = performance.now() - start
  await dealership.close()
  return { customer360Ms, slaBoardMs, eventsRead }
}

const [mode, path, customerId] = process.argv.slice(2)
if (mode === 'persisted' || mode === 'fold') {
  const reply = await measure(path as string, customerId as string, mode === 'persisted')
  process.send?.(reply)
} else {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' } } })
  const total = Number(values.events)
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-first-query-'))
  try {
    const file = join(dir, 'dealer.db')
    const customer = await fill(file, total)
    const run = (m: 'persisted' | 'fold') =>
      new Promise<Reply>((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), [m, file, customer], {
          execArgv: process.execArgv,
        })
        child.on('message', (reply) => resolve(reply as Reply))
        child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`${m} exited with ${code}`))))
      })
    const persisted = await run('persisted')
    const fold = await run('fold')
    const line = (name: string, r: Reply) =>
      `  ${name.padEnd(26)} customer360 ${r.customer360Ms.toFixed(1).padStart(9)} ms   SLA board ${r.slaBoardMs
        .toFixed(1)
        .padStart(9)} ms   events read ${r.eventsRead.toLocaleString('en-US')}\n`
    process.stdout.write(
      `First query after opening a ${total.toLocaleString('en-US')}-event SQLite file (fresh process)\n`,
    )
    process.stdout.write(line('persisted read models', persisted))
    process.stdout.write(line('in-memory fold (before)', fold))
    process.stdout.write(
      `  speed-up of the first customer360: ${(fold.customer360Ms / persisted.customer360Ms).toFixed(0)}×\n`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
