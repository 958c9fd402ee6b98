import {
  type ChainedEvent,
  committedEvent,
  defaultTenant,
  type StoredEvent,
  StoreError,
} from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { binaryIntArray, binaryTextArray } from './binary-arrays.js'
import { rawTypes } from './pool.js'
import { isoOfMs } from './rows.js'

/** A stream's last version and hash, as the store last saw them. */
export interface StreamState {
  readonly version: number
  readonly hash: string
}

/** One append, chained after `state`, for one call of `append_events`. */
export interface AppendRequest {
  readonly streamName: string
  readonly state: StreamState
  readonly chained: ReadonlyArray<ChainedEvent>
}

/** Per append: the stored events, or the stream's actual state when it had moved on (nothing written). */
export type AppendOutcome =
  | { readonly stored: ReadonlyArray<StoredEvent>; readonly actual?: undefined }
  | { readonly stored?: undefined; readonly actual: StreamState }

/**
 * A column with no value at all travels and is stored as one NULL instead of an array of NULLs
 * (the reads' `ROWS FROM` pads it with NULLs).
 */
const orNull = (column: ReadonlyArray<string | null>): Buffer | null =>
  column.some((value) => value !== null) ? binaryTextArray(column) : null

/**
 * One call of `append_events` for appends to distinct streams, on `client`: one round trip, and
 * one transaction unless the caller opened one. `clockMs` is the commit clock's time (null, the
 * default: the database server's); every append of the call is `tenant`'s. Returns the outcome of
 * each, in order.
 */
export const callAppendEvents = async (
  client: pg.PoolClient,
  schema: string,
  requests: ReadonlyArray<AppendRequest>,
  notify: boolean,
  clockMs: number | null = null,
  tenant: string = defaultTenant,
): Promise<AppendOutcome[]> => {
  const streams: string[] = []
  const versions: number[] = []
  const streamHashes: string[] = []
  const counts: number[] = []
  const eventIds: string[] = []
  const types: string[] = []
  const schemaVersions: number[] = []
  const data: string[] = []
  const recordedAt: string[] = []
  const correlation: Array<string | null> = []
  const causation: Array<string | null> = []
  const command: Array<string | null> = []
  const actorIds: Array<string | null> = []
  const actorRoles: Array<string | null> = []
  const hashes: string[] = []
  const traceparents: Array<string | null> = []
  for (const r of requests) {
    streams.push(r.streamName)
    versions.push(r.state.version)
    streamHashes.push(r.state.hash)
    counts.push(r.chained.length)
    for (const e of r.chained) {
      eventIds.push(e.eventId)
      types.push(e.type)
      schemaVersions.push(e.schemaVersion)
      data.push(e.dataJson)
      recordedAt.push(e.recordedAt)
      correlation.push(e.correlationId)
      causation.push(e.causationId)
      command.push(e.commandId)
      actorIds.push(e.actor?.id ?? null)
      actorRoles.push(e.actor?.role ?? null)
      hashes.push(e.hash)
      traceparents.push(e.traceparent)
    }
  }
  const result = await client.query<Array<string | null>>({
    name: `dcrm_${schema}_append`,
    text: `SELECT o_position, o_version, o_hash, o_committed_ms FROM ${schema}.append_events(
      $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    values: [
      binaryTextArray(streams),
      binaryIntArray(versions),
      binaryTextArray(streamHashes),
      binaryIntArray(counts),
      binaryTextArray(eventIds),
      binaryTextArray(types),
      binaryIntArray(schemaVersions),
      binaryTextArray(data),
      binaryTextArray(recordedAt),
      orNull(correlation),
      orNull(causation),
      orNull(command),
      orNull(actorIds),
      orNull(actorRoles),
      binaryTextArray(hashes),
      notify,
      clockMs === null ? null : String(Math.floor(clockMs)),
      orNull(traceparents),
      tenant,
    ],
    rowMode: 'array',
    types: rawTypes,
  })
  if (result.rows.length !== requests.length)
    throw new StoreError(`append_events returned ${result.rows.length} rows for ${requests.length} appends`)
  return requests.map((r, k) => {
    const [first, version, hash, committed] = result.rows[k] as Array<string | null>
    if (first === null || first === undefined)
      return { actual: { version: Number(version ?? 0), hash: hash ?? '' } }
    const start = BigInt(first)
    const committedAt = isoOfMs(committed ?? '')
    return { stored: r.chained.map((e, i) => committedEvent(e, start + BigInt(i), committedAt)) }
  })
}
