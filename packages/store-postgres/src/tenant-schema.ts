import { appendFunctionV7 } from './append-function.js'
import { batchEvents, eventColumns } from './rows.js'

/** The tables whose every row belongs to one tenant, each under the row-level security policy `tenant_rows`. */
export const tenantTables = [
  'event_batches',
  'streams',
  'subject_keys',
  'kek_retired',
  'checkpoints',
  'dead_letters',
  'read_model_versions',
  'read_model_documents',
  'read_model_keys',
] as const

/** The tables a group's role (tenant `*` in `tenant_roles`) reads across every tenant. */
export const groupReadTables = ['read_model_versions', 'read_model_documents', 'read_model_keys'] as const

/** Each table's primary or unique key before tenants, and the key it becomes (tenant first). */
const keys: ReadonlyArray<readonly [table: string, constraint: string, columns: string]> = [
  [
    'event_batches',
    'event_batches_stream_name_stream_position_key',
    'UNIQUE (tenant, stream_name, stream_position)',
  ],
  ['streams', 'streams_pkey', 'PRIMARY KEY (tenant, stream_name)'],
  ['subject_keys', 'subject_keys_pkey', 'PRIMARY KEY (tenant, subject_id)'],
  ['kek_retired', 'kek_retired_pkey', 'PRIMARY KEY (tenant, id)'],
  ['checkpoints', 'checkpoints_pkey', 'PRIMARY KEY (tenant, name)'],
  ['dead_letters', 'dead_letters_pkey', 'PRIMARY KEY (tenant, runner, global_position)'],
  ['read_model_versions', 'read_model_versions_pkey', 'PRIMARY KEY (tenant, name, version)'],
  ['read_model_documents', 'read_model_documents_pkey', 'PRIMARY KEY (tenant, name, version, id)'],
  ['read_model_keys', 'read_model_keys_pkey', 'PRIMARY KEY (tenant, name, version, index_name, key, id)'],
]

/** The tenant a role acts for, as every policy reads it: `(SELECT s.current_tenant())`, once per statement. */
const tenantOfRole = (s: string) => `(SELECT ${s}.current_tenant())`

/**
 * Schema migration 9 (ADR 0022): a tenant on every row, `default` for the rows written before, and
 * row-level security that binds each role to its tenant.
 *
 * - `tenant_roles` maps a login role (`session_user`, which `SET ROLE` does not change) to the
 *   tenant it acts for, or to `*`: the group's role, which reads every tenant's read models and
 *   writes nothing. `current_tenant()` resolves it; a role not in the table acts for `default`, so
 *   a single-dealer store keeps working under any role. There is no setting a session can change
 *   to act for another tenant.
 * - Every tenant table is under FORCE ROW LEVEL SECURITY (its owner included) with the policy
 *   `tenant = current_tenant()` for reads and writes. Superusers and BYPASSRLS roles are not
 *   bound: the library's own service role serving many tenants is one of those, and it names the
 *   tenant in each statement.
 * - The views run with the caller's rights (`security_invoker`), so a view owned by a superuser
 *   does not show a dealer's role what the tables would not.
 */
export const tenantMigration = (s: string): string => `
  CREATE TABLE ${s}.tenant_roles (
    role_name text PRIMARY KEY,
    tenant text NOT NULL CHECK (tenant ~ '^[a-z0-9][a-z0-9_-]{0,62}$' OR tenant = '*')
  );
  ALTER TABLE ${s}.tenant_roles ENABLE ROW LEVEL SECURITY;
  CREATE POLICY own_row ON ${s}.tenant_roles FOR SELECT USING (role_name = session_user);
  GRANT SELECT ON ${s}.tenant_roles TO PUBLIC;
  CREATE FUNCTION ${s}.current_tenant() RETURNS text LANGUAGE sql STABLE SECURITY INVOKER AS $ct$
    SELECT coalesce((SELECT r.tenant FROM ${s}.tenant_roles r WHERE r.role_name = session_user), 'default')
  $ct$;
  DROP VIEW ${s}.events;
  DROP VIEW ${s}.read_models;
  DROP VIEW ${s}.read_model_index;
  ${tenantTables
    .map(
      (t) => `ALTER TABLE ${s}.${t} ADD COLUMN tenant text NOT NULL DEFAULT 'default';
  ALTER TABLE ${s}.${t} ALTER COLUMN tenant SET DEFAULT ${s}.current_tenant();`,
    )
    .join('\n  ')}
  ${keys.map(([t, c, k]) => `ALTER TABLE ${s}.${t} DROP CONSTRAINT ${c}, ADD ${k};`).join('\n  ')}
  DROP INDEX ${s}.event_batches_category_position;
  CREATE INDEX event_batches_tenant_position ON ${s}.event_batches (tenant, position);
  CREATE INDEX event_batches_tenant_category_position ON ${s}.event_batches (tenant, category, position);
  DROP INDEX ${s}.read_model_versions_live;
  CREATE UNIQUE INDEX read_model_versions_live ON ${s}.read_model_versions (tenant, name) WHERE live;
  DROP INDEX ${s}.read_model_keys_by_id;
  CREATE INDEX read_model_keys_by_id ON ${s}.read_model_keys (tenant, name, version, id);
  ${tenantTables
    .map(
      (t) => `ALTER TABLE ${s}.${t} ENABLE ROW LEVEL SECURITY;
  ALTER TABLE ${s}.${t} FORCE ROW LEVEL SECURITY;
  CREATE POLICY tenant_rows ON ${s}.${t} USING (tenant = ${tenantOfRole(s)}) WITH CHECK (tenant = ${tenantOfRole(s)});`,
    )
    .join('\n  ')}
  ${groupReadTables
    .map((t) => `CREATE POLICY group_reads ON ${s}.${t} FOR SELECT USING (${tenantOfRole(s)} = '*');`)
    .join('\n  ')}
  CREATE VIEW ${s}.events WITH (security_invoker = true) AS
    SELECT ${eventColumns}, b.category, b.transaction_id, b.tenant FROM ${s}.event_batches b ${batchEvents};
  CREATE VIEW ${s}.read_models WITH (security_invoker = true) AS
    SELECT d.tenant, d.name, d.id, d.data, d.keys, v.version, v.position
    FROM ${s}.read_model_documents d
    JOIN ${s}.read_model_versions v
      ON v.tenant = d.tenant AND v.name = d.name AND v.version = d.version AND v.live;
  CREATE VIEW ${s}.read_model_index WITH (security_invoker = true) AS
    SELECT k.tenant, k.name, k.index_name, k.key, k.id, d.data
    FROM ${s}.read_model_keys k
    JOIN ${s}.read_model_versions v
      ON v.tenant = k.tenant AND v.name = k.name AND v.version = k.version AND v.live
    JOIN ${s}.read_model_documents d
      ON d.tenant = k.tenant AND d.name = k.name AND d.version = k.version AND d.id = k.id;
  DROP FUNCTION ${s}.append_events(text[], integer[], text[], integer[], text[], text[], integer[], text[],
    text[], text[], text[], text[], text[], text[], text[], boolean, bigint, text[]);
  ${appendFunctionV7(s)}
`
