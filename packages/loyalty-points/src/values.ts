import { Text } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { DocumentId } from './ids.js'

const isWhole =
  (min: number) =>
  (u: unknown): u is number =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= min

// Points and fen are plain whole numbers here (the kernel's Count and Fen are branded): the ledger's
// arithmetic makes them, and each event codec checks them again on append.
const wholeNumber = (name: string, min: number, what: string) => {
  const is = isWhole(min)
  return new t.Type<number, number, unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `expected ${what}, got ${JSON.stringify(u)}`)),
    t.identity,
  )
}

/** A number of points moved: a whole number above zero. */
export const Points = wholeNumber('Points', 1, 'a whole number of points above zero')
/** A count or a balance of points: a whole number, zero or more. */
export const PointCount = wholeNumber('PointCount', 0, 'a whole number of points, zero or more')
/** Money moved (a spend, a top-up, a refund), in fen: a whole number above zero. */
export const FenAmount = wholeNumber('FenAmount', 1, 'an amount in fen: a whole number above zero')
/** A money balance in fen: a whole number, zero or more. */
export const FenBalance = wholeNumber('FenBalance', 0, 'an amount in fen: a whole number, zero or more')

/** A free reference the clerk can look up: an invoice, a voucher number, a receipt. */
export const Reference = Text
export type Reference = t.TypeOf<typeof Reference>

/** The name of a level of the policy (`silver`); the decider checks it is one. */
export const LevelName = t.refinement(t.string, (s) => s.trim().length > 0, 'LevelName')
export type LevelName = t.TypeOf<typeof LevelName>

const literals = <A extends string>(name: string, values: readonly [A, ...A[]]) =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as Record<A, null>, name)

/** Spend that earns points by the yuan (docs/domain.md §4: service, parts, purchases). */
export const spendCategories = ['repair-order', 'parts-invoice', 'vehicle-purchase'] as const
export const SpendCategory = literals('SpendCategory', spendCategories)
export type SpendCategory = t.TypeOf<typeof SpendCategory>

/** Points granted as a fixed award (docs/domain.md §4: events, referral rewards; §3 goodwill). */
export const awardCategories = ['event', 'referral-reward', 'goodwill'] as const
export const AwardCategory = literals('AwardCategory', awardCategories)
export type AwardCategory = t.TypeOf<typeof AwardCategory>

export const SourceCategory = literals<SpendCategory | AwardCategory>('SourceCategory', [
  ...spendCategories,
  ...awardCategories,
])
export type SourceCategory = t.TypeOf<typeof SourceCategory>

/** The document points come from: every movement states its source (docs/domain.md §5). */
export const PointsSource = t.type({ category: SourceCategory, documentId: DocumentId }, 'PointsSource')
export type PointsSource = t.TypeOf<typeof PointsSource>

/** What points are redeemed for (docs/domain.md §4 会员积分用途). */
export const redemptionRewards = ['maintenance-voucher', 'discount', 'gift'] as const
export const RedemptionReward = literals('RedemptionReward', redemptionRewards)
export type RedemptionReward = t.TypeOf<typeof RedemptionReward>

/** Points taken from one lot. */
export const LotDraw = t.type({ lotId: t.string, points: Points }, 'LotDraw')
export type LotDraw = t.TypeOf<typeof LotDraw>

/** A lot is named by its source: one earning per source document. */
export const lotIdOf = (source: PointsSource): string => `${source.category}:${source.documentId}`
