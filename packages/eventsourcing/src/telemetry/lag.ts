import type { BatchObservableResult, Observable } from '@opentelemetry/api'
import type { EventLog } from '../store/event-log.js'
import { attr } from './attributes.js'
import { type Instruments, instruments, onInstruments } from './instruments.js'

/** A follower of the log whose lag is observed: a projection or process-manager runner. */
export interface LagSource {
  readonly name: string
  readonly log: EventLog
  /** The event types it handles (null: all). */
  readonly types: ReadonlyArray<string> | null
  /** The next global position it will handle. */
  readonly position: () => bigint
}

/** Events counted past a follower's position, at most: a follower further behind reads as this many. */
export const lagCountLimit = 10_000

/** By name; weakly, so a runner dropped without being closed stops being observed. */
const sources = new Map<string, WeakRef<LagSource>>()

/** The events of its types a follower has not handled yet (up to `lagCountLimit`), and the age of the oldest. */
export const lagOf = async (
  source: LagSource,
  now = Date.now(),
): Promise<{ events: number; seconds: number }> => {
  let events = 0
  let oldest: number | null = null
  for await (const stored of source.log.readAll({
    from: source.position(),
    to: null,
    batchSize: 1000,
    categories: null,
    types: source.types,
  })) {
    oldest ??= Date.parse(stored.committedAt)
    if (++events >= lagCountLimit) break
  }
  return { events, seconds: oldest === null ? 0 : Math.max(0, now - oldest) / 1000 }
}

const observe = async (result: BatchObservableResult, metrics: Instruments): Promise<void> => {
  for (const [name, ref] of sources) {
    const source = ref.deref()
    if (source === undefined) {
      sources.delete(name)
      continue
    }
    const lag = await lagOf(source)
    const labels = { [attr.follower]: name }
    result.observe(metrics.projectionLagEvents, lag.events, labels)
    result.observe(metrics.projectionLagSeconds, lag.seconds, labels)
  }
}

let registered: Instruments | null = null
const register = (metrics: Instruments) => {
  if (registered === metrics || !metrics.enabled) return
  registered = metrics
  const observables: Observable[] = [metrics.projectionLagEvents, metrics.projectionLagSeconds]
  metrics.meter.addBatchObservableCallback((result) => observe(result, metrics), observables)
}
onInstruments(register)

/**
 * Observe a follower's lag (`dealer_crm.projection.lag.events`, `dealer_crm.projection.lag`) when the
 * host's metric reader collects: each collection reads the log from the follower's position (up to
 * `lagCountLimit` events). Returns the call that stops observing it.
 */
export const watchLag = (source: LagSource): (() => void) => {
  // Runners call this on every catch-up (read models catch up before each query): once is enough.
  if (sources.get(source.name)?.deref() !== source) {
    sources.set(source.name, new WeakRef(source))
    register(instruments())
  }
  return () => {
    if (sources.get(source.name)?.deref() === source) sources.delete(source.name)
  }
}
