import { createHmac } from 'node:crypto'
import { type MainlandMobile, normalizePhone } from './phone.js'

/**
 * A keyed hash (HMAC-SHA-256, 64 hex digits) of a phone number, for matching people without storing
 * the number in clear. The application holds the secret; the domain compares hashes.
 *
 * It takes only what `normalizePhone` returns, so two notations of one number (`+86 138-0013-8000`
 * and `13800138000`) cannot give two hashes; it normalises again all the same, for callers outside
 * the type checker (a number that is not a mainland mobile throws `InvalidPhoneError`).
 */
export const keyedHash = (secret: string | Uint8Array, phone: MainlandMobile): string =>
  createHmac('sha256', secret).update(normalizePhone(phone)).digest('hex')
