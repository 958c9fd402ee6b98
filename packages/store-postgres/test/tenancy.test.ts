import { execFileSync } from 'node:child_process'
import { chainEvents, InvalidTenantError, verify, verifyEvents } from '@dealer-crm/eventsourcing'
import { type ConformanceEvent, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binaryIntArray, binaryTextArray } from '../src/binary-arrays.js'
import {
  createPostgresEventStore,
  createPostgresReadModelStore,
  grantTenantRole,
  latestSchemaVersion,
  migrations,
  type PostgresEventStore,
  readModelAcrossTenants,
  TenantRoleError,
  tenantTables,
} from '../src/index.js'
import { connectionString, dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { pending } from './pending.js'

const available = await serverAvailable()

const note = (text: string) => NoteAdded.make({ text, tags: [] })

/** The connection string of the test server, logging in as `role`. */
const asRole = (role: string): string => {
  const url = new URL(connectionString())
  url.username = role
  url.password = ''
  return url.toString()
}

/** What psql prints (and its exit status) for `sql` run as `role`, standard input `input`. */
const psql = (role: string, sql: string, input = ''): { out: string; failed: string | null } => {
  try {
    const out = execFileSync(
      'psql',
      ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', asRole(role), '-c', sql],
      {
        input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    return { out, failed: null }
  } catch (error) {
    return { out: '', failed: String((error as { stderr?: unknown }).stderr ?? error) }
  }
}

const psqlAvailable = (() => {
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const reason = (error: unknown): string => {
  const e = error as { code?: string; message?: string }
  return `${e.code ?? ''} ${e.message ?? String(error)}`
}

describe.skipIf(!available)('tenants on one PostgreSQL schema (ADR 0022)', () => {
  const pool = testPool(6)
  const schema = freshSchema('tenancy')
  const roleA = `${schema}_a`
  const roleB = `${schema}_b`
  const roleGroup = `${schema}_g`
  const stores: PostgresEventStore<ConformanceEvent>[] = []
  const clients: pg.Client[] = []

  const open = async (tenant: string, options: { pool?: pg.Pool; connectionString?: string } = { pool }) => {
    const store = await createPostgresEventStore<ConformanceEvent>({
      ...options,
      schema,
      tenant,
      registry: conformanceRegistry,
    })
    stores.push(store)
    return store
  }

  const connectAs = async (role: string): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: asRole(role) })
    client.on('error', () => undefined)
    await client.connect()
    clients.push(client)
    return client
  }

  const countAsOwner = async (sql: string): Promise<number> =>
    Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? -1)

  beforeAll(async () => {
    for (const role of [roleA, roleB, roleGroup]) await pool.query(`CREATE ROLE ${role} LOGIN`)
    const a = await open('store-a')
    const b = await open('store-b')
    // The same stream, subject and checkpoint names in both tenants: each is the tenant's own.
    await a.appendToStream('note-1', [note('a secret of store A')], { expectedVersion: 'no_stream' })
    await b.appendToStream('note-1', [note('b secret of store B')], { expectedVersion: 'no_stream' })
    await b.appendToStream('note-1', [note('b second')], { expectedVersion: 1 })
    await a.keyVault.keyFor('customer-1')
    await b.keyVault.keyFor('customer-1')
    await a.checkpoints.save('follower', { position: 1n, state: { tenant: 'a' } })
    await b.checkpoints.save('follower', { position: 2n, state: { tenant: 'b' } })
    for (const [tenant, figure] of [
      ['store-a', 11],
      ['store-b', 22],
    ] as const) {
      const models = createPostgresReadModelStore(pool, schema, tenant)
      await models.transaction(async (tx) => {
        await tx.claim('retention', 1)
        await tx.write('retention', 1, [
          { id: 'summary', document: { data: { tenant, figure }, keys: { by_tenant: tenant } } },
        ])
        await tx.advance('retention', 1, 5n)
        await tx.promote('retention', 1)
      })
    }
    await grantTenantRole(pool, schema, roleA, 'store-a', 'write')
    await grantTenantRole(pool, schema, roleB, 'store-b', 'write')
    await grantTenantRole(pool, schema, roleGroup, '*')
  })

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined)
    for (const store of stores) await store.close()
    if (available) {
      await dropSchema(pool, schema)
      for (const role of [roleA, roleB, roleGroup]) await pool.query(`DROP ROLE IF EXISTS ${role}`)
    }
    await pool.end()
  })

  it('keeps each tenant’s streams, keys, checkpoints and read models apart in the library', async () => {
    const [a, b] = stores as [PostgresEventStore<ConformanceEvent>, PostgresEventStore<ConformanceEvent>]
    const texts = async (store: PostgresEventStore<ConformanceEvent>) => {
      const out: string[] = []
      // Every event of this test is a NoteAdded, whose data has a text.
      for await (const e of store.log.readAll({
        from: 0n,
        to: null,
        batchSize: 100,
        categories: null,
        types: null,
      }))
        out.push((e.data as { text: string }).text)
      return out
    }
    expect(await texts(a)).toEqual(['a secret of store A'])
    expect(await texts(b)).toEqual(['b secret of store B', 'b second'])
    expect(await a.log.streamVersion('note-1')).toBe(1)
    expect(await b.log.streamVersion('note-1')).toBe(2)
    expect(await a.keyVault.existingKey('customer-1')).not.toEqual(await b.keyVault.existingKey('customer-1'))
    expect((await a.checkpoints.load('follower'))?.state).toEqual({ tenant: 'a' })
    expect((await b.checkpoints.load('follower'))?.state).toEqual({ tenant: 'b' })
    const docA = await createPostgresReadModelStore(pool, schema, 'store-a').get('retention', 'summary')
    expect(docA?.data).toEqual({ tenant: 'store-a', figure: 11 })
    // Each tenant's log verifies on its own: its hash chains, and positions that only increase
    // (the other tenant's positions are gaps in it).
    expect(await verify(a)).toMatchObject({ ok: true, events: 1, streams: 1 })
    expect(await verify(b)).toMatchObject({ ok: true, events: 2, streams: 1 })
    // One global position sequence: the tenants' positions interleave and never repeat.
    const positions = await pool.query<{ p: string }>(
      `SELECT position::text AS p FROM ${schema}.event_batches ORDER BY position`,
    )
    expect(new Set(positions.rows.map((r) => r.p)).size).toBe(positions.rows.length)
  })

  it('never lets one transaction write two tenants’ rows, under concurrent group-committed appends', async () => {
    const [a, b] = stores as [PostgresEventStore<ConformanceEvent>, PostgresEventStore<ConformanceEvent>]
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => [
        a.appendToStream(`burst-${i}`, [note(`a ${i}`)], { expectedVersion: 'no_stream' }),
        b.appendToStream(`burst-${i}`, [note(`b ${i}`), note(`b ${i} again`)], {
          expectedVersion: 'no_stream',
        }),
      ]).flat(),
    )
    const mixed = await pool.query(
      `SELECT transaction_id::text FROM ${schema}.event_batches GROUP BY transaction_id HAVING count(DISTINCT tenant) > 1`,
    )
    expect(mixed.rows).toEqual([])
    // Group commit did share transactions within each tenant (more batches than transactions).
    const shared = await pool.query<{ batches: string; transactions: string }>(
      `SELECT count(*)::text AS batches, count(DISTINCT transaction_id)::text AS transactions
       FROM ${schema}.event_batches WHERE stream_name LIKE 'burst-%'`,
    )
    expect(Number(shared.rows[0]?.batches)).toBe(80)
    expect(Number(shared.rows[0]?.transactions)).toBeLessThan(80)
    expect(await a.streamVersion('burst-7')).toBe(1)
    expect(await b.streamVersion('burst-7')).toBe(2)
  })

  it('has no function or view that runs with its owner’s rights (which would bypass the policies)', async () => {
    const definers = await pool.query(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = $1 AND p.prosecdef`,
      [schema],
    )
    expect(definers.rows).toEqual([])
    const ownerViews = await pool.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'v'
         AND NOT coalesce('security_invoker=true' = ANY(c.reloptions), false)`,
      [schema],
    )
    expect(ownerViews.rows).toEqual([])
    const unforced = await pool.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2::text[])
         AND NOT (c.relrowsecurity AND c.relforcerowsecurity)`,
      [schema, [...tenantTables]],
    )
    expect(unforced.rows).toEqual([])
  })

  it('shows a dealer’s role only its tenant’s rows, whatever it selects', async () => {
    const client = await connectAs(roleA)
    const one = async (sql: string) => (await client.query(sql)).rows
    expect(await one(`SELECT ${schema}.current_tenant() AS t`)).toEqual([{ t: 'store-a' }])
    for (const table of [
      'event_batches',
      'events',
      'streams',
      'subject_keys',
      'checkpoints',
      'read_model_versions',
      'read_model_documents',
      'read_model_keys',
      'read_models',
      'read_model_index',
    ]) {
      const rows = await one(`SELECT DISTINCT tenant FROM ${schema}.${table}`)
      expect(rows, table).toEqual([{ tenant: 'store-a' }])
      expect(await one(`SELECT * FROM ${schema}.${table} WHERE tenant = 'store-b'`), table).toEqual([])
    }
    const data = await one(`SELECT data FROM ${schema}.events`)
    expect(JSON.stringify(data)).not.toContain('store B')
  })

  it('cannot be pointed at another tenant: no setting, role switch or mapping change does it', async () => {
    const client = await connectAs(roleA)
    // A setting named like a tenant binding changes nothing: the tenant comes from the login role.
    await client.query(`SELECT set_config('dealer_crm.tenant', 'store-b', false)`)
    expect((await client.query(`SELECT DISTINCT tenant FROM ${schema}.events`)).rows).toEqual([
      { tenant: 'store-a' },
    ])
    await expect(client.query(`SET ROLE ${roleB}`)).rejects.toMatchObject({ code: '42501' })
    await expect(
      client.query(`UPDATE ${schema}.tenant_roles SET tenant = 'store-b' WHERE role_name = session_user`),
    ).rejects.toMatchObject({ code: '42501' })
    await expect(
      client.query(`INSERT INTO ${schema}.tenant_roles (role_name, tenant) VALUES ('someone', 'store-b')`),
    ).rejects.toMatchObject({ code: '42501' })
    // The mapping shows the role its own row only.
    expect((await client.query(`SELECT tenant FROM ${schema}.tenant_roles`)).rows).toEqual([
      { tenant: 'store-a' },
    ])
  })

  it('refuses a dealer’s role writing, changing or deleting another tenant’s rows', async () => {
    const client = await connectAs(roleA)
    const before = await countAsOwner(
      `SELECT count(*) AS n FROM ${schema}.event_batches WHERE tenant = 'store-b' AND array_to_string(data, ' ') LIKE '%b secret of store B%'`,
    )
    expect(before).toBe(1)
    await expect(
      client.query(
        `INSERT INTO ${schema}.checkpoints (tenant, name, position) VALUES ('store-b', 'planted', 1)`,
      ),
    ).rejects.toMatchObject({ code: '42501' })
    // Without a tenant the row is the role's own.
    await client.query(`INSERT INTO ${schema}.checkpoints (name, position) VALUES ('own', 1)`)
    expect(
      await countAsOwner(
        `SELECT count(*) AS n FROM ${schema}.checkpoints WHERE name = 'own' AND tenant = 'store-a'`,
      ),
    ).toBe(1)
    const updated = await client.query(
      `UPDATE ${schema}.event_batches SET data = ARRAY['{}'] WHERE tenant = 'store-b'`,
    )
    expect(updated.rowCount).toBe(0)
    // Moving its own row into the other tenant is refused too.
    await expect(
      client.query(`UPDATE ${schema}.checkpoints SET tenant = 'store-b' WHERE name = 'own'`),
    ).rejects.toMatchObject({ code: '42501' })
    for (const table of ['event_batches', 'streams', 'subject_keys', 'checkpoints', 'read_model_documents']) {
      const deleted = await client.query(`DELETE FROM ${schema}.${table} WHERE tenant = 'store-b'`)
      expect(deleted.rowCount, table).toBe(0)
    }
    expect(
      await countAsOwner(
        `SELECT count(*) AS n FROM ${schema}.event_batches WHERE tenant = 'store-b' AND array_to_string(data, ' ') LIKE '%b secret of store B%'`,
      ),
    ).toBe(1)
    expect(
      await countAsOwner(`SELECT count(*) AS n FROM ${schema}.subject_keys WHERE tenant = 'store-b'`),
    ).toBe(1)
  })

  it('refuses a dealer’s role appending to another tenant through append_events', async () => {
    const client = await connectAs(roleA)
    const call = (tenant: string | null) =>
      client.query(
        `SELECT * FROM ${schema}.append_events(ARRAY['note-9'], ARRAY[0], ARRAY[''], ARRAY[1], ARRAY['e-${tenant ?? 'own'}'],
           ARRAY['NoteAdded'], ARRAY[1], ARRAY['{"text":"planted"}'], ARRAY['2026-01-01T00:00:00.000Z'],
           NULL, NULL, NULL, NULL, NULL, ARRAY['h'], false, NULL, NULL, $1)`,
        [tenant],
      )
    await expect(call('store-b')).rejects.toMatchObject({ code: '42501' })
    expect(
      await countAsOwner(`SELECT count(*) AS n FROM ${schema}.streams WHERE stream_name = 'note-9'`),
    ).toBe(0)
    // Named by no tenant, the call appends to the role's own.
    await call(null)
    expect(
      await countAsOwner(
        `SELECT count(*) AS n FROM ${schema}.event_batches WHERE stream_name = 'note-9' AND tenant = 'store-a'`,
      ),
    ).toBe(1)
  })

  it.skipIf(!psqlAvailable)('gives COPY … TO STDOUT only the tenant’s rows and refuses COPY … FROM', () => {
    const copied = psql(roleA, `COPY ${schema}.event_batches (tenant, data) TO STDOUT`)
    expect(copied.failed).toBeNull()
    expect(copied.out).toContain('store-a')
    expect(copied.out).not.toContain('store-b')
    expect(copied.out).not.toContain('store B')
    const viaQuery = psql(roleA, `COPY (SELECT tenant, data FROM ${schema}.events) TO STDOUT`)
    expect(viaQuery.failed).toBeNull()
    expect(viaQuery.out).not.toContain('store B')
    const planted = psql(
      roleA,
      `COPY ${schema}.checkpoints (tenant, name, position) FROM STDIN`,
      'store-b\tcopied\t1\n\\.\n',
    )
    expect(planted.failed).toMatch(/row-level security/)
  })

  it('lets the library run as a dealer’s role for its own tenant only (TenantRoleError otherwise)', async () => {
    const error = await open('store-b', { connectionString: asRole(roleA) }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error, reason(error)).toBeInstanceOf(TenantRoleError)
    expect(error).toMatchObject({ code: 'TenantRoleError', tenant: 'store-b', bound: 'store-a' })
    const own = await open('store-a', { connectionString: asRole(roleA) })
    const events = []
    for await (const e of own.log.readAll({
      from: 0n,
      to: null,
      batchSize: 100,
      categories: null,
      types: null,
    }))
      events.push(e)
    expect(events.map((e) => e.streamName).filter((n) => !n.startsWith('burst-'))).toEqual([
      'note-1',
      'note-9',
    ])
    expect(events).toHaveLength(42)
    await own.appendToStream('note-1', [note('through the dealer role')], { expectedVersion: 1 })
    expect(await own.log.streamVersion('note-1')).toBe(2)
  })

  it('lets the group’s role read every tenant’s read models and nothing else', async () => {
    const client = await connectAs(roleGroup)
    const rows = await client.query(
      `SELECT tenant, data->>'figure' AS figure FROM ${schema}.read_models WHERE name = 'retention' ORDER BY tenant`,
    )
    expect(rows.rows).toEqual([
      { tenant: 'store-a', figure: '11' },
      { tenant: 'store-b', figure: '22' },
    ])
    expect(await readModelAcrossTenants(client, schema, 'retention')).toEqual([
      { tenant: 'store-a', id: 'summary', data: { tenant: 'store-a', figure: 11 } },
      { tenant: 'store-b', id: 'summary', data: { tenant: 'store-b', figure: 22 } },
    ])
    // A dealer's role, through the same call, reads its own store's only.
    expect(await readModelAcrossTenants(await connectAs(roleB), schema, 'retention')).toEqual([
      { tenant: 'store-b', id: 'summary', data: { tenant: 'store-b', figure: 22 } },
    ])
    await expect(client.query(`SELECT * FROM ${schema}.event_batches`)).rejects.toMatchObject({
      code: '42501',
    })
    await expect(
      client.query(`DELETE FROM ${schema}.read_model_documents WHERE tenant = 'store-a'`),
    ).rejects.toMatchObject({ code: '42501' })
  })

  it('refuses a tenant name that is not one, before touching the database', async () => {
    for (const tenant of ['', 'Store A', '*', 'a'.repeat(64)]) {
      const error = await open(tenant).then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(InvalidTenantError)
    }
  })
})

describe.skipIf(!available)('a store written before tenants (schema version 7)', () => {
  const pool = testPool(3)
  const schema = freshSchema('pretenant')

  afterAll(async () => {
    if (available) await dropSchema(pool, schema)
    await pool.end()
  })

  it('reads on as tenant default after migration 9, and another tenant sees none of it', async () => {
    await pool.query(`CREATE SCHEMA ${schema}`)
    await pool.query(`CREATE TABLE ${schema}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    for (const m of migrations.filter((m) => m.version <= 7)) {
      await pool.query(m.sql(schema))
      await pool.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ])
    }
    // Written as version 7 wrote it: its append function, a checkpoint and a live read-model document.
    const [e] = chainEvents('note-1', 0, '', [
      { ...pending('written before tenants'), eventId: 'old-1', recordedAt: '2026-11-01T08:00:00.000Z' },
    ])
    // One event was chained above; chainEvents returns one per event given.
    const old = e!
    await pool.query(
      `SELECT * FROM ${schema}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL, NULL, $10, false)`,
      [
        binaryTextArray(['note-1']),
        binaryIntArray([0]),
        binaryTextArray(['']),
        binaryIntArray([1]),
        binaryTextArray([old.eventId]),
        binaryTextArray([old.type]),
        binaryIntArray([old.schemaVersion]),
        binaryTextArray([old.dataJson]),
        binaryTextArray([old.recordedAt]),
        binaryTextArray([old.hash]),
      ],
    )
    await pool.query(`INSERT INTO ${schema}.checkpoints (name, position) VALUES ('follower', 2)`)
    await pool.query(
      `INSERT INTO ${schema}.read_model_versions (name, version, position, live) VALUES ('m', 1, 1, true)`,
    )
    await pool.query(
      `INSERT INTO ${schema}.read_model_documents (name, version, id, data, keys) VALUES ('m', 1, 'x', '{"n":1}', '{}')`,
    )

    const store = await createPostgresEventStore<ConformanceEvent>({
      pool,
      schema,
      registry: conformanceRegistry,
    })
    const other = await createPostgresEventStore<ConformanceEvent>({
      pool,
      schema,
      tenant: 'store-x',
      registry: conformanceRegistry,
    })
    try {
      expect(store.tenant).toBe('default')
      const version = await pool.query(`SELECT max(version)::int AS v FROM ${schema}.schema_migrations`)
      expect(version.rows[0]).toEqual({ v: latestSchemaVersion })
      await store.appendToStream('note-1', [note('written after')], { expectedVersion: 1 })
      expect((await verifyEvents(store.log.readStream('note-1', { from: 1, to: 9, maxCount: 9 }))).ok).toBe(
        true,
      )
      expect((await store.checkpoints.load('follower'))?.position).toBe(2n)
      expect((await createPostgresReadModelStore(pool, schema).get('m', 'x'))?.data).toEqual({ n: 1 })
      expect(await other.log.streamVersion('note-1')).toBe(0)
      expect(await other.checkpoints.load('follower')).toBeNull()
      expect(await createPostgresReadModelStore(pool, schema, 'store-x').get('m', 'x')).toBeUndefined()
    } finally {
      await store.close()
      await other.close()
    }
  })
})
