import { identifier } from '@dealer-crm/eventsourcing'
import type * as t from 'io-ts'

/** One referral: one stream, `referral-<referralId>` (1–200 characters, no whitespace). */
export const ReferralId = identifier('ReferralId')
export type ReferralId = t.TypeOf<typeof ReferralId>
