import { TenantMismatchError } from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'

/**
 * One dealer per file (ADR 0022): the tenant recorded in `es_tenant`, checked against the one the
 * file is opened as. A file that records none yet (written before tenants, or new) is recorded for
 * `tenant` by a writable open, in an IMMEDIATE transaction so two processes cannot record two; a
 * read-only open records nothing. Another tenant's file is a TenantMismatchError.
 */
export const checkTenant = (
  db: Database.Database,
  location: string,
  tenant: string,
  readOnly: boolean,
): void => {
  const recorded = () =>
    (db.prepare('SELECT tenant FROM es_tenant WHERE only_row = 1').get() as { tenant: string } | undefined)
      ?.tenant
  const check = (found: string | undefined) => {
    if (found !== undefined && found !== tenant) throw new TenantMismatchError(location, found, tenant)
  }
  const found = recorded()
  check(found)
  if (found !== undefined || readOnly) return
  db.transaction(() => {
    const now = recorded()
    check(now)
    if (now === undefined)
      db.prepare('INSERT INTO es_tenant (only_row, tenant, recorded_at) VALUES (1, ?, ?)').run(
        tenant,
        new Date().toISOString(),
      )
  }).immediate()
}
