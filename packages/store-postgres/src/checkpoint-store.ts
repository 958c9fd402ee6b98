import { type Checkpoint, type CheckpointStore, defaultTenant, StoreError } from '@dealer-crm/eventsourcing'
import { flagTransient, type Queryable } from './pool.js'

/**
 * Checkpoints of projections and process managers in table `checkpoints` (name, next position,
 * state as JSON text). Give it the pool, or the PoolClient of an open transaction so that the
 * checkpoint commits with the read-model rows it covers. The checkpoints are `tenant`'s.
 */
export const postgresCheckpointStore = (
  db: Queryable,
  schema: string,
  tenant: string = defaultTenant,
): CheckpointStore => ({
  load: async (name) => {
    const result = await db
      .query<{ position: string; state: string | null }>({
        name: `dcrm_${schema}_checkpoint_load`,
        text: `SELECT position::text AS position, state FROM ${schema}.checkpoints WHERE tenant = $2 AND name = $1`,
        values: [name, tenant],
      })
      .catch(flagTransient(`loading checkpoint ${name}`))
    const row = result.rows[0]
    if (row === undefined) return null
    let state: unknown = null
    if (row.state !== null) {
      try {
        state = JSON.parse(row.state)
      } catch (error) {
        throw new StoreError(`checkpoint ${name} holds invalid JSON state: ${(error as Error).message}`)
      }
    }
    const checkpoint: Checkpoint = { position: BigInt(row.position), state }
    return checkpoint
  },
  save: async (name, checkpoint) => {
    const state = checkpoint.state === null ? null : JSON.stringify(checkpoint.state)
    await db
      .query({
        name: `dcrm_${schema}_checkpoint_save`,
        text: `INSERT INTO ${schema}.checkpoints (tenant, name, position, state, updated_at) VALUES ($4, $1, $2, $3, now())
             ON CONFLICT (tenant, name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = now()`,
        values: [name, checkpoint.position.toString(), state ?? null, tenant],
      })
      .catch(flagTransient(`saving checkpoint ${name}`))
  },
  delete: async (name) => {
    await db
      .query({
        name: `dcrm_${schema}_checkpoint_delete`,
        text: `DELETE FROM ${schema}.checkpoints WHERE tenant = $2 AND name = $1`,
        values: [name, tenant],
      })
      .catch(flagTransient(`deleting checkpoint ${name}`))
  },
})
