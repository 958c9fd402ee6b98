import pg from 'pg'
import { rawRow } from './raw-row.js'
import type { Contender, VisitData } from './workload.js'

/** rawRow's columns that vary per event, by index, each stored as an array of the batch. */
const arrayColumns = [
  ['event_ids', 3, 'text'],
  ['types', 4, 'text'],
  ['schema_versions', 5, 'int'],
  ['data', 6, 'text'],
  ['recorded_at', 7, 'text'],
  ['actors', 11, 'text'],
  ['hashes', 13, 'text'],
] as const

/** The events of batches `b`, one row each: what a hand-written read of the same table selects. */
const events = `SELECT b.position - b.event_count + e.i AS position, b.stream_name,
  b.stream_position - b.event_count + e.i AS stream_position, e.*
  FROM batches b CROSS JOIN LATERAL ROWS FROM (${arrayColumns.map(([name]) => `unnest(b.${name})`).join(', ')})
  WITH ORDINALITY AS e(${arrayColumns.map(([name]) => name).join(', ')}, i)`

/**
 * The raw pg driver writing the same rows as our PostgreSQL store: one row per append holding its
 * events' fields as arrays (ADR 0009), the same indexes and storage, with no event-store logic: one
 * INSERT per append in a transaction, pg's own (text) array parameters, keyset-paged selects that
 * unnest the batches. It drops its schema on close, except after a rebuild 'fill' (kept for the
 * 'replay', which opens it as it is).
 */
export const rawPostgres = async (
  connectionString: string,
  schema: string,
  rebuild?: 'fill' | 'replay',
): Promise<Contender> => {
  const pool = new pg.Pool({ connectionString, max: 10 })
  if (rebuild !== 'replay')
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.batches (position BIGINT PRIMARY KEY, event_count INT NOT NULL,
      stream_name TEXT NOT NULL, stream_position INT NOT NULL, category TEXT NOT NULL,
      event_ids TEXT[] NOT NULL, types TEXT[] NOT NULL, schema_versions INT[] NOT NULL, data TEXT[] NOT NULL,
      recorded_at TEXT[] NOT NULL, actors TEXT[], prev_hash TEXT NOT NULL, hashes TEXT[] NOT NULL,
      UNIQUE (stream_name, stream_position));
    CREATE INDEX ON ${schema}.batches (category, position);
    ALTER TABLE ${schema}.batches ALTER event_ids SET STORAGE EXTERNAL, ALTER hashes SET STORAGE EXTERNAL,
      ALTER types SET COMPRESSION lz4, ALTER data SET COMPRESSION lz4, ALTER recorded_at SET COMPRESSION lz4,
      ALTER actors SET COMPRESSION lz4;`)
  // Positions as our store numbers them: a batch's is its last event's.
  let position = BigInt(
    (await pool.query<{ p: string }>(`SELECT coalesce(max(position), 0)::text AS p FROM ${schema}.batches`))
      .rows[0]?.p ?? '0',
  )
  const select = async (where: string, values: unknown[], apply: (data: VisitData) => void, limit = '') => {
    const { rows } = await pool.query<{ position: string; data: string }>(
      `WITH batches AS (SELECT * FROM ${schema}.batches b WHERE ${where}) ${events} ${limit}`,
      values,
    )
    for (const row of rows) apply(JSON.parse(row.data) as VisitData)
    return rows
  }
  return {
    name: 'raw pg',
    append: async (stream, visits) => {
      const rows = visits.map((e, i) => rawRow(stream, i + 1, e))
      position += BigInt(rows.length)
      const last = position.toString()
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        await client.query(
          `INSERT INTO ${schema}.batches (event_count, stream_name, stream_position, category,
             ${arrayColumns.map(([name]) => name).join(', ')}, prev_hash, position)
           VALUES ($1, $2, $3, $4, ${arrayColumns.map(([, , type], i) => `$${i + 5}::${type}[]`).join(', ')}, $12, $13)`,
          [
            rows.length,
            stream,
            rows.length,
            stream.slice(0, stream.indexOf('-')),
            ...arrayColumns.map(([, index]) => rows.map((r) => r[index])),
            rows[0]?.[12],
            last,
          ],
        )
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      } finally {
        client.release()
      }
    },
    readStream: async (stream) =>
      (await select('stream_name = $1 ORDER BY stream_position', [stream], () => undefined)).length,
    replay: async (apply) => {
      let n = 0
      let from = 1n
      for (;;) {
        // Pages of 1,000 events, as our store reads them.
        const rows = await select(
          'position >= $1 ORDER BY position LIMIT 1001',
          [from.toString()],
          apply,
          'WHERE b.position - b.event_count + e.i >= $1 LIMIT 1000',
        )
        n += rows.length
        if (rows.length < 1000) return n
        from = BigInt((rows[rows.length - 1] as { position: string }).position) + 1n
      }
    },
    close: async () => {
      if (rebuild !== 'fill') await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await pool.end()
    },
  }
}
