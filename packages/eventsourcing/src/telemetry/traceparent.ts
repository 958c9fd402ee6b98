import {
  type Context,
  context,
  isSpanContextValid,
  type Link,
  type SpanContext,
  TraceFlags,
  trace,
} from '@opentelemetry/api'

/**
 * The W3C Trace Context `traceparent` of a span context (version 00): what an event's metadata
 * carries so that whoever handles the event later links its span to the command that wrote it.
 */
export const formatTraceparent = (span: SpanContext): string =>
  `00-${span.traceId}-${span.spanId}-${(span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00'}`

const traceparentForm = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** The span context a `traceparent` names; null for anything that is not a valid one. */
export const parseTraceparent = (text: string | null): SpanContext | null => {
  if (text === null) return null
  const match = traceparentForm.exec(text)
  if (match === null || match[1] === 'ff') return null
  const span: SpanContext = {
    traceId: match[2] as string,
    spanId: match[3] as string,
    traceFlags: Number.parseInt(match[4] as string, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  }
  return isSpanContextValid(span) ? span : null
}

/** The `traceparent` of the span active in `ctx` (default: the active context); null when there is none. */
export const traceparentOf = (ctx: Context = context.active()): string | null => {
  const span = trace.getSpanContext(ctx)
  return span !== undefined && isSpanContextValid(span) ? formatTraceparent(span) : null
}

/** Links to the distinct spans named by some events' `traceparent`s, at most `max` of them. */
export const linksFrom = (traceparents: Iterable<string | null>, max = 32): Link[] => {
  const seen = new Set<string>()
  const links: Link[] = []
  for (const text of traceparents) {
    if (text === null || seen.has(text) || links.length >= max) continue
    seen.add(text)
    const span = parseTraceparent(text)
    if (span !== null) links.push({ context: span })
  }
  return links
}
