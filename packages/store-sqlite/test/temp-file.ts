import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { openSqliteEventLog, type SqliteEventLog } from '../src/index.js'

export interface TempDatabase {
  readonly path: string
  readonly dir: string
  readonly remove: () => void
}

/** A fresh directory under the OS temp dir with a database path in it, and its removal. */
export const tempDatabase = (): TempDatabase => {
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-sqlite-'))
  return { dir, path: join(dir, 'events.db'), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Before each test, a log on a fresh temporary file; after it, the log closed (the one in `log`
 * then: a test may reopen the file into it) and the file removed.
 */
export const freshLogPerTest = (): { file: TempDatabase; log: SqliteEventLog } => {
  const current = {} as { file: TempDatabase; log: SqliteEventLog }
  beforeEach(() => {
    current.file = tempDatabase()
    current.log = openSqliteEventLog({ path: current.file.path })
  })
  afterEach(async () => {
    await current.log.close()
    current.file.remove()
  })
  return current
}
