// A mixed embedding: the command handler comes from the ES module build of the kernel, the store
// from `require` (so it runs on the CommonJS build of the kernel). Someone else appends to the
// stream between the handler's read and its append once; the handler must see the CommonJS
// copy's ConcurrencyError as a conflict and retry. Prints what happened as JSON.
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as esm from '@dealer-crm/eventsourcing'
import { counter } from './counter.mjs'

const require = createRequire(import.meta.url)
const cjs = require('@dealer-crm/eventsourcing')
const { createSqliteEventStore } = require('@dealer-crm/store-sqlite')

const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-mixed-'))
try {
  const { Incremented, registry, decider } = counter(esm)
  const store = createSqliteEventStore({ path: join(dir, 'mixed.db'), registry })
  let interloper = true
  let conflict = null
  const contended = {
    ...store,
    appendToStream: async (stream, events, options) => {
      if (interloper) {
        interloper = false
        await store.appendToStream(stream, [Incremented.make({ by: 10, note: 'interloper' })])
      }
      return store.appendToStream(stream, events, options).catch((error) => {
        conflict = error
        throw error
      })
    },
  }
  const result = await esm.handle(
    contended,
    decider,
    'counter-1',
    { by: 1, note: 'mine' },
    {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    },
  )
  const total = await esm.foldAsync(decider.evolve, decider.initialState, store.readStream('counter-1'))
  await store.close()
  process.stdout.write(
    `${JSON.stringify({
      twoKernels: cjs.ConcurrencyError !== esm.ConcurrencyError,
      conflictIsEsmInstance: conflict instanceof esm.ConcurrencyError,
      conflictIsCjsInstance: conflict instanceof cjs.ConcurrencyError,
      esmSeesConflict: esm.isConcurrencyError(conflict),
      version: result.version,
      total,
    })}\n`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
