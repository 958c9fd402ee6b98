import { identifier } from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'

// Identifiers by kind (the kernel's `identifier()`: 1–200 characters, no whitespace): a complaint id
// cannot be passed where a customer id is expected. `CustomerId` and `StaffId` are the kernel's own.

/** One complaint: one stream, `complaint-<complaintId>`. */
export const ComplaintId = identifier('ComplaintId')
export type ComplaintId = t.TypeOf<typeof ComplaintId>

/** The vehicle a complaint is about, if any. */
export const VehicleId = identifier('VehicleId')
export type VehicleId = t.TypeOf<typeof VehicleId>

/** The repair order a complaint is about, if any. */
export const RepairOrderId = identifier('RepairOrderId')
export type RepairOrderId = t.TypeOf<typeof RepairOrderId>
