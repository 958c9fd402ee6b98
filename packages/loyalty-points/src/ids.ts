import * as t from 'io-ts'

const isIdentifier = (s: string): boolean => s.trim().length > 0 && s.length <= 200

export interface MemberIdBrand {
  readonly MemberId: unique symbol
}
/** The member card account: one stream `member-<memberId>` per member. */
export const MemberId = t.brand(
  t.string,
  (s): s is t.Branded<string, MemberIdBrand> => isIdentifier(s),
  'MemberId',
)
export type MemberId = t.TypeOf<typeof MemberId>

export interface CustomerIdBrand {
  readonly CustomerId: unique symbol
}
/** The customer (docs/domain.md §1) who holds the card. */
export const CustomerId = t.brand(
  t.string,
  (s): s is t.Branded<string, CustomerIdBrand> => isIdentifier(s),
  'CustomerId',
)
export type CustomerId = t.TypeOf<typeof CustomerId>

export interface CardNumberBrand {
  readonly CardNumber: unique symbol
}
/** The printed member card number (会员卡, docs/domain.md §4). */
export const CardNumber = t.brand(
  t.string,
  (s): s is t.Branded<string, CardNumberBrand> => isIdentifier(s),
  'CardNumber',
)
export type CardNumber = t.TypeOf<typeof CardNumber>

export interface DocumentIdBrand {
  readonly DocumentId: unique symbol
}
/** A source document: repair order, parts invoice, vehicle sale, event, referral, goodwill decision. */
export const DocumentId = t.brand(
  t.string,
  (s): s is t.Branded<string, DocumentIdBrand> => isIdentifier(s),
  'DocumentId',
)
export type DocumentId = t.TypeOf<typeof DocumentId>

export interface RedemptionIdBrand {
  readonly RedemptionId: unique symbol
}
/** One redemption of points for a voucher, discount or gift. */
export const RedemptionId = t.brand(
  t.string,
  (s): s is t.Branded<string, RedemptionIdBrand> => isIdentifier(s),
  'RedemptionId',
)
export type RedemptionId = t.TypeOf<typeof RedemptionId>
