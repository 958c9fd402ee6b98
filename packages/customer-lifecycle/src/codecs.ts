import * as t from 'io-ts'

/**
 * A string codec narrowed by a rule, whose failure message names the rule, so a clerk reads
 * "vin: a VIN has 17 characters …" rather than a codec name.
 */
const refinedString = (name: string, rule: (s: string) => boolean, explain: string): t.Type<string> =>
  new t.Type<string>(
    name,
    (u): u is string => typeof u === 'string' && rule(u),
    (u, c) =>
      typeof u === 'string' && rule(u)
        ? t.success(u)
        : t.failure(u, c, `${explain}, got ${JSON.stringify(u)}`),
    t.identity,
  )

const refinedInt = (name: string, min: number, max: number): t.Type<number> =>
  new t.Type<number>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(u)}`),
    t.identity,
  )

/** Text of a policy (its version): it must say something. */
export const PolicyText = refinedString('PolicyText', (s) => s.trim().length > 0, 'expected some text')

/** A mainland mobile (1[3-9]… with or without +86) or a landline with its area code. */
export const PhoneNumber = refinedString(
  'PhoneNumber',
  (s) => /^(\+?86[ -]?)?1[3-9]\d{9}$/.test(s.replace(/ /g, '')) || /^0\d{2,3}-?\d{7,8}$/.test(s),
  'expected a mainland mobile number (11 digits starting 13–19) or a landline with area code',
)

/** ISO 3779 / GB 16735 vehicle identification number: 17 characters, never I, O or Q. */
export const Vin = refinedString(
  'Vin',
  (s) => /^[A-HJ-NPR-Z0-9]{17}$/.test(s),
  'a VIN has 17 capital letters or digits and never the letters I, O or Q',
)

/** ISO 3779 transliteration of VIN letters to numbers, letter by letter (I, O and Q never occur). */
const vinLetters = 'ABCDEFGHJKLMNPRSTUVWXYZ'
const vinLetterValues = '12345678123457923456789'
const vinWeights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
const vinValue = (ch: string): number =>
  /\d/.test(ch) ? Number(ch) : Number(vinLetterValues[vinLetters.indexOf(ch)] ?? 0)

/**
 * The check digit a VIN should carry at position 9 (GB 16735 in China, FMVSS 115 in North
 * America): the weighted sum of the transliterated characters modulo 11, "X" for 10. Position 9
 * has weight 0, so the digit does not depend on itself. Expects a VIN that passes `Vin`.
 */
export const vinCheckDigit = (vin: string): string => {
  const sum = [...vin].reduce((acc, ch, i) => acc + vinValue(ch) * (vinWeights[i] ?? 0), 0)
  return sum % 11 === 10 ? 'X' : String(sum % 11)
}

/** Whether the VIN's 9th character is its check digit. */
export const hasVinCheckDigit = (vin: string): boolean => vin[8] === vinCheckDigit(vin)

export const LicencePlate = refinedString(
  'LicencePlate',
  (s) => /^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$/.test(s),
  'expected a licence plate such as 粤B12345',
)

/** Odometer reading in kilometres. */
export const Kilometres = refinedInt('Kilometres', 0, 3_000_000)

/** A whole number of days, a rank or a count. */
export const WholeNumber = refinedInt('WholeNumber', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)

/** A policy's number of days or things, above zero. */
export const PolicyPositive = refinedInt('PolicyPositive', 1, Number.MAX_SAFE_INTEGER)

/** A policy's count that may be zero. */
export const PolicyCount = refinedInt('PolicyCount', 0, Number.MAX_SAFE_INTEGER)

/** Minutes after local midnight. */
export const MinuteOfDay = refinedInt('MinuteOfDay', 0, 1439)

/** A time zone's offset from UTC in minutes (UTC−12:00 to UTC+14:00). */
export const UtcOffsetMinutes = refinedInt('UtcOffsetMinutes', -720, 840)

const refinedNumber = (name: string, rule: (n: number) => boolean, explain: string): t.Type<number> =>
  new t.Type<number>(
    name,
    (u): u is number => typeof u === 'number' && Number.isFinite(u) && rule(u),
    (u, c) =>
      typeof u === 'number' && Number.isFinite(u) && rule(u)
        ? t.success(u)
        : t.failure(u, c, `${explain}, got ${JSON.stringify(u)}`),
    t.identity,
  )

/** A factor above zero (1.5 = one and a half times). */
export const PositiveFactor = refinedNumber('PositiveFactor', (n) => n > 0, 'expected a number above 0')

/** A share of a whole: above 0, at most 1 (0.2 = 20%). */
export const Share = refinedNumber('Share', (n) => n > 0 && n <= 1, 'expected a share above 0 and at most 1')

/** An RFM score: 1 (worst) to 5 (best). */
export const RfmScore = refinedInt('RfmScore', 1, 5)

/** A survey score, and the customer's expectation, on the same 1–10 scale. */
export const SurveyScore = refinedInt('SurveyScore', 1, 10)
