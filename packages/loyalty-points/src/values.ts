import * as t from 'io-ts'
import { DocumentId } from './ids.js'

const isWhole =
  (min: number) =>
  (u: unknown): u is number =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= min

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
/** An amount of money in fen (integer minor units), above zero. */
export const Fen = wholeNumber('Fen', 1, 'an amount in fen: a whole number above zero')
/** A money balance in fen, zero or more. */
export const FenBalance = wholeNumber('FenBalance', 0, 'an amount in fen: a whole number, zero or more')

const nonEmpty = (name: string) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && u.trim().length > 0,
    (u, c) =>
      typeof u === 'string' && u.trim().length > 0
        ? t.success(u)
        : t.failure(u, c, `expected a non-empty text, got ${JSON.stringify(u)}`),
    t.identity,
  )

/** A free reference the clerk can look up: an invoice, a voucher number, a receipt. */
export const Reference = nonEmpty('Reference')
export const Text = nonEmpty('Text')

/** Who did it (ARCHITECTURE.md: actor). */
export const Actor = t.type({ id: nonEmpty('ActorId'), role: nonEmpty('Role') })
export type Actor = t.TypeOf<typeof Actor>

const literals = <A extends string>(name: string, values: ReadonlyArray<A>) => {
  const is = (u: unknown): u is A => typeof u === 'string' && values.some((v) => v === u)
  return new t.Type<A, A, unknown>(
    name,
    is,
    (u, c) =>
      is(u)
        ? t.success(u)
        : t.failure(u, c, `expected one of ${values.join(', ')}, got ${JSON.stringify(u)}`),
    t.identity,
  )
}

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
export const Source = t.type({ category: SourceCategory, documentId: DocumentId })
export type Source = t.TypeOf<typeof Source>

/** What points are redeemed for (docs/domain.md §4 会员积分用途). */
export const rewards = ['maintenance-voucher', 'discount', 'gift'] as const
export const Reward = literals('Reward', rewards)
export type Reward = t.TypeOf<typeof Reward>

export const LevelName = nonEmpty('LevelName')

/** Points taken from one lot. */
export const LotDraw = t.type({ lotId: t.string, points: Points })
export type LotDraw = t.TypeOf<typeof LotDraw>

/** A lot is named by its source: one earning per source document. */
export const lotIdOf = (source: Source): string => `${source.category}:${source.documentId}`
