import Database from 'better-sqlite3'
import { type Contender, EVENT_TYPE, type VisitData } from './workload.js'

/** The raw driver doing the same inserts and selects, with no event-store logic. */
export const rawSqlite = (path: string): Contender => {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec(`CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY, stream TEXT NOT NULL, stream_position INTEGER NOT NULL,
    type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, stream_position))`)
  const insert = db.prepare(
    'INSERT INTO events (stream, stream_position, type, data, metadata) VALUES (?, ?, ?, ?, ?)',
  )
  const appendMany = db.transaction((stream: string, events: ReadonlyArray<VisitData>) => {
    events.forEach((e, i) => {
      insert.run(stream, i + 1, EVENT_TYPE, JSON.stringify(e), '{}')
    })
  })
  const byStream = db.prepare('SELECT data FROM events WHERE stream = ? ORDER BY stream_position')
  const page = db.prepare('SELECT position, data FROM events WHERE position > ? ORDER BY position LIMIT 1000')
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
