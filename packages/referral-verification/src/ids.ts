import * as t from 'io-ts'

const nonEmpty = (s: string): boolean => s.trim().length > 0 && s.length <= 100

export interface ReferralIdBrand {
  readonly ReferralId: unique symbol
}
/** One referral: one stream, `referral-<id>`. */
export const ReferralId = t.brand(
  t.string,
  (s): s is t.Branded<string, ReferralIdBrand> => nonEmpty(s),
  'ReferralId',
)
export type ReferralId = t.TypeOf<typeof ReferralId>

export interface CustomerIdBrand {
  readonly CustomerId: unique symbol
}
/** A customer of the dealership: the referrer (an owner) or the referee (the new buyer). */
export const CustomerId = t.brand(
  t.string,
  (s): s is t.Branded<string, CustomerIdBrand> => nonEmpty(s),
  'CustomerId',
)
export type CustomerId = t.TypeOf<typeof CustomerId>

export interface StaffIdBrand {
  readonly StaffId: unique symbol
}
/** A member of staff: sales consultant, duty manager, showroom manager, call-back staff. */
export const StaffId = t.brand(t.string, (s): s is t.Branded<string, StaffIdBrand> => nonEmpty(s), 'StaffId')
export type StaffId = t.TypeOf<typeof StaffId>
