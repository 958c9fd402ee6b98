import * as t from 'io-ts'

const wholeNumber = <Name extends string>(name: Name, min: number, expected: string) => {
  type N = t.Branded<number, { readonly [K in Name]: symbol }>
  const is = (u: unknown): u is N => typeof u === 'number' && Number.isSafeInteger(u) && u >= min
  return new t.Type<N, number, unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `expected ${expected}, got ${JSON.stringify(u)}`)),
    t.identity,
  )
}

/** Money in fen (1/100 yuan): a whole number, never negative, never a float. */
export const Fen = wholeNumber('Fen', 0, 'an amount in fen: a whole number, zero or more')
export type Fen = t.TypeOf<typeof Fen>

/** A whole number of things, zero or more. */
export const Count = wholeNumber('Count', 0, 'a whole number, zero or more')
export type Count = t.TypeOf<typeof Count>

/** A whole number above zero (points, attempts, days). */
export const PositiveInt = wholeNumber('PositiveInt', 1, 'a whole number above zero')
export type PositiveInt = t.TypeOf<typeof PositiveInt>

const hasText = (u: unknown): u is t.Branded<string, { readonly Text: symbol }> =>
  typeof u === 'string' && u.trim().length > 0

/** Text a person typed (a reason, a note, a name): it must say something. */
export const Text = new t.Type<t.Branded<string, { readonly Text: symbol }>, string, unknown>(
  'Text',
  hasText,
  (u, c) => (hasText(u) ? t.success(u) : t.failure(u, c, `expected some text, got ${JSON.stringify(u)}`)),
  t.identity,
)
export type Text = t.TypeOf<typeof Text>

const yuanFormat = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' })

/** Fen as a clerk reads it: ¥1,250.00. */
export const formatYuan = (fen: number): string => yuanFormat.format(fen / 100)
