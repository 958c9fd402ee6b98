import type { LifecycleEvent } from '@dealer-crm/customer-lifecycle'
import type { Projection } from '@dealer-crm/eventsourcing'

/** A read model of your own: deliveries per model. A pure fold; the kernel runs it. */
export const deliveriesByModel: Projection<Readonly<Record<string, number>>, LifecycleEvent> = {
  name: 'deliveries-by-model',
  version: 1,
  handles: ['VehicleDelivered'],
  init: () => ({}),
  apply: (counts, e) =>
    e.type === 'VehicleDelivered' ? { ...counts, [e.data.model]: (counts[e.data.model] ?? 0) + 1 } : counts,
}
