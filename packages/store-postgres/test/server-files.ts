import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type pg from 'pg'

/**
 * The server's own files, for tests that look for bytes PostgreSQL keeps (dead rows, free space,
 * WAL). Null, with the reason, when the data directory cannot be read from here (a remote server,
 * or not running as a user allowed to read it).
 */
export interface ServerFiles {
  /** The table's heap files (all segments), after a CHECKPOINT wrote its pages out. */
  readonly relation: (table: string) => Promise<Buffer[]>
  /**
   * Every WAL segment file in pg_wal: the ones in use and the recycled ones (renamed for reuse,
   * still holding their old records until they are written over).
   */
  readonly wal: () => Promise<Buffer[]>
}

export const serverFiles = async (pool: pg.Pool): Promise<ServerFiles | string> => {
  let dataDirectory: string
  try {
    dataDirectory = (await pool.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory']))
      .rows[0]!.d
    accessSync(join(dataDirectory, 'pg_wal'), constants.R_OK)
  } catch (error) {
    return `the server's data directory cannot be read from this process (${(error as Error).message})`
  }
  return {
    relation: async (table) => {
      await pool.query('CHECKPOINT')
      const path = (await pool.query<{ p: string }>('SELECT pg_relation_filepath($1) AS p', [table])).rows[0]!
        .p
      const segments: Buffer[] = []
      for (let i = 0; ; i++) {
        const file = join(dataDirectory, i === 0 ? path : `${path}.${i}`)
        if (!existsSync(file)) return segments
        segments.push(readFileSync(file))
      }
    },
    wal: async () => {
      const directory = join(dataDirectory, 'pg_wal')
      return readdirSync(directory)
        .filter((name) => /^[0-9A-F]{24}$/.test(name))
        .map((name) => readFileSync(join(directory, name)))
    },
  }
}

/** Does any of the buffers hold these bytes, as they are? */
export const holds = (buffers: ReadonlyArray<Buffer>, bytes: Uint8Array): boolean =>
  buffers.some((b) => b.includes(Buffer.from(bytes)))
