/**
 * A rebuild worker of bench/src/group.ts, in a process of its own: for each dealer it is given
 * (`[{ role, tenant }]`), opens the store as that dealer's role and rebuilds every persisted read
 * model of the dealership (ADR 0017) from the dealer's log. Arguments: PostgreSQL URL, schema,
 * dealers as JSON. Sends one RebuildReply and exits.
 */
import {
  callBackQueueDocuments,
  churnRiskDocuments,
  customer360Documents,
  dealershipRegistry,
  defaultDealershipPolicies,
  memberLedgerDocuments,
  referrerLedgerDocuments,
  slaBoardDocuments,
} from '@dealer-crm/dealership'
import { createReadModelProjector } from '@dealer-crm/eventsourcing'
import { createPostgresEventStore, createPostgresReadModelStore } from '@dealer-crm/store-postgres'
import { asRole, type RebuildReply } from './group-shared.js'

const [url, schema, dealersJson] = process.argv.slice(2)
if (url === undefined || schema === undefined || dealersJson === undefined)
  throw new Error(`group-rebuild.ts: bad arguments ${JSON.stringify(process.argv.slice(2))}`)
const dealers = JSON.parse(dealersJson) as Array<{ role: string; tenant: string }>
const projections = [
  customer360Documents,
  slaBoardDocuments(defaultDealershipPolicies.complaintWorkflow.calendar),
  memberLedgerDocuments,
  referrerLedgerDocuments,
  churnRiskDocuments,
  callBackQueueDocuments,
]

let eventsRead = 0
for (const { role, tenant } of dealers) {
  const store = await createPostgresEventStore({
    connectionString: asRole(url, role),
    schema,
    tenant,
    registry: dealershipRegistry,
    maxConnections: 3,
  })
  const readModels = createPostgresReadModelStore(store.pool, schema, tenant)
  for (const projection of projections) {
    const run = await createReadModelProjector({ store, readModels, projection }).catchUp()
    eventsRead += run.applied
  }
  await store.close()
}
const count = await (async () => {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const r = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${schema}.read_model_documents WHERE tenant = ANY($1::text[])`,
    [dealers.map((d) => d.tenant)],
  )
  await client.end()
  return Number(r.rows[0]?.n ?? 0)
})()
const reply: RebuildReply = { documents: count, eventsRead }
await new Promise<void>((resolve, reject) => {
  if (process.send === undefined) reject(new Error('group-rebuild.ts is started by group.ts (fork)'))
  else process.send(reply, undefined, {}, (error) => (error === null ? resolve() : reject(error)))
})
process.exit(0)
