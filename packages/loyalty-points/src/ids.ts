import { identifier } from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'

/** The member card account: one stream `member-<memberId>` per member (1–200 characters, no whitespace). */
export const MemberId = identifier('MemberId')
export type MemberId = t.TypeOf<typeof MemberId>

/** The printed member card number (会员卡, docs/domain.md §4). */
export const CardNumber = identifier('CardNumber')
export type CardNumber = t.TypeOf<typeof CardNumber>

/** A source document: repair order, parts invoice, vehicle sale, event, referral, goodwill decision. */
export const DocumentId = identifier('DocumentId')
export type DocumentId = t.TypeOf<typeof DocumentId>

/** One redemption of points for a voucher, discount or gift. */
export const RedemptionId = identifier('RedemptionId')
export type RedemptionId = t.TypeOf<typeof RedemptionId>
