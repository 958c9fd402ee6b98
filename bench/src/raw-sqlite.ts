import Database from 'better-sqlite3'
import { rawColumns, rawRow } from './raw-row.js'
import type { Contender, VisitData } from './workload.js'

/** The raw driver doing the same inserts and selects as our store, with no event-store logic. */
export const rawSqlite = (path: string): Contender => {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec(`CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY, stream_name TEXT NOT NULL,
    stream_position INTEGER NOT NULL, category TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    schema_version INTEGER NOT NULL, data TEXT NOT NULL, recorded_at TEXT NOT NULL, correlation_id TEXT,
    causation_id TEXT, command_id TEXT, actor TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
    UNIQUE (stream_name, stream_position))`)
  const insert = db.prepare(
    `INSERT INTO events (${rawColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const appendMany = db.transaction((stream: string, events: ReadonlyArray<VisitData>) => {
    events.forEach((e, i) => {
      insert.run(rawRow(stream, i + 1, e))
    })
  })
  const byStream = db.prepare(
    `SELECT position, ${rawColumns} FROM events WHERE stream_name = ? ORDER BY stream_position`,
  )
  const page = db.prepare(
    `SELECT position, ${rawColumns} FROM events WHERE position > ? ORDER BY position LIMIT 1000`,
  )
  return {
    name: 'raw better-sqlite3',
    append: async (stream, events) => {
      appendMany(stream, events)
    },
    readStream: async (stream) => {
      let n = 0
      for (const row of byStream.iterate(stream) as Iterable<{ data: string }>) {
        JSON.parse(row.data)
        n++
      }
      return n
    },
    replay: async (apply) => {
      let n = 0
      let after = 0
      for (;;) {
        const rows = page.all(after) as Array<{ position: number; data: string }>
        if (rows.length === 0) return n
        for (const row of rows) apply(JSON.parse(row.data) as VisitData)
        n += rows.length
        after = rows[rows.length - 1]!.position
      }
    },
    close: async () => {
      db.close()
    },
  }
}
