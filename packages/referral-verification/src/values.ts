import { isMainlandMobile, normalizePhone } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { StaffId } from './ids.js'

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

export interface AtBrand {
  readonly At: unique symbol
}
/** An instant as ISO-8601 text with a zone, stamped by the application's clock. */
export const At = t.brand(
  t.string,
  (s): s is t.Branded<string, AtBrand> => isoInstant.test(s) && !Number.isNaN(Date.parse(s)),
  'At',
)
export type At = t.TypeOf<typeof At>

export const millisOf = (at: At): number => Date.parse(at)

const DAY = 86_400_000
export const daysBetween = (from: At, to: At): number => (millisOf(to) - millisOf(from)) / DAY
export const isBefore = (a: At, b: At): boolean => millisOf(a) < millisOf(b)

const wholeAtLeastZero = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** Money in integer minor units (fen, 1/100 yuan), never negative, never a float. */
export const Fen = t.refinement(t.number, wholeAtLeastZero, 'Fen')
export type Fen = t.TypeOf<typeof Fen>

/** A whole number of things, never negative. */
export const Count = t.refinement(t.number, wholeAtLeastZero, 'Count')
export type Count = t.TypeOf<typeof Count>

/** The roles staff act in at the showroom. */
export const Role = t.keyof(
  {
    'sales-consultant': null,
    'duty-manager': null,
    'showroom-manager': null,
    'call-back-staff': null,
    'sales-manager': null,
    'general-manager': null,
  },
  'Role',
)
export type Role = t.TypeOf<typeof Role>

/** Who did it. */
export const Staff = t.type({ id: StaffId, role: Role }, 'Staff')
export type Staff = t.TypeOf<typeof Staff>

export interface PhoneBrand {
  readonly Phone: unique symbol
}
/**
 * A mainland mobile number as it was given: with or without +86 / 0086, spaces, dashes, parentheses,
 * full-width digits. Whatever the kernel's `normalizePhone` accepts; compare phones with `samePhone`.
 */
export const Phone = t.brand(
  t.string,
  (s): s is t.Branded<string, PhoneBrand> => isMainlandMobile(s),
  'Phone',
)
export type Phone = t.TypeOf<typeof Phone>

/**
 * Phones as events store them: what `Phone` accepts, and what it accepted until 2026-12 (ASCII digits,
 * spaces, `+`, `-` and parentheses anywhere, whose digits less a leading 86 / 0086 form a mobile, such as
 * `+13800138000`), so that events recorded then still read. New events hold only what `Phone` accepts.
 */
export const StoredPhone = t.brand(
  t.string,
  (s): s is t.Branded<string, PhoneBrand> => isMainlandMobile(s) || legacyDigits(s) !== null,
  'Phone',
)

const legacyDigits = (s: string): string | null => {
  if (!/^[\d\s+()-]+$/.test(s)) return null
  const digits = s.replace(/\D/g, '').replace(/^(0086|86)(?=1\d{10}$)/, '')
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null
}

/** One number in two notations is one phone (docs/domain.md §5 Referrals: compared normalised). */
export const samePhone = (a: Phone, b: Phone): boolean => phoneKey(a) === phoneKey(b)

// Total, so a decider never throws: a value that skipped the codec is compared as written.
const phoneKey = (p: string): string =>
  isMainlandMobile(p) ? normalizePhone(p) : (legacyDigits(p) ?? p.normalize('NFKC').trim())

export interface PhoneHashBrand {
  readonly PhoneHash: unique symbol
}
/** A phone number through the application's keyed hash (hex HMAC-SHA-256): phones are compared, never kept, in clear. */
export const PhoneHash = t.brand(
  t.string,
  (s): s is t.Branded<string, PhoneHashBrand> => /^[0-9a-f]{64}$/.test(s),
  'PhoneHash',
)
export type PhoneHash = t.TypeOf<typeof PhoneHash>

/** Free text of at most `max` characters that is not blank. */
const shortText = (name: string, max: number) =>
  t.refinement(t.string, (s) => s.trim().length > 0 && s.length <= max, name)

export const PersonName = shortText('PersonName', 60)
export type PersonName = t.TypeOf<typeof PersonName>

/** A car model as the customer names it (速腾 Sagitar, 高尔夫 Golf). */
export const CarModel = shortText('CarModel', 40)
export type CarModel = t.TypeOf<typeof CarModel>

/** A body colour in words (白色 white, red): letters only, no digits or codes. */
export const Colour = t.refinement(t.string, (s) => /^[\p{L}][\p{L}\s-]{0,19}$/u.test(s), 'Colour')
export type Colour = t.TypeOf<typeof Colour>

export const Gearbox = t.keyof({ automatic: null, manual: null }, 'Gearbox')
export type Gearbox = t.TypeOf<typeof Gearbox>

/** A car as the customer describes it: model, colour and, where known, the gearbox (白色自动挡速腾). */
export const Vehicle = t.type(
  { model: CarModel, colour: Colour, gearbox: t.union([Gearbox, t.null]) },
  'Vehicle',
)
export type Vehicle = t.TypeOf<typeof Vehicle>

/** An explanation a person typed, kept short. */
export const Reason = shortText('Reason', 500)
export type Reason = t.TypeOf<typeof Reason>
