// Opens a dealership's SQLite file in a fresh process and serves one customer's 360 and the SLA
// board from the persisted read models, counting the events it reads from the log. Run by
// persisted-100k.test.ts with the built packages (`pnpm run build` first, as `pnpm test` does).
// argv: path customerId at(ISO)
import { performance } from 'node:perf_hooks'
import { createDealership, dealershipRegistry } from '@dealer-crm/dealership'
import { fixedClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore, createSqliteReadModelStore } from '@dealer-crm/store-sqlite'

const [path, customerId, at] = process.argv.slice(2)
const opened = performance.now()
const store = createSqliteEventStore({ path, registry: dealershipRegistry })
let eventsRead = 0
const count = (items) => ({
  async *[Symbol.asyncIterator]() {
    for await (const item of items) {
      eventsRead++
      yield item
    }
  },
})
const watched = {
  ...store,
  readAll: (options) => count(store.readAll(options)),
  readStream: (name, options) => count(store.readStream(name, options)),
  // Runners of in-memory read models read the raw log.
  log: {
    ...store.log,
    readAll: (options) => count(store.log.readAll(options)),
    readStream: (name, options) => count(store.log.readStream(name, options)),
  },
}
const dealership = createDealership({
  store: watched,
  clock: fixedClock(at),
  random: seededRandom(1),
  readModels: createSqliteReadModelStore(store.sqliteLog),
})
const openMs = performance.now() - opened
let started = performance.now()
const view = await dealership.customer360(customerId)
const customer360Ms = performance.now() - started
started = performance.now()
const board = await dealership.slaBoard()
const slaBoardMs = performance.now() - started
process.stdout.write(
  `${JSON.stringify({
    eventsRead,
    openMs,
    customer360Ms,
    slaBoardMs,
    stage: view?.stage ?? null,
    openComplaints: view?.openComplaints.length ?? null,
    balance: view?.membership?.balance ?? null,
    boardRows: board.length,
  })}\n`,
)
await dealership.close()
