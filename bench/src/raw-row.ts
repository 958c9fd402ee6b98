import { randomUUID } from 'node:crypto'
import { EVENT_TYPE, type VisitData } from './workload.js'

const placeholderHash = 'f'.repeat(64)

/**
 * The row our stores write for an event, with the same columns and sizes, but no codec, no
 * envelope logic and placeholder hashes: what a hand-written insert of the same data costs.
 */
export const rawRow = (stream: string, position: number, data: VisitData) => [
  stream,
  position,
  stream.slice(0, stream.indexOf('-')),
  randomUUID(),
  EVENT_TYPE,
  1,
  JSON.stringify(data),
  new Date().toISOString(),
  null,
  null,
  null,
  '{"id":"bench","role":"system"}',
  placeholderHash,
  placeholderHash,
]

export const rawColumns =
  'stream_name, stream_position, category, event_id, type, schema_version, data, recorded_at, ' +
  'correlation_id, causation_id, command_id, actor, prev_hash, hash'
