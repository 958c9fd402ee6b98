import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { runEventStoreConformance } from '@dealer-crm/testing'

// The conformance suite as an adapter's author runs it: in their own project, Vitest's globals off.
runEventStoreConformance('SQLite, installed from the tarballs', async ({ registry }) => {
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-conformance-'))
  const store = createSqliteEventStore({ path: join(dir, 'store.db'), registry })
  return {
    store,
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  }
})
