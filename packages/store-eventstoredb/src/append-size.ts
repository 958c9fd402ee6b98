import { StoreError } from '@dealer-crm/eventsourcing'
import { AppendTooLargeError } from './errors.js'

/**
 * The server's MaxAppendSize default in EventStoreDB 20.6 to 24.10 and KurrentDB 25.0 (1 MiB),
 * the smallest any version ships with; KurrentDB 25.1 raised it to 256 MiB with a per-event
 * MaxAppendEventSize of 16 MiB.
 */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024

/** One event as the client will send it. */
export interface OutgoingEvent {
  readonly type: string
  /** The data's JSON text (the client sends JSON.stringify of the same value: the same length). */
  readonly dataJson: string
  readonly metadata: object
}

/**
 * What the server counts of one event against MaxAppendSize: data and metadata bytes, and the
 * type as UTF-16 (two bytes a code unit) — KurrentDB 25.0's Event.SizeOnDisk. EventStoreDB 24.10
 * counts only the data, so this is never less than any version counts.
 */
const sizeOnServer = (e: OutgoingEvent): number =>
  Buffer.byteLength(e.dataJson) + Buffer.byteLength(JSON.stringify(e.metadata)) + 2 * e.type.length

/** Refuse an append the server would refuse for its size, before anything of it is sent. */
export const checkAppendSize = (
  streamName: string,
  events: ReadonlyArray<OutgoingEvent>,
  maxAppendSize: number,
): void => {
  let total = 0
  let largest = { type: '', size: -1 }
  for (const e of events) {
    const size = sizeOnServer(e)
    total += size
    if (size > largest.size) largest = { type: e.type, size }
  }
  if (total > maxAppendSize)
    throw new AppendTooLargeError(streamName, largest.type, largest.size, events.length, total, maxAppendSize)
}

export const maxAppendSizeOf = (option: number | undefined): number => {
  const limit = option ?? DEFAULT_MAX_APPEND_SIZE
  if (!Number.isSafeInteger(limit) || limit <= 0)
    throw new StoreError(`EventStoreDB: maxAppendSize must be a positive whole number of bytes, got ${limit}`)
  return limit
}
