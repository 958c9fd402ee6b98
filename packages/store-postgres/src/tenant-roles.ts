import type pg from 'pg'
import { TenantRoleError } from './errors.js'
import { flagTransient, type Queryable } from './pool.js'

/**
 * Refuses (TenantRoleError) a store opened for a tenant its connection's role may not act for:
 * row-level security would show it nothing of that tenant and refuse its writes. A superuser or
 * BYPASSRLS role acts for any tenant (the library names the tenant in every statement); any other
 * role for the one `current_tenant()` resolves for it.
 */
export const checkTenantRole = async (pool: pg.Pool, schema: string, tenant: string): Promise<void> => {
  const result = await pool
    .query<{ role: string; trusted: boolean; bound: string }>(
      `SELECT current_user AS role, r.rolsuper OR r.rolbypassrls AS trusted, ${schema}.current_tenant() AS bound
       FROM pg_roles r WHERE r.rolname = current_user`,
    )
    .catch(flagTransient(`checking the tenant of the role in schema ${schema}`))
  const row = result.rows[0]
  if (row === undefined || row.trusted || row.bound === tenant) return
  throw new TenantRoleError(schema, tenant, row.role, row.bound)
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** What a role bound to a tenant may do: read its rows, or also write them. */
export type TenantRoleAccess = 'read' | 'write'

/**
 * Bind a database role to a tenant (or to `*`: the group's role, which reads every tenant's read
 * models) in `tenant_roles`, and grant it what that needs on the schema: reading (the event, stream,
 * checkpoint and read-model tables and views), or reading and writing (the store's tables and
 * sequences, and `append_events`). Row-level security then limits every statement of the role to
 * its tenant's rows. Run it as the schema's owner or a superuser; it does not create the role.
 */
export const grantTenantRole = async (
  db: Queryable,
  schema: string,
  role: string,
  tenant: string,
  access: TenantRoleAccess = 'read',
): Promise<void> => {
  const r = quoteIdent(role)
  const s = schema
  const group = tenant === '*'
  const readable = group
    ? 'read_model_versions, read_model_documents, read_model_keys, read_models, read_model_index'
    : 'event_batches, events, streams, checkpoints, dead_letters, read_model_versions, read_model_documents, read_model_keys, read_models, read_model_index'
  const list = (tables: string) =>
    tables
      .split(', ')
      .map((t) => `${s}.${t}`)
      .join(', ')
  await db.query(
    `INSERT INTO ${s}.tenant_roles (role_name, tenant) VALUES ($1, $2)
    ON CONFLICT (role_name) DO UPDATE SET tenant = excluded.tenant`,
    [role, tenant],
  )
  await db.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`)
  await db.query(`GRANT SELECT ON ${list(`schema_migrations, ${readable}`)} TO ${r}`)
  if (access === 'write' && !group) {
    await db.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ${list('event_batches, streams, subject_keys, kek_retired, checkpoints, dead_letters, read_model_versions, read_model_documents, read_model_keys')} TO ${r}`,
    )
    await db.query(`GRANT USAGE, SELECT, UPDATE ON ${list('events_position_seq, commit_clock')} TO ${r}`)
  }
}
