import { isMainlandMobile, normalizePhone } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'

type PhoneBrand = { readonly Phone: symbol }
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
