import { InvalidTenantError, TenantMismatchError } from '@dealer-crm/eventsourcing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteEventLog } from '../src/index.js'
import { collect, pendingNote } from './pending.js'
import { type TempDatabase, tempDatabase } from './temp-file.js'

/** What opening threw; fails the test when it opened. */
const refusal = async (open: () => { close: () => Promise<void> }): Promise<unknown> => {
  try {
    await open().close()
  } catch (error) {
    return error
  }
  throw new Error('the file opened')
}

describe('one tenant per file (ADR 0022)', () => {
  let file: TempDatabase
  beforeEach(() => {
    file = tempDatabase()
  })
  afterEach(() => file.remove())

  const eventsIn = async (tenant: string) => {
    const log = openSqliteEventLog({ path: file.path, tenant })
    const events = await collect(
      log.readAll({ from: 0n, to: null, batchSize: 10, categories: null, types: null }),
    )
    await log.close()
    return events.length
  }

  it('records the tenant on the first open and refuses the file to another tenant, changing nothing', async () => {
    const log = openSqliteEventLog({ path: file.path, tenant: 'store-a' })
    expect(log.tenant).toBe('store-a')
    await log.append('note-1', [pendingNote('of store a')], 'no_stream')
    await log.close()
    const error = await refusal(() => openSqliteEventLog({ path: file.path, tenant: 'store-b' }))
    expect(error).toBeInstanceOf(TenantMismatchError)
    expect(error).toMatchObject({ code: 'TenantMismatchError', recorded: 'store-a', requested: 'store-b' })
    expect(
      await refusal(() => openSqliteEventLog({ path: file.path, readOnly: true, tenant: 'store-b' })),
    ).toBeInstanceOf(TenantMismatchError)
    // Without a tenant the file is opened as `default`: refused too.
    expect(await refusal(() => openSqliteEventLog({ path: file.path }))).toBeInstanceOf(TenantMismatchError)
    expect(await eventsIn('store-a')).toBe(1)
  })

  it('opens a file written before tenants as the tenant first given, and keeps it that tenant’s', async () => {
    const old = openSqliteEventLog({ path: file.path })
    await old.append('note-1', [pendingNote('before tenants')], 'no_stream')
    // As the package before schema version 7 left it: no tenant recorded.
    old.database.exec('DELETE FROM es_tenant')
    await old.close()
    const readOnly = openSqliteEventLog({ path: file.path, readOnly: true, tenant: 'store-c' })
    await readOnly.close()
    expect(await eventsIn('store-c')).toBe(1)
    expect(await refusal(() => openSqliteEventLog({ path: file.path, tenant: 'store-d' }))).toBeInstanceOf(
      TenantMismatchError,
    )
  })

  it('refuses a tenant name that is not one, before opening the file', async () => {
    for (const tenant of ['', 'Store A', '*', 'a/b']) {
      const error = await refusal(() => openSqliteEventLog({ path: file.path, tenant }))
      expect(error).toBeInstanceOf(InvalidTenantError)
    }
  })
})
