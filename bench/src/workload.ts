/** The benchmark workload: service-visit events of about 150 bytes of JSON. */
export interface VisitData {
  readonly customerId: string
  readonly vin: string
  readonly mileageKm: number
  readonly repairOrder: string
  readonly advisor: string
  readonly amountFen: number
  readonly at: string
}

export const visit = (n: number): VisitData => ({
  customerId: `c-${String(n % 100_000).padStart(6, '0')}`,
  vin: `LSVAU2180N2${String(n % 1_000_000).padStart(6, '0')}`,
  mileageKm: 1_000 + (n % 150_000),
  repairOrder: `RO-2026-${String(n).padStart(7, '0')}`,
  advisor: `u-${n % 40}`,
  amountFen: 10_000 + ((n * 7919) % 500_000),
  at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
})

export const EVENT_TYPE = 'ServiceVisited'

/** `n` events numbered from `from`. */
export const batch = (from: number, n: number): VisitData[] =>
  Array.from({ length: n }, (_, i) => visit(from + i))

/** A projection a dealer would keep: visits and revenue per advisor. */
export const projection = () => {
  const byAdvisor = new Map<string, { visits: number; revenueFen: number }>()
  return {
    apply: (v: VisitData) => {
      const row = byAdvisor.get(v.advisor) ?? { visits: 0, revenueFen: 0 }
      row.visits++
      row.revenueFen += v.amountFen
      byAdvisor.set(v.advisor, row)
    },
    size: () => byAdvisor.size,
  }
}

/** One contender: a store (ours, a raw driver, or a peer library) doing the same work. */
export interface Contender {
  readonly name: string
  /** Append events to a new stream in one call. */
  readonly append: (stream: string, events: ReadonlyArray<VisitData>) => Promise<void>
  /** Read a stream whole; returns the number of events. */
  readonly readStream: (stream: string) => Promise<number>
  /** Read and decode every event in global order, folding them with `apply`; returns the count. */
  readonly replay: (apply: (data: VisitData) => void) => Promise<number>
  readonly close: () => Promise<void>
  /** Why the store cannot take appends from concurrent writers, if it cannot. */
  readonly concurrentWriters?: string
  /** True when the store has no plain read of every event (no replay, no rebuild). */
  readonly replayUnsupported?: boolean
}

export interface Result {
  readonly store: string
  readonly metric: string
  readonly value: number
  readonly unit: string
}
