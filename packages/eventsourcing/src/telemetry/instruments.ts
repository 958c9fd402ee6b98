import {
  type Counter,
  createNoopMeter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type ObservableGauge,
  ProxyTracerProvider,
  type Tracer,
  trace,
} from '@opentelemetry/api'

/** The instrumentation scope of every span and metric the library emits. */
export const scopeName = '@dealer-crm/eventsourcing'
export const scopeVersion = '0.1.0'

/**
 * The library's tracer from the provider registered now (asked for after `tracingEnabled()`, so the
 * SDK's own tracer, which it keeps by name: a host that registers another provider is followed).
 */
export const tracer = (): Tracer => trace.getTracer(scopeName, scopeVersion)

/** What the API's proxy delegates to while no SDK is registered (a fresh proxy has no delegate). */
const noTracerProvider = new ProxyTracerProvider().getDelegate()

/**
 * True once the host has registered a tracer provider. The hot paths ask this before anything else:
 * without an SDK they then start no span at all (a no-op span still costs an object and a context
 * lookup, per command and per projection batch).
 */
export const tracingEnabled = (): boolean => {
  const provider = trace.getTracerProvider()
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== noTracerProvider
}

/** The library's metric instruments (docs/observability.md lists them). */
export interface Instruments {
  /** False while no SDK is registered: callers then skip building attributes. */
  readonly enabled: boolean
  readonly meter: Meter
  readonly commands: Counter
  readonly commandDuration: Histogram
  readonly appendBatchSize: Histogram
  readonly eventsAppended: Counter
  readonly processManagerRejections: Counter
  readonly projectionLagEvents: ObservableGauge
  readonly projectionLagSeconds: ObservableGauge
}

const noopCounter = createNoopMeter().createCounter('noop')

const create = (provider: MeterProvider): Instruments => {
  const meter = provider.getMeter(scopeName, scopeVersion)
  const commands = meter.createCounter('dealer_crm.commands', {
    description: 'Commands handled, by domain, command type and outcome',
    unit: '{command}',
  })
  return {
    // The no-op meter's instruments share one class: a provider that returns them records nothing.
    enabled: commands.constructor !== noopCounter.constructor,
    meter,
    commands,
    commandDuration: meter.createHistogram('dealer_crm.command.duration', {
      description: 'Time to handle a command: load, decide and append, retries included',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      },
    }),
    appendBatchSize: meter.createHistogram('dealer_crm.append.batch_size', {
      description: 'Events written by one append',
      unit: '{event}',
      advice: { explicitBucketBoundaries: [1, 2, 3, 5, 10, 20, 50, 100, 500, 1000] },
    }),
    eventsAppended: meter.createCounter('dealer_crm.events.appended', {
      description: 'Events appended, by event type',
      unit: '{event}',
    }),
    processManagerRejections: meter.createCounter('dealer_crm.process_manager.rejections', {
      description: "Commands of a process manager that were not written, by the refusal's code",
      unit: '{command}',
    }),
    projectionLagEvents: meter.createObservableGauge('dealer_crm.projection.lag.events', {
      description: 'Events of the log a projection or process manager has not handled yet',
      unit: '{event}',
    }),
    projectionLagSeconds: meter.createObservableGauge('dealer_crm.projection.lag', {
      description: 'Age of the oldest event a projection or process manager has not handled yet',
      unit: 's',
    }),
  }
}

let current: { provider: MeterProvider; instruments: Instruments } | null = null
const listeners = new Set<(instruments: Instruments) => void>()

/**
 * The instruments of the meter provider registered now: made again when the host registers
 * another (the API gives no proxy for meters), so a provider registered after this module loads
 * is used from then on.
 */
export const instruments = (): Instruments => {
  const provider = metrics.getMeterProvider()
  if (current === null || current.provider !== provider) {
    current = { provider, instruments: create(provider) }
    for (const listener of listeners) listener(current.instruments)
  }
  return current.instruments
}

/** Called with the instruments whenever they are made anew (observable gauges register callbacks on them). */
export const onInstruments = (listener: (instruments: Instruments) => void): (() => void) => {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}
