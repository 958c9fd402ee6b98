// One app server's catch-up of a persisted read model, run as a child process by
// read-model-processes.test.ts (which kills some of them with SIGKILL). Uses the built package:
// run `pnpm run build` first, as `pnpm test` does.
// argv: connectionString schema target(next position when done) slowEvery(ms per 10th event)
import { createReadModelProjector, eventRegistry, eventType } from '@dealer-crm/eventsourcing'
import { createPostgresEventStore, createPostgresReadModelStore } from '@dealer-crm/store-postgres'
import * as t from 'io-ts'

const [connectionString, schema, targetText, slowText] = process.argv.slice(2)
const target = BigInt(targetText)
const slowMs = Number(slowText)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const registry = eventRegistry([eventType('NoteAdded', t.type({ text: t.string, tags: t.array(t.string) }))])
const store = await createPostgresEventStore({ connectionString, schema, registry, maxConnections: 4 })
if (typeof createPostgresReadModelStore !== 'function') throw new Error('build the packages first')
const readModels = createPostgresReadModelStore(store.pool, schema)

/** One document per event: how often it was applied, and by which process. */
const tally = {
  name: 'processes.tally',
  version: 1,
  handles: ['NoteAdded'],
  apply: async (event, documents) => {
    const id = `e-${event.metadata.globalPosition.toString().padStart(8, '0')}`
    const seen = await documents.get(id)
    documents.put(
      id,
      { times: (seen?.times ?? 0) + 1, by: [...(seen?.by ?? []), process.pid] },
      { by: String(process.pid) },
    )
    // Slow down inside the transaction, so that a kill lands mid-batch as often as between batches.
    if (event.metadata.globalPosition % 10n === 5n) await sleep(slowMs)
  },
}

const projector = createReadModelProjector({
  store,
  readModels,
  projection: tally,
  batchSize: 10,
  onBatch: ({ position }) => void process.stdout.write(`batch ${position}\n`),
})

for (;;) {
  const run = await projector.catchUp()
  if (run.ran) process.stdout.write(`ran ${run.applied}\n`)
  const live = await readModels.live('processes.tally')
  if (live !== null && live.position >= target) break
  await sleep(20)
}
process.stdout.write('done\n')
await store.close()
