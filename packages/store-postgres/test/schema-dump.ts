import type pg from 'pg'

/** Everything a test can see of a schema: its relations and functions, every table's rows, sequences. */
export interface SchemaDump {
  readonly relations: ReadonlyArray<string>
  readonly functions: ReadonlyArray<string>
  readonly rows: Readonly<Record<string, string>>
  readonly sequences: Readonly<Record<string, string>>
}

/** A dump of `schema` to compare before and after: two equal dumps mean nothing in it changed. */
export const dumpSchema = async (pool: pg.Pool, schema: string): Promise<SchemaDump> => {
  const relations = await pool.query<{ relname: string; relkind: string }>(
    `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 ORDER BY c.relname`,
    [schema],
  )
  const functions = await pool.query<{ f: string }>(
    `SELECT p.oid::regprocedure::text || ' ' || md5(p.prosrc) AS f FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1`,
    [schema],
  )
  const rows: Record<string, string> = {}
  const sequences: Record<string, string> = {}
  for (const r of relations.rows) {
    const name = `${schema}.${r.relname}`
    if (r.relkind === 'r') {
      const all = await pool.query<{ rows: string | null }>(
        `SELECT json_agg(t ORDER BY t::text)::text AS rows FROM ${name} t`,
      )
      rows[r.relname] = all.rows[0]?.rows ?? '[]'
    }
    if (r.relkind === 'S') {
      const seq = await pool.query<{ v: string }>(
        `SELECT last_value::text || ' ' || is_called::text AS v FROM ${name}`,
      )
      sequences[r.relname] = seq.rows[0]?.v ?? ''
    }
  }
  return {
    relations: relations.rows.map((r) => `${r.relname} ${r.relkind}`),
    functions: functions.rows.map((r) => r.f),
    rows,
    sequences,
  }
}
