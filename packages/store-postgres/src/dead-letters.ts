import type { ParkedEvent } from '@dealer-crm/eventsourcing'
import { defaultTenant } from '@dealer-crm/eventsourcing'
import { flagTransient, type Queryable } from './pool.js'

/** An event a runner could not read, parked instead of stopping the runner. */
export interface DeadLetter extends ParkedEvent {
  readonly parkedAt: Date
}

/** Park an event of `tenant` in `dead_letters` (idempotent per runner and position). */
export const parkDeadLetter = async (
  db: Queryable,
  schema: string,
  letter: ParkedEvent,
  tenant: string = defaultTenant,
): Promise<void> => {
  await db.query(
    `INSERT INTO ${schema}.dead_letters (tenant, runner, global_position, stream_name, stream_position, error_code, message)
     VALUES ($7, $1, $2, $3, $4, $5, $6) ON CONFLICT (tenant, runner, global_position) DO NOTHING`,
    [
      letter.runner,
      letter.globalPosition.toString(),
      letter.streamName,
      letter.streamPosition,
      letter.errorCode,
      letter.message,
      tenant,
    ],
  )
}

/** The parked events of `tenant`, oldest first; of one runner when named. */
export const listDeadLetters = async (
  db: Queryable,
  schema: string,
  runner?: string,
  tenant: string = defaultTenant,
): Promise<ReadonlyArray<DeadLetter>> => {
  const result = await db
    .query<{
      runner: string
      global_position: string
      stream_name: string | null
      stream_position: number | null
      error_code: string
      message: string
      parked_at: Date
    }>(
      `SELECT runner, global_position::text AS global_position, stream_name, stream_position, error_code, message, parked_at
     FROM ${schema}.dead_letters WHERE tenant = $2 AND ($1::text IS NULL OR runner = $1) ORDER BY runner, global_position`,
      [runner ?? null, tenant],
    )
    .catch(flagTransient('listing dead letters'))
  return result.rows.map((r) => ({
    runner: r.runner,
    globalPosition: BigInt(r.global_position),
    streamName: r.stream_name,
    streamPosition: r.stream_position,
    errorCode: r.error_code,
    message: r.message,
    parkedAt: r.parked_at,
  }))
}
