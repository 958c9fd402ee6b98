import { createHmac } from 'node:crypto'
import * as t from 'io-ts'
import { type MainlandMobile, normalizePhone } from './phone.js'

/** What `keyedHash` returns: 64 lowercase hex digits. Domains match people by it, never by the phone. */
export type PhoneHash = t.Branded<string, { readonly PhoneHash: symbol }>

const isPhoneHash = (u: unknown): u is PhoneHash => typeof u === 'string' && /^[0-9a-f]{64}$/.test(u)

/** The codec of a phone's keyed hash in commands and events; it refuses a phone sent in its place. */
export const PhoneHash = new t.Type<PhoneHash, string, unknown>(
  'PhoneHash',
  isPhoneHash,
  (u, c) =>
    isPhoneHash(u)
      ? t.success(u)
      : t.failure(u, c, 'expected the keyed hash of a phone (64 lowercase hex digits, from keyedHash)'),
  t.identity,
)

/**
 * A keyed hash (HMAC-SHA-256, 64 hex digits) of a phone number, for matching people without storing
 * the number in clear. The application holds the secret; the domain compares hashes.
 *
 * It takes only what `normalizePhone` returns, so two notations of one number (`+86 138-0013-8000`
 * and `13800138000`) cannot give two hashes; it normalises again all the same, for callers outside
 * the type checker (a number that is not a mainland mobile throws `InvalidPhoneError`).
 */
export const keyedHash = (secret: string | Uint8Array, phone: MainlandMobile): PhoneHash =>
  createHmac('sha256', secret).update(normalizePhone(phone)).digest('hex') as PhoneHash
