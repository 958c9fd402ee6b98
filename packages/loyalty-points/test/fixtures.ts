import type { EventMetadata, RecordedEvent } from '@dealer-crm/eventsourcing'
import type { LoyaltyCommand } from '../src/commands.js'
import { type LoyaltyEvent, MemberEnrolled, PointsEarned } from '../src/events.js'
import type { CardNumber, CustomerId, DocumentId, RedemptionId } from '../src/ids.js'
import type { AwardCategory, Reward, Source, SpendCategory } from '../src/values.js'

export const clerk = { id: 'clerk-1', role: 'service-advisor' }
export const scheduler = { id: 'scheduler', role: 'system' }

export const T0 = '2026-01-10T09:00:00Z'

export const doc = (category: Source['category'], id: string): Source => ({
  category,
  documentId: id as DocumentId,
})

export const enrol = (level = 'standard', at = T0): LoyaltyCommand => ({
  type: 'EnrolMember',
  data: { customerId: 'cust-1' as CustomerId, cardNumber: 'VIP-0001' as CardNumber, level, at, by: clerk },
})

export const earn = (category: SpendCategory, id: string, amountFen: number, at = T0): LoyaltyCommand => ({
  type: 'EarnPointsForSpend',
  data: { document: { category, documentId: id as DocumentId }, amountFen, at, by: clerk },
})

export const award = (category: AwardCategory, id: string, points: number, at = T0): LoyaltyCommand => ({
  type: 'AwardPoints',
  data: { document: { category, documentId: id as DocumentId }, points, at, by: clerk },
})

export const redeem = (
  id: string,
  points: number,
  at = T0,
  reward: Reward = 'maintenance-voucher',
): LoyaltyCommand => ({
  type: 'RedeemPoints',
  data: { redemptionId: id as RedemptionId, reward, points, reference: `voucher-${id}`, at, by: clerk },
})

export const refund = (source: Source, at = T0): LoyaltyCommand => ({
  type: 'RefundDocument',
  data: { document: source, reason: 'returned by customer', at, by: clerk },
})

export const release = (source: Source, at = T0): LoyaltyCommand => ({
  type: 'ReleasePendingPoints',
  data: { document: source, at, by: clerk },
})

export const evaluate = (at: string): LoyaltyCommand => ({ type: 'EvaluateAt', data: { at } })

export const topUp = (amountFen: number, at = T0): LoyaltyCommand => ({
  type: 'TopUpPrepaid',
  data: { amountFen, reference: 'receipt-1', at, by: clerk },
})

export const spendPrepaid = (amountFen: number, at = T0): LoyaltyCommand => ({
  type: 'SpendPrepaid',
  data: { amountFen, reference: 'RO-spend', at, by: clerk },
})

export const refundPrepaid = (amountFen: number, at = T0): LoyaltyCommand => ({
  type: 'RefundPrepaid',
  data: { amountFen, reference: 'refund-1', at, by: clerk },
})

export const enrolled = (level = 'standard', at = T0): MemberEnrolled =>
  MemberEnrolled.make({
    customerId: 'cust-1' as CustomerId,
    cardNumber: 'VIP-0001' as CardNumber,
    level,
    reviewAt: '2027-01-10T09:00:00.000Z',
    policyVersion: 'loyalty-default-1',
    at,
    by: clerk,
  })

/** A lot as the default policy records it for a repair order (spendable at once). */
export const earned = (
  id: string,
  points: number,
  at = T0,
  expiresAt = '2028-01-10T09:00:00.000Z',
): PointsEarned =>
  PointsEarned.make({
    lotId: `repair-order:${id}`,
    source: doc('repair-order', id),
    amountFen: points * 100,
    points,
    qualifyingPoints: points,
    level: 'standard',
    multiplierPercent: 100,
    pending: null,
    expiresAt,
    policyVersion: 'loyalty-default-1',
    at,
    by: clerk,
  })

let position = 0n

/** Adds the metadata a store would record, for folding events through projections. */
export const recorded = (memberId: string, event: LoyaltyEvent): RecordedEvent<LoyaltyEvent> => {
  position += 1n
  const metadata: EventMetadata = {
    eventId: `event-${position}`,
    streamName: `member-${memberId}`,
    streamPosition: Number(position),
    globalPosition: position,
    committedAt: new Date(0),
    recordedAt: new Date(0),
    schemaVersion: 1,
    correlationId: null,
    causationId: null,
    commandId: null,
    actor: null,
    prevHash: '',
    hash: '',
  }
  return { ...event, metadata }
}
