// CommonJS: the SQLite store and the kernel through require. Prints what it read back as JSON.
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')
const t = require('io-ts')
const kernel = require('@dealer-crm/eventsourcing')
const { createSqliteEventStore } = require('@dealer-crm/store-sqlite')

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-cjs-'))
  try {
    const Incremented = kernel.eventType('Incremented', t.type({ by: t.number, note: t.string }))
    const store = createSqliteEventStore({
      path: join(dir, 'counter.db'),
      registry: kernel.eventRegistry([Incremented]),
    })
    await store.appendToStream('counter-1', [
      Incremented.make({ by: 2, note: 'a' }),
      Incremented.make({ by: 3, note: 'b' }),
    ])
    const conflict = await store
      .appendToStream('counter-1', [Incremented.make({ by: 1, note: 'stale' })], { expectedVersion: 1 })
      .catch((error) => error)
    const events = []
    for await (const e of store.readStream('counter-1')) events.push(e.data.by)
    const chain = await kernel.verify(store)
    await store.close()
    process.stdout.write(
      `${JSON.stringify({ events, chain: chain.ok, conflict: kernel.isConcurrencyError(conflict), code: conflict.code })}\n`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`)
  process.exitCode = 1
})
