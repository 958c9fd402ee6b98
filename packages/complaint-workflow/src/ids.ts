import * as t from 'io-ts'

// Branded identifiers: a complaint id cannot be passed where a customer id is expected.

export interface ComplaintIdBrand {
  readonly ComplaintId: unique symbol
}
export interface CustomerIdBrand {
  readonly CustomerId: unique symbol
}
export interface StaffIdBrand {
  readonly StaffId: unique symbol
}
export interface VehicleIdBrand {
  readonly VehicleId: unique symbol
}
export interface RepairOrderIdBrand {
  readonly RepairOrderId: unique symbol
}

const nonEmpty = (s: string): boolean => s.trim().length > 0

export const ComplaintId = t.brand(
  t.string,
  (s): s is t.Branded<string, ComplaintIdBrand> => nonEmpty(s),
  'ComplaintId',
)
export type ComplaintId = t.TypeOf<typeof ComplaintId>

export const CustomerId = t.brand(
  t.string,
  (s): s is t.Branded<string, CustomerIdBrand> => nonEmpty(s),
  'CustomerId',
)
export type CustomerId = t.TypeOf<typeof CustomerId>

export const StaffId = t.brand(t.string, (s): s is t.Branded<string, StaffIdBrand> => nonEmpty(s), 'StaffId')
export type StaffId = t.TypeOf<typeof StaffId>

export const VehicleId = t.brand(
  t.string,
  (s): s is t.Branded<string, VehicleIdBrand> => nonEmpty(s),
  'VehicleId',
)
export type VehicleId = t.TypeOf<typeof VehicleId>

export const RepairOrderId = t.brand(
  t.string,
  (s): s is t.Branded<string, RepairOrderIdBrand> => nonEmpty(s),
  'RepairOrderId',
)
export type RepairOrderId = t.TypeOf<typeof RepairOrderId>
