import pg from 'pg'
import { type Contender, EVENT_TYPE, type VisitData } from './workload.js'

/** The raw pg driver: one multi-row INSERT per append in a transaction, keyset-paged selects. */
export const rawPostgres = async (connectionString: string, schema: string): Promise<Contender> => {
  const pool = new pg.Pool({ connectionString, max: 4 })
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.events (position BIGSERIAL PRIMARY KEY, stream TEXT NOT NULL, stream_position INT NOT NULL,
      type TEXT NOT NULL, data JSONB NOT NULL, metadata JSONB NOT NULL, UNIQUE (stream, stream_position))`)
  return {
    name: 'raw pg',
    append: async (stream, events) => {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        await client.query(
          `INSERT INTO ${schema}.events (stream, stream_position, type, data, metadata)
           SELECT $1, p, $2, d, '{}'::jsonb FROM unnest($3::int[], $4::jsonb[]) AS t(p, d)`,
          [stream, EVENT_TYPE, events.map((_, i) => i + 1), events.map((e) => JSON.stringify(e))],
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
      const { rows } = await pool.query(
        `SELECT data FROM ${schema}.events WHERE stream = $1 ORDER BY stream_position`,
        [stream],
      )
      return rows.length
    },
    replay: async (apply) => {
      let n = 0
      let after = '0'
      for (;;) {
        const { rows } = await pool.query<{ position: string; data: VisitData }>(
          `SELECT position, data FROM ${schema}.events WHERE position > $1 ORDER BY position LIMIT 1000`,
          [after],
        )
        if (rows.length === 0) return n
        for (const row of rows) apply(row.data)
        n += rows.length
        after = rows[rows.length - 1]!.position
      }
    },
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await pool.end()
    },
  }
}
