import {
  type AllFilter,
  type EventLog,
  type StoredEvent,
  type StoreTelemetry,
  storeSpan,
} from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { PostgresCorruptEventError } from './errors.js'
import { flagTransient, rawTypes } from './pool.js'
import { batchEvents, type EventRow, eventColumns, eventFromRow, eventPosition } from './rows.js'

/** How this store names itself in its spans (OpenTelemetry's database conventions). */
export const postgresTelemetry: StoreTelemetry = { system: 'postgresql', collection: 'event_batches' }

const maxInt = 2_147_483_647
const maxBigint = 9_223_372_036_854_775_807n

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A batch whose positions overlap the one before it: its event count or last position is wrong. */
const outOfOrder = (event: StoredEvent) =>
  new PostgresCorruptEventError(
    event.streamName,
    event.streamPosition,
    event.globalPosition,
    'its batch overlaps the one read before it (positions out of order)',
  )

/**
 * The log's reads: `readAll` in global order with no late-commit gaps (README, "No late-commit
 * gaps") and `readStream`, both in keyset pages. A failure of the connection is a StoreError flagged
 * transient, so a follower reads again from where it was.
 */
export const createLogReads = (
  pool: pg.Pool,
  schema: string,
  tenant: string,
  lateCommitWaitMs: number,
  open: () => void,
): Pick<EventLog, 'readAll' | 'readStream'> => {
  /**
   * Conditions from parameter `first` on: on the batches `b`, and on their events `e`. A batch is
   * taken when any of its events has one of the types. Parameter 3 is the tenant (before them).
   */
  const filterSql = (filter: Pick<AllFilter, 'categories' | 'types'>, first: number) => {
    let batches = ''
    let events = ''
    let n = first
    if (filter.categories !== null) batches += ` AND b.category = ANY($${n++}::text[])`
    if (filter.types !== null) {
      batches += ` AND b.types && $${n}::text[]`
      events += ` AND e.type = ANY($${n++}::text[])`
    }
    return { batches, events }
  }
  const filterValues = (filter: Pick<AllFilter, 'categories' | 'types'>) => [
    ...(filter.categories === null ? [] : [filter.categories]),
    ...(filter.types === null ? [] : [filter.types]),
  ]
  const filterName = (filter: Pick<AllFilter, 'categories' | 'types'>) =>
    `${filter.categories === null ? '' : 'c'}${filter.types === null ? '' : 't'}`

  const horizon = '(SELECT pg_snapshot_xmin(pg_current_snapshot()))'

  /**
   * One keyset page: the events from `from` on that the horizon no longer hides. It has no upper
   * bound: with both bounds as parameters, PostgreSQL estimates the range at 0.5% of the table in
   * its generic plan and picks a bitmap scan that sorts every event after `from`, for every page
   * (a replay then slows quadratically). The caller caps the LIMIT at the width of its range and
   * drops any row past its end. The batches are limited too (so the planner walks the index
   * rather than sorting all of them): every batch taken holds an event the page wants, except
   * perhaps the first (its events before `from` are skipped), so one more batch than `limit`
   * fills the page, and a short page means the end.
   */
  const readAllBatch = async (from: bigint, limit: number, filter: AllFilter) => {
    const where = filterSql(filter, 4)
    return pool.query<EventRow>({
      name: `dcrm_${schema}_all_${filterName(filter)}`,
      text: `SELECT ${eventColumns}
             FROM (SELECT * FROM ${schema}.event_batches b
                   WHERE b.tenant = $3 AND b.position >= $1 AND b.transaction_id < ${horizon}${where.batches}
                   ORDER BY b.position LIMIT $2 + 1) b ${batchEvents}
             WHERE ${eventPosition} >= $1${where.events}
             LIMIT $2`,
      values: [from.toString(), limit, tenant, ...filterValues(filter)],
      rowMode: 'array' as const,
      types: rawTypes,
    })
  }

  /**
   * The last position in range of a committed batch that the horizon still hides and that holds
   * events the filter takes, or null.
   */
  const hiddenUpTo = async (from: bigint, to: bigint, filter: AllFilter): Promise<bigint | null> => {
    const where = filterSql(filter, 4)
    const result = await pool.query<{ last: string | null }>({
      name: `dcrm_${schema}_hidden_${filterName(filter)}`,
      text: `SELECT max(least(b.position, $2))::text AS last FROM ${schema}.event_batches b
             WHERE b.tenant = $3 AND b.position >= $1 AND b.position - b.event_count < $2
               AND b.transaction_id >= ${horizon}${where.batches}`,
      values: [from.toString(), to.toString(), tenant, ...filterValues(filter)],
    })
    const last = result.rows[0]?.last ?? null
    return last === null ? null : BigInt(last)
  }

  /**
   * Keyset pages of the events below the horizon. When the end is reached while committed events
   * are still hidden behind older open transactions, wait (up to lateCommitWaitMs) for those, and
   * only those: the read is capped at the last hidden position, so it ends even under constant writes.
   */
  const readAll: EventLog['readAll'] = async function* (filter) {
    open()
    const batchSize = BigInt(Math.max(1, Math.min(filter.batchSize, 100_000)))
    let to = filter.to ?? maxBigint
    let from = filter.from < 1n ? 1n : filter.from
    let waitedSince: number | null = null
    let pause = 1
    let rereadAfterCheck = false
    for (;;) {
      if (from > to) return
      // Positions are distinct integers: no more than to - from + 1 events lie in the range.
      const span = to - from + 1n
      const limit = Number(span < batchSize ? span : batchSize)
      const start = from
      const result = await storeSpan(
        postgresTelemetry,
        'read_all',
        null,
        () => readAllBatch(start, limit, filter).catch(flagTransient('reading the log')),
        (page) => page.rows.length,
      )
      let pastEnd = false
      for (const row of result.rows) {
        const event = eventFromRow(row)
        if (event.globalPosition < from) throw outOfOrder(event)
        if (event.globalPosition > to) {
          pastEnd = true
          break
        }
        from = event.globalPosition + 1n
        yield event
      }
      if (!pastEnd && result.rows.length === limit) continue
      if (lateCommitWaitMs <= 0) return
      const hidden = await hiddenUpTo(from, to, filter).catch(flagTransient('reading the log'))
      if (hidden === null) {
        // Nothing is hidden now, but the page was read earlier: a batch it could not show yet (behind
        // an open transaction that has ended since) is below the horizon now. One more page shows it;
        // after that, whatever the page misses committed after this check.
        if (rereadAfterCheck) return
        rereadAfterCheck = true
        continue
      }
      to = hidden
      waitedSince ??= Date.now()
      if (Date.now() - waitedSince >= lateCommitWaitMs) return
      await sleep(pause)
      pause = Math.min(pause * 2, 50)
    }
  }

  const readStream: EventLog['readStream'] = async function* (streamName, range) {
    open()
    let from = Math.max(1, range.from)
    const to = Math.min(range.to, maxInt)
    let remaining = range.maxCount
    while (remaining > 0 && from <= to) {
      const limit = Math.min(remaining, 1000)
      const start = from
      const page = () =>
        pool.query<EventRow>({
          name: `dcrm_${schema}_stream`,
          text: `SELECT ${eventColumns}
               FROM (SELECT * FROM ${schema}.event_batches b
                     WHERE b.tenant = $5 AND b.stream_name = $1 AND b.stream_position >= $2
                       AND b.stream_position - b.event_count < $3
                     ORDER BY b.stream_position LIMIT $4) b ${batchEvents}
               WHERE b.stream_position - b.event_count + e.i BETWEEN $2 AND $3
               LIMIT $4`,
          values: [streamName, start, to, limit, tenant],
          rowMode: 'array' as const,
          types: rawTypes,
        })
      const result = await storeSpan(
        postgresTelemetry,
        'read_stream',
        streamName,
        () => page().catch(flagTransient(`reading stream ${streamName}`)),
        (rows) => rows.rows.length,
      )
      for (const row of result.rows) {
        const event = eventFromRow(row)
        if (event.streamPosition < from) throw outOfOrder(event)
        from = event.streamPosition + 1
        remaining--
        yield event
      }
      if (result.rows.length < limit) return
    }
  }

  return { readAll, readStream }
}
