import { createDealership, dealershipRegistry } from '@dealer-crm/dealership'
import { fixedClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore, createSqliteReadModelStore } from '@dealer-crm/store-sqlite'
import Database from 'better-sqlite3'

export const plainSql = async (path: string) => {
  // Given read-model tables, the facade serves customer360 and slaBoard from them (caught up first).
  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  const readModels = createSqliteReadModelStore(store.sqliteLog)
  const clock = fixedClock('2026-03-02T02:00:00Z')
  const dealership = createDealership({ store, clock, random: seededRandom(42), readModels })
  await dealership.customer360('zhang-san')
  await dealership.close()

  // Any other program reads the same tables with plain SQL (docs/read-models.md).
  const db = new Database(path, { readonly: true })
  const customer = db
    .prepare(
      `SELECT json_extract(data, '$.profile.stage') AS stage, json_extract(data, '$.member.level') AS level
       FROM es_read_models WHERE name = 'dealership.customer-360' AND id = 'customer:zhang-san'`,
    )
    .get()
  const openComplaints = db
    .prepare(
      `SELECT id, key AS due FROM es_read_model_index
       WHERE name = 'complaint.sla-board' AND index_name = 'due' ORDER BY key`,
    )
    .all()
  db.close()
  return { customer, openComplaints }
}
