import type Database from 'better-sqlite3'

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** A prepared statement, prepared once per connection and SQL text. */
export const prepared = (db: Database.Database, sql: string): Database.Statement => {
  let cache = caches.get(db)
  if (cache === undefined) {
    cache = new Map()
    caches.set(db, cache)
  }
  let statement = cache.get(sql)
  if (statement === undefined) {
    statement = db.prepare(sql)
    cache.set(sql, statement)
  }
  return statement
}

/** Runs work on the connection when no transaction of the store is open (see SqliteEventLog.run). */
export type Gate = <T>(work: (db: Database.Database) => T) => Promise<T>

/** The gate for a connection used directly, e.g. inside a transaction the store opened. */
export const direct =
  (db: Database.Database): Gate =>
  async (work) =>
    work(db)
