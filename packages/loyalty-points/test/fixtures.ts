import {
  type CustomerId,
  decodeCommand,
  type Event,
  type EventMetadata,
  type EventType,
  Instant,
  type RecordedEvent,
} from '@dealer-crm/eventsourcing'
import { LoyaltyCommand } from '../src/commands.js'
import { type LoyaltyEvent, MemberEnrolled, PointsEarned } from '../src/events.js'
import type { CardNumber, DocumentId } from '../src/ids.js'
import type { AwardCategory, PointsSource, RedemptionReward, SpendCategory } from '../src/values.js'

export const clerk = { id: 'clerk-1', role: 'service-advisor' } as const
export const scheduler = { id: 'scheduler', role: 'scheduler' } as const

/** The member card every fixture command is for. */
export const memberId = 'member-1'

/** An instant as the application would pass it (ISO 8601 with an offset, decoded to UTC). */
export const instant = (text: string): Instant => {
  const decoded = Instant.decode(text)
  if (decoded._tag === 'Left') throw new Error(`not an instant: ${text}`)
  return decoded.right
}

/** Decode a command as the application would receive it; a fixture that does not decode is a broken test. */
export const command = (type: LoyaltyCommand['type'], data: Record<string, unknown>): LoyaltyCommand => {
  const decoded = decodeCommand(LoyaltyCommand, { type, data: { memberId, ...data } })
  if (decoded._tag === 'Left') throw decoded.left
  return decoded.right
}

/** An event built through its codec, as the decider would record it (instants in UTC, ids checked). */
export const made = <T extends string, A, O>(definition: EventType<T, A, O>, data: unknown): Event<T, A> => {
  const decoded = definition.codec.decode(data)
  if (decoded._tag === 'Left') throw new Error(`not a valid ${definition.type}: ${JSON.stringify(data)}`)
  return definition.make(decoded.right)
}

export const T0 = instant('2026-01-10T09:00:00.000Z')

export const doc = (category: PointsSource['category'], id: string): PointsSource => ({
  category,
  documentId: id as DocumentId,
})

export const enrol = (level = 'standard', at: string = T0): LoyaltyCommand =>
  command('EnrolMember', { customerId: 'cust-1', cardNumber: 'VIP-0001', level, at, by: clerk })

export const earn = (
  category: SpendCategory,
  id: string,
  amountFen: number,
  at: string = T0,
): LoyaltyCommand =>
  command('EarnPointsForSpend', { document: { category, documentId: id }, amountFen, at, by: clerk })

export const award = (category: AwardCategory, id: string, points: number, at: string = T0): LoyaltyCommand =>
  command('AwardPoints', { document: { category, documentId: id }, points, at, by: clerk })

export const redeem = (
  id: string,
  points: number,
  at: string = T0,
  reward: RedemptionReward = 'maintenance-voucher',
): LoyaltyCommand =>
  command('RedeemPoints', { redemptionId: id, reward, points, reference: `voucher-${id}`, at, by: clerk })

export const refund = (source: PointsSource, at: string = T0): LoyaltyCommand =>
  command('RefundDocument', { document: source, reason: 'returned by customer', at, by: clerk })

export const release = (source: PointsSource, at: string = T0): LoyaltyCommand =>
  command('ReleasePendingPoints', { document: source, at, by: clerk })

export const evaluate = (at: string): LoyaltyCommand => command('EvaluateMember', { at, by: scheduler })

export const topUp = (amountFen: number, at: string = T0): LoyaltyCommand =>
  command('TopUpPrepaid', { amountFen, reference: 'receipt-1', at, by: clerk })

export const spendPrepaid = (amountFen: number, at: string = T0): LoyaltyCommand =>
  command('SpendPrepaid', { amountFen, reference: 'RO-spend', at, by: clerk })

export const refundPrepaid = (amountFen: number, at: string = T0): LoyaltyCommand =>
  command('RefundPrepaid', { amountFen, reference: 'refund-1', at, by: clerk })

export const enrolled = (level = 'standard', at: string = T0): MemberEnrolled =>
  MemberEnrolled.make({
    customerId: 'cust-1' as CustomerId,
    cardNumber: 'VIP-0001' as CardNumber,
    level,
    reviewAt: instant('2027-01-10T09:00:00.000Z'),
    policyVersion: 'loyalty-default-1',
    at: instant(at),
    by: clerk,
  })

/** A lot as the default policy records it for a repair order (spendable at once). */
export const earned = (
  id: string,
  points: number,
  at: string = T0,
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
    expiresAt: instant(expiresAt),
    policyVersion: 'loyalty-default-1',
    at: instant(at),
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
