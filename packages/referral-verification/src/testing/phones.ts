import fc from 'fast-check'

/** A mainland mobile number in its normal form: 1[3-9] and nine more digits. */
export const referralPhoneArb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/))
  .map(([second, rest]) => `1${second}${rest}`)

const fullWidth = (s: string) =>
  s.replace(/[\d+\-() ]/g, (c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))

/**
 * One number as people write it (docs/domain.md §5 Referrals: phones are compared normalised): with or
 * without +86 / 0086, spaces, dashes, parentheses, in full-width characters. `normalizePhone` gives back
 * the number.
 */
export const referralPhoneNotationArb = (phone: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('', '+86', '+86 ', '0086', '0086-', '86 '),
      fc.constantFrom('', ' ', '-', '\u2014'),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([prefix, separator, parenthesised, wide]) => {
      const head = parenthesised ? `(${phone.slice(0, 3)})` : phone.slice(0, 3)
      const written = `${prefix}${head}${separator}${phone.slice(3, 7)}${separator}${phone.slice(7)}`
      return wide ? fullWidth(written) : written
    })
