import { checkReadModelName } from '@dealer-crm/eventsourcing'
import { flagTransient, type Queryable } from './pool.js'

/** One live document of one tenant's read model. */
export interface TenantDocument {
  readonly tenant: string
  readonly id: string
  readonly data: unknown
}

/**
 * The live documents of read model `name` of every tenant the connection may read, by tenant and id
 * (ADR 0022): for the group's role (`*` in `tenant_roles`) every store's, for a dealer's role its own,
 * for a superuser or `BYPASSRLS` role every tenant's. Row-level security decides, not this query.
 */
export const readModelAcrossTenants = async (
  db: Queryable,
  schema: string,
  name: string,
): Promise<ReadonlyArray<TenantDocument>> => {
  checkReadModelName(name)
  const result = await db
    .query<{ tenant: string; id: string; data: string }>(
      `SELECT tenant, id, data::text AS data FROM ${schema}.read_models WHERE name = $1 ORDER BY tenant, id`,
      [name],
    )
    .catch(flagTransient(`reading ${name} across tenants`))
  return result.rows.map((r) => ({ tenant: r.tenant, id: r.id, data: JSON.parse(r.data) as unknown }))
}
