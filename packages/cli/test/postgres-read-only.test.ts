import { dealershipRegistry } from '@dealer-crm/dealership'
import { createPostgresEventStore, latestSchemaVersion, migrations } from '@dealer-crm/store-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectionString,
  dropSchema,
  freshSchema,
  serverAvailable,
  testPool,
} from '../../store-postgres/test/database.js'
import { dumpSchema } from '../../store-postgres/test/schema-dump.js'
import { run, writeDealershipLog } from './fixtures.js'

// Without a server the file is skipped with a printed reason (and fails under CI=true).
const available = await serverAvailable()

/** Commands that only read and need nothing beside --db (ADR 0016). */
const readOnlyCommands: ReadonlyArray<ReadonlyArray<string>> = [['stats'], ['verify'], ['export']]

describe.skipIf(!available)(
  'read-only CLI commands on PostgreSQL leave the schema unchanged (ADR 0016)',
  () => {
    const url = connectionString()
    const current = freshSchema('cli_ro')
    const older = freshSchema('cli_ro_old')
    const foreign = freshSchema('cli_ro_foreign')
    const pool = testPool(2)

    const write = (schema: string) =>
      writeDealershipLog(async (clock) => {
        const store = await createPostgresEventStore({
          connectionString: url,
          schema,
          registry: dealershipRegistry,
          clock,
        })
        return { store, checkpoints: store.checkpoints }
      })

    beforeAll(async () => {
      await write(current)
      await write(older)
      // A store recorded at the version before the latest (its tables are the latest's; what is
      // tested is the recorded version: refused read-only, and not migrated).
      await pool.query(`DELETE FROM ${older}.schema_migrations WHERE version = $1`, [latestSchemaVersion])
      await pool.query(`CREATE SCHEMA ${foreign}; CREATE TABLE ${foreign}.invoices (id int PRIMARY KEY)`)
    })
    afterAll(async () => {
      for (const s of [current, older, foreign]) await dropSchema(pool, s)
      await pool.end()
    })

    it('stats, verify and export read a current store and change nothing in it', async () => {
      const before = await dumpSchema(pool, current)
      for (const command of readOnlyCommands) {
        const r = await run(...command, '--db', url, '--schema', current)
        expect(r.code, `${command.join(' ')}: ${r.stderr}`).toBe(0)
      }
      expect((await run('verify', '--db', url, '--schema', current)).stdout).toContain(
        'every hash chain is intact',
      )
      expect(await dumpSchema(pool, current)).toEqual(before)
    })

    it('a store of an older schema version is refused in one line naming both versions, and not migrated', async () => {
      const before = await dumpSchema(pool, older)
      for (const command of readOnlyCommands) {
        const r = await run(...command, '--db', url, '--schema', older)
        expect(r.code).toBe(1)
        expect(r.stdout).toBe('')
        expect(r.stderr.trim().split('\n')).toHaveLength(1)
        expect(r.stderr).toContain(
          `schema ${older} is a dealer-crm event store of schema version ${migrations[migrations.length - 2]?.version}, older than ${latestSchemaVersion}: open it writable once to migrate it; opened read-only, nothing was changed`,
        )
      }
      expect(await dumpSchema(pool, older)).toEqual(before)
    })

    it("another application's schema is refused in one line and left as it was", async () => {
      const before = await dumpSchema(pool, foreign)
      const r = await run('stats', '--db', url, '--schema', foreign)
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain(`schema ${foreign} is not a dealer-crm event store`)
      expect(await dumpSchema(pool, foreign)).toEqual(before)
    })
  },
)
