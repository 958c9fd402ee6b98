import type { ParkedEvent } from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { prepared } from './statements.js'

/** An event a runner could not read, parked instead of stopping the runner. */
export interface DeadLetter extends ParkedEvent {
  readonly parkedAt: string
}

/** Park an event in `es_dead_letters` (idempotent per runner and position). */
export const parkDeadLetter = (db: Database.Database, letter: ParkedEvent): void => {
  prepared(
    db,
    `INSERT INTO es_dead_letters (runner, global_position, stream_name, stream_position, error_code, message, parked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (runner, global_position) DO NOTHING`,
  ).run(
    letter.runner,
    letter.globalPosition,
    letter.streamName,
    letter.streamPosition,
    letter.errorCode,
    letter.message,
    new Date().toISOString(),
  )
}

/** The parked events, oldest first; of one runner when named. */
export const listDeadLetters = (db: Database.Database, runner?: string): ReadonlyArray<DeadLetter> => {
  const rows = prepared(
    db,
    `SELECT runner, global_position, stream_name, stream_position, error_code, message, parked_at
     FROM es_dead_letters WHERE (? IS NULL OR runner = ?) ORDER BY runner, global_position`,
  ).all(runner ?? null, runner ?? null) as ReadonlyArray<{
    runner: string
    global_position: number
    stream_name: string | null
    stream_position: number | null
    error_code: string
    message: string
    parked_at: string
  }>
  return rows.map((r) => ({
    runner: r.runner,
    globalPosition: BigInt(r.global_position),
    streamName: r.stream_name,
    streamPosition: r.stream_position,
    errorCode: r.error_code,
    message: r.message,
    parkedAt: r.parked_at,
  }))
}
