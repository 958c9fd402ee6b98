import pg from 'pg'
import { rawColumns, rawRow } from './raw-row.js'
import type { Contender, VisitData } from './workload.js'

const columnTypes = [
  'text',
  'int',
  'text',
  'text',
  'text',
  'int',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
]

/**
 * The raw pg driver writing the same rows as our PostgreSQL store (the same columns, `data` as
 * text, the same indexes), with no event-store logic: one multi-row INSERT per append in a
 * transaction, keyset-paged selects. It drops its schema on close, except after a rebuild 'fill'
 * (kept for the 'replay', which opens it as it is).
 */
export const rawPostgres = async (
  connectionString: string,
  schema: string,
  rebuild?: 'fill' | 'replay',
): Promise<Contender> => {
  const pool = new pg.Pool({ connectionString, max: 10 })
  if (rebuild !== 'replay')
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.events (position BIGSERIAL PRIMARY KEY, stream_name TEXT NOT NULL,
      stream_position INT NOT NULL, category TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
      schema_version INT NOT NULL, data TEXT NOT NULL, recorded_at TEXT NOT NULL, correlation_id TEXT,
      causation_id TEXT, command_id TEXT, actor TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
      UNIQUE (stream_name, stream_position));
    CREATE INDEX ON ${schema}.events (category, position);`)
  const unnest = columnTypes.map((type, i) => `$${i + 1}::${type}[]`).join(', ')
  return {
    name: 'raw pg',
    append: async (stream, events) => {
      const rows = events.map((e, i) => rawRow(stream, i + 1, e))
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        await client.query(
          `INSERT INTO ${schema}.events (${rawColumns}) SELECT * FROM unnest(${unnest})`,
          columnTypes.map((_, c) => rows.map((r) => r[c])),
        )
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      } finally {
        client.release()
      }
    },
    readStream: async (stream) => {
      const { rows } = await pool.query<{ data: string }>(
        `SELECT position, ${rawColumns} FROM ${schema}.events WHERE stream_name = $1 ORDER BY stream_position`,
        [stream],
      )
      for (const row of rows) JSON.parse(row.data)
      return rows.length
    },
    replay: async (apply) => {
      let n = 0
      let after = '0'
      for (;;) {
        const { rows } = await pool.query<{ position: string; data: string }>(
          `SELECT position, ${rawColumns} FROM ${schema}.events WHERE position > $1 ORDER BY position LIMIT 1000`,
          [after],
        )
        if (rows.length === 0) return n
        for (const row of rows) apply(JSON.parse(row.data) as VisitData)
        n += rows.length
        after = rows[rows.length - 1]!.position
      }
    },
    close: async () => {
      if (rebuild !== 'fill') await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await pool.end()
    },
  }
}
