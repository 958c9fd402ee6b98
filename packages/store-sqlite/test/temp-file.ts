import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh directory under the OS temp dir with a database path in it, and its removal. */
export const tempDatabase = (): { path: string; dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-sqlite-'))
  return { dir, path: join(dir, 'events.db'), remove: () => rmSync(dir, { recursive: true, force: true }) }
}
