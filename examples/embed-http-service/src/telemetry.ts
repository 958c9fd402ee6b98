// OpenTelemetry for the service. With OTEL_EXPORTER_OTLP_ENDPOINT set, the Node SDK exports over
// OTLP/HTTP the library's spans and metrics (docs/observability.md) under Fastify's request spans
// (@fastify/otel); the OTEL_* variables (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_HEADERS, …) configure it
// as the SDK documents. Without it nothing is registered and the library's telemetry costs next to
// nothing. The library's log hook goes to Fastify's logger (pino).
import type { Logger as LibraryLogger } from '@dealer-crm/eventsourcing'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { NodeSDK } from '@opentelemetry/sdk-node'
import type { FastifyBaseLogger } from 'fastify'

/**
 * Registers the SDK when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, before the Fastify instance is made
 * (the request spans hook into its initialisation). Returns the call that flushes and stops it, or
 * null when nothing was registered.
 */
export const startTelemetry = (env: NodeJS.ProcessEnv): (() => Promise<void>) | null => {
  if ((env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '') === '') return null
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'dealer-crm-http',
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })],
    instrumentations: [new FastifyOtelInstrumentation({ registerOnInitialization: true })],
  })
  sdk.start()
  return () => sdk.shutdown()
}

/** The library's logger port on pino: its `error` field under pino's `err`, which pino serialises. */
export const libraryLogger = (log: FastifyBaseLogger): LibraryLogger => {
  const fields = ({ error, ...rest }: Record<string, unknown>) =>
    error === undefined ? rest : { ...rest, err: error }
  return {
    warn: (message, logged) => log.warn(fields(logged), message),
    error: (message, logged) => log.error(fields(logged), message),
  }
}
