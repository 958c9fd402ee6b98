import {
  type Attributes,
  context,
  isSpanContextValid,
  type Span,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'
import { categoryOf } from '../events/stream-name.js'
import { attr, type CommandOutcome } from './attributes.js'
import { instruments, tracer, tracingEnabled } from './instruments.js'
import { formatTraceparent } from './traceparent.js'

/** Where a command's state came from: the state cache alone, a snapshot and the events after it, or the store. */
export type LoadSource = 'cache' | 'snapshot' | 'store'

/** What the load span records about a load. */
export interface LoadReport {
  readonly eventsRead: number
  readonly source: LoadSource
}

/** How a command ended, for its span and the command metrics. */
export interface CommandEnd {
  readonly outcome: CommandOutcome
  readonly errorCode?: string
  /** The stream's version after the command (appended or repeated). */
  readonly version?: number
  readonly events?: number
}

/**
 * The telemetry of one command (`handleCommand`): its span, the child spans of load, decide and
 * append, and the command metrics. With no SDK registered it is one shared object that does nothing.
 */
export interface CommandTrace {
  /** False for the shared object that does nothing (no SDK registered). */
  readonly active: boolean
  /** The command span's `traceparent`, stamped on the events it appends (null: no trace). */
  readonly traceparent: string | null
  readonly load: <T extends LoadReport>(run: () => Promise<T>) => Promise<T>
  readonly decide: <T extends { readonly _tag: 'Left' | 'Right' }>(run: () => T) => T
  readonly append: <T>(run: () => Promise<T>) => Promise<T>
  /** An attempt met a concurrency conflict and will be tried again. */
  readonly conflict: (attempt: number) => void
  readonly end: (end: CommandEnd) => void
}

const untraced: CommandTrace = {
  active: false,
  traceparent: null,
  load: (run) => run(),
  decide: (run) => run(),
  append: (run) => run(),
  conflict: () => undefined,
  end: () => undefined,
}

/** The `type` of a command shaped `{ type, data }`; 'command' for any other shape. */
const commandTypeOf = (command: unknown): string => {
  const type =
    typeof command === 'object' && command !== null ? (command as { type?: unknown }).type : undefined
  return typeof type === 'string' ? type : 'command'
}

const settle = <T>(span: Span, run: () => T): T => {
  try {
    return run()
  } finally {
    span.end()
  }
}

/** Start the telemetry of a command on `streamName`, a child of the active span. */
export const startCommand = (
  streamName: string,
  command: unknown,
  domain: string | undefined,
  expectedVersion: string | number | undefined,
): CommandTrace => {
  const metrics = instruments()
  const tracing = tracingEnabled()
  if (!tracing && !metrics.enabled) return untraced
  const parent = context.active()
  const commandType = commandTypeOf(command)
  const span = tracer().startSpan(`command ${commandType}`, undefined, parent)
  const traced = tracing && isSpanContextValid(span.spanContext())
  const started = performance.now()
  const recording = span.isRecording()
  const domainName = domain ?? categoryOf(streamName)
  if (recording)
    span.setAttributes({
      [attr.domain]: domainName,
      [attr.commandType]: commandType,
      [attr.streamName]: streamName,
      [attr.category]: categoryOf(streamName),
      ...(expectedVersion === undefined ? {} : { [attr.expectedVersion]: String(expectedVersion) }),
    })
  const inSpan = traced ? trace.setSpan(parent, span) : parent
  let attempts = 1
  let conflicts = 0
  const child = (name: string) => tracer().startSpan(name, undefined, inSpan)
  return {
    active: true,
    traceparent: traced ? formatTraceparent(span.spanContext()) : null,
    load: async (run) => {
      if (!recording) return run()
      const load = child('load')
      try {
        const loaded = await context.with(trace.setSpan(inSpan, load), run)
        load.setAttributes({ [attr.eventsRead]: loaded.eventsRead, [attr.loadSource]: loaded.source })
        return loaded
      } finally {
        load.end()
      }
    },
    decide: (run) => {
      if (!recording) return run()
      const decide = child('decide')
      return settle(decide, () => {
        const decision = run()
        decide.setAttribute(attr.decision, decision._tag === 'Right' ? 'accepted' : 'refused')
        return decision
      })
    },
    append: async (run) => {
      if (!traced) return run()
      const append = recording ? child('append') : span
      try {
        return await context.with(trace.setSpan(inSpan, append), run)
      } finally {
        if (append !== span) append.end()
      }
    },
    conflict: (attempt) => {
      conflicts++
      attempts = attempt + 1
      if (recording) span.addEvent('conflict', { [attr.attempts]: attempt })
    },
    end: (end) => {
      if (recording) {
        const attributes: Attributes = {
          [attr.outcome]: end.outcome,
          [attr.attempts]: attempts,
          [attr.conflicts]: conflicts,
        }
        if (end.errorCode !== undefined) attributes[attr.errorCode] = end.errorCode
        if (end.version !== undefined) attributes[attr.version] = end.version
        if (end.events !== undefined) attributes[attr.eventsAppended] = end.events
        span.setAttributes(attributes)
        // A refusal is an answer, not an error of the library; a conflict left over or a store failure is.
        if (end.outcome === 'conflict' || end.outcome === 'failed')
          span.setStatus({ code: SpanStatusCode.ERROR, message: end.errorCode ?? end.outcome })
      }
      span.end()
      if (metrics.enabled) {
        const labels: Attributes = {
          [attr.domain]: domainName,
          [attr.commandType]: commandType,
          [attr.outcome]: end.outcome,
        }
        if (end.errorCode !== undefined) labels[attr.errorCode] = end.errorCode
        metrics.commands.add(1, labels)
        metrics.commandDuration.record((performance.now() - started) / 1000, labels)
      }
    },
  }
}
