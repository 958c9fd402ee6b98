import { createHash } from 'node:crypto'
import { canonicalJson, categoryOf, type Event, type EventStore } from '@dealer-crm/eventsourcing'

/** The domain that owns each stream category of the dealership's log. */
const domainOf: Readonly<Record<string, string>> = {
  customer: 'customer-lifecycle',
  referral: 'referral-verification',
  complaint: 'complaint-workflow',
  member: 'loyalty-points',
}

export interface LogSummary {
  readonly events: number
  readonly streams: number
  readonly eventsByDomain: Readonly<Record<string, number>>
  /** The hash of the last event in the log (the head of its stream's hash chain). */
  readonly lastHash: string
  /**
   * SHA-256 over every event in log order as read back (type, stream, position, ids, times, actor,
   * data with personal values in clear). Two runs of one seed write the same log, so the digest
   * matches even though personal values are sealed with fresh random IVs each time.
   */
  readonly digest: string
}

/** One pass over the whole log. */
export const summariseLog = async <E extends Event>(store: EventStore<E>): Promise<LogSummary> => {
  const digest = createHash('sha256')
  const streams = new Set<string>()
  const byDomain = new Map<string, number>()
  let events = 0
  let lastHash = ''
  for await (const e of store.readAll({ batchSize: 2_000 })) {
    const m = e.metadata
    events++
    streams.add(m.streamName)
    const domain = domainOf[categoryOf(m.streamName)] ?? categoryOf(m.streamName)
    byDomain.set(domain, (byDomain.get(domain) ?? 0) + 1)
    lastHash = m.hash
    digest.update(
      canonicalJson({
        type: e.type,
        stream: m.streamName,
        position: m.streamPosition,
        eventId: m.eventId,
        recordedAt: m.recordedAt.toISOString(),
        commandId: m.commandId,
        correlationId: m.correlationId,
        causationId: m.causationId,
        actor: m.actor,
        data: e.data,
      }),
    )
    digest.update('\n')
  }
  return {
    events,
    streams: streams.size,
    eventsByDomain: Object.fromEntries([...byDomain].sort(([a], [b]) => a.localeCompare(b))),
    lastHash,
    digest: digest.digest('hex'),
  }
}
