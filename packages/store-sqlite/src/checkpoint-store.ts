import { type Checkpoint, type CheckpointStore, StoreError } from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { direct, type Gate, prepared } from './statements.js'

/**
 * Checkpoints of projections and process managers in table `es_checkpoints` (name, next
 * position, state as JSON). Pass `gate` (the log's `run`) outside a transaction of the store;
 * inside an inline projection or `log.transaction`, use it without a gate on the `tx` you were
 * given, so the checkpoint commits with the rows it covers.
 */
export const sqliteCheckpointStore = (db: Database.Database, gate: Gate = direct(db)): CheckpointStore => ({
  load: (name) =>
    gate(() => {
      const row = prepared(db, 'SELECT position, state FROM es_checkpoints WHERE name = ?')
        .safeIntegers(true)
        .get(name) as { position: unknown; state: unknown } | undefined
      if (row === undefined) return null
      if (typeof row.position !== 'bigint')
        throw new StoreError(`checkpoint ${name} has no valid position (${String(row.position)})`)
      let state: unknown = null
      if (typeof row.state === 'string') {
        try {
          state = JSON.parse(row.state)
        } catch (error) {
          throw new StoreError(`checkpoint ${name} holds invalid JSON state: ${(error as Error).message}`)
        }
      }
      const checkpoint: Checkpoint = { position: row.position, state }
      return checkpoint
    }),
  save: (name, checkpoint) =>
    gate(() => {
      const state = checkpoint.state === null ? null : JSON.stringify(checkpoint.state)
      prepared(
        db,
        `INSERT INTO es_checkpoints (name, position, state, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state,
           updated_at = excluded.updated_at`,
      ).run(name, checkpoint.position, state === undefined ? null : state, new Date().toISOString())
    }),
  delete: (name) =>
    gate(() => {
      prepared(db, 'DELETE FROM es_checkpoints WHERE name = ?').run(name)
    }),
})
