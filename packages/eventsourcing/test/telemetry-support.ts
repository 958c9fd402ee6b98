import { context, metrics, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'

export type { ReadableSpan }

/**
 * The OpenTelemetry SDK as a host registers it, with the in-memory exporters: what the library
 * emits, for tests to read. `uninstall` leaves the globals as they were (no SDK).
 */
export const installTelemetry = () => {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
  const contextManager = new AsyncLocalStorageContextManager().enable()
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // Exports only when flushed (the interval is never reached in a test).
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const meterProvider = new MeterProvider({ readers: [reader] })
  context.setGlobalContextManager(contextManager)
  trace.setGlobalTracerProvider(tracerProvider)
  metrics.setGlobalMeterProvider(meterProvider)

  /** The data points of one metric, as last exported. */
  const points = async (name: string): Promise<DataPoint<unknown>[]> => {
    exporter.reset()
    await reader.forceFlush()
    const found = exporter
      .getMetrics()
      .flatMap((r) => r.scopeMetrics)
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === name)
    return found.flatMap((m) => m.dataPoints as DataPoint<unknown>[])
  }

  return {
    spans: (): ReadableSpan[] => spans.getFinishedSpans(),
    points,
    /** Everything exported, as JSON text (to search for what must not be there). */
    exportedText: async (): Promise<string> => {
      exporter.reset()
      await reader.forceFlush()
      const json = (value: unknown) =>
        JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
      const spanText = spans.getFinishedSpans().map((s) =>
        json({
          name: s.name,
          attributes: s.attributes,
          events: s.events,
          links: s.links,
          status: s.status,
          resource: s.resource.attributes,
        }),
      )
      return [...spanText, json(exporter.getMetrics())].join('\n')
    },
    resetSpans: () => spans.reset(),
    uninstall: async () => {
      trace.disable()
      metrics.disable()
      context.disable()
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
    },
  }
}

export type Telemetry = ReturnType<typeof installTelemetry>

/** Runs `work` in a span of its own (a host's operation, under which the library's spans nest). */
export const inSpan = <T>(name: string, work: () => Promise<T>): Promise<T> =>
  trace.getTracer('test').startActiveSpan(name, async (span) => {
    try {
      return await work()
    } finally {
      span.end()
    }
  })

/** The span's parent span id ('' for a root). */
export const parentOf = (span: ReadableSpan): string => span.parentSpanContext?.spanId ?? ''

/** The spans whose parent is `span`, by name. */
export const childrenOf = (spans: ReadonlyArray<ReadableSpan>, span: ReadableSpan): string[] =>
  spans.filter((s) => parentOf(s) === span.spanContext().spanId).map((s) => s.name)
