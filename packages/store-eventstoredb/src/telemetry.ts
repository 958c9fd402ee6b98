import type { StoreTelemetry } from '@dealer-crm/eventsourcing'

/** How this store names itself in its spans (OpenTelemetry's database conventions; no registered `db.system` value exists for it). */
export const eventStoreDbTelemetry: StoreTelemetry = { system: 'eventstoredb', collection: 'streams' }
