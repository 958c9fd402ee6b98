import { context, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api'
import type { RecordedEvent } from '../events/envelope.js'
import { attr } from './attributes.js'
import { instruments, tracer, tracingEnabled } from './instruments.js'
import { linksFrom, parseTraceparent } from './traceparent.js'

/**
 * A process manager's reaction to one event: a span whose parent is the span of the command that
 * wrote the event (its `traceparent`), so the commands the reaction sends continue that trace; with
 * none, a new trace. The reaction runs in the span's context.
 */
export const traceReaction = async <T>(
  processManager: string,
  event: RecordedEvent,
  run: () => Promise<T>,
): Promise<T> => {
  if (!tracingEnabled()) return run()
  const writer = parseTraceparent(event.metadata.traceparent ?? null)
  const parent = writer === null ? context.active() : trace.setSpanContext(ROOT_CONTEXT, writer)
  const span = tracer().startSpan(`react ${processManager}`, { kind: SpanKind.CONSUMER }, parent)
  if (!span.isRecording()) {
    span.end()
    return run()
  }
  span.setAttributes({
    [attr.processManager]: processManager,
    [attr.eventType]: event.type,
    [attr.streamName]: event.metadata.streamName,
    [attr.fromPosition]: event.metadata.globalPosition.toString(),
  })
  try {
    return await context.with(trace.setSpan(parent, span), run)
  } finally {
    span.end()
  }
}

/** A process manager's command that was not written, counted by the refusal's code. */
export const recordRejection = (processManager: string, commandType: string, code: string): void => {
  const metrics = instruments()
  if (!metrics.enabled) return
  metrics.processManagerRejections.add(1, {
    [attr.processManager]: processManager,
    [attr.commandType]: commandType,
    [attr.errorCode]: code,
  })
}

/** The spans of a projection's batches: call `event` for each event applied, `end` when the batch is done. */
export interface BatchTrace {
  readonly event: (event: RecordedEvent) => void
  readonly end: () => void
}

/**
 * A span per batch of a projection (`project <name>`), from its first event to `end` (or `maxEvents`
 * events), linked to the spans of the commands that wrote its events (up to 32 distinct ones).
 */
export const batchTrace = (follower: string, maxEvents: number): BatchTrace => {
  let span: Span | null = null
  let count = 0
  let first = 0n
  let last = 0n
  let traceparents: Array<string | null> = []
  const end = () => {
    if (span === null) return
    if (span.isRecording()) {
      span.addLinks(linksFrom(traceparents))
      span.setAttributes({
        [attr.eventCount]: count,
        [attr.fromPosition]: first.toString(),
        [attr.toPosition]: last.toString(),
      })
    }
    span.end()
    span = null
    traceparents = []
    count = 0
  }
  return {
    event: (event) => {
      if (span === null) {
        if (!tracingEnabled()) return
        span = tracer().startSpan(`project ${follower}`, { kind: SpanKind.CONSUMER, root: true })
        span.setAttribute(attr.follower, follower)
        first = event.metadata.globalPosition
      }
      if (span.isRecording() && traceparents.length < 32)
        traceparents.push(event.metadata.traceparent ?? null)
      last = event.metadata.globalPosition
      if (++count >= maxEvents) end()
    },
    end,
  }
}
