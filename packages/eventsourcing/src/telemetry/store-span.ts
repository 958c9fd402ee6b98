import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { attr } from './attributes.js'
import { instruments, tracer, tracingEnabled } from './instruments.js'

/** How a store names itself in its database client spans (OpenTelemetry's `db.system` and collection). */
export interface StoreTelemetry {
  /** `db.system`: 'sqlite', 'postgresql', 'eventstoredb', 'memory'. */
  readonly system: string
  /** `db.collection.name`: the table (or, for EventStoreDB, 'streams'). */
  readonly collection: string
}

/** The operations a store's spans name: an append, a page of one stream, a page of the whole log. */
export type StoreOperation = 'append' | 'read_stream' | 'read_all'

/**
 * A database client span around one call of a store (an append, the query of one page), a child of
 * the active span: named `<operation> <collection>` as the conventions ask, with the stream (or
 * none, for the whole log), the rows it returned or the events it wrote. A page of the whole log
 * (`read_all`) has a span only under a recording one. With no SDK registered, the call runs as it is.
 */
export const storeSpan = async <T>(
  store: StoreTelemetry,
  operation: StoreOperation,
  streamName: string | null,
  run: () => Promise<T>,
  count?: (result: T) => number,
): Promise<T> => {
  if (!tracingEnabled()) return run()
  // Followers poll the whole log, mostly finding nothing: a page of it is traced only within a
  // traced operation (the work they do with what they find has spans of its own).
  if (operation === 'read_all' && !(trace.getSpan(context.active())?.isRecording() ?? false)) return run()
  const span = tracer().startSpan(`${operation} ${store.collection}`, { kind: SpanKind.CLIENT })
  if (!span.isRecording()) {
    span.end()
    return run()
  }
  const attributes: Attributes = {
    [attr.dbSystem]: store.system,
    [attr.dbSystemName]: store.system,
    [attr.dbOperation]: operation,
    [attr.dbOperationName]: operation,
    [attr.dbCollectionName]: store.collection,
  }
  if (streamName !== null) attributes[attr.streamName] = streamName
  span.setAttributes(attributes)
  try {
    const result = await run()
    if (count !== undefined)
      span.setAttribute(operation === 'append' ? attr.eventCount : attr.dbReturnedRows, count(result))
    return result
  } catch (error) {
    // The code only: a message may quote what was written.
    const code = (error as { code?: unknown })?.code
    span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'error' })
    throw error
  } finally {
    span.end()
  }
}

/** The append metrics: one batch of this many events, counted by type. */
export const recordAppend = (types: ReadonlyArray<{ readonly type: string }>): void => {
  const metrics = instruments()
  if (!metrics.enabled || types.length === 0) return
  metrics.appendBatchSize.record(types.length)
  for (const event of types) metrics.eventsAppended.add(1, { [attr.eventType]: event.type })
}
