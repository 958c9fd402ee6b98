import { createHmac } from 'node:crypto'

/**
 * A keyed hash (HMAC-SHA-256) for matching personal values, such as phone numbers, without
 * storing them in clear. The application holds the secret; the domain compares hashes.
 */
export const keyedHash = (secret: string | Uint8Array, value: string): string =>
  createHmac('sha256', secret).update(value.normalize('NFKC').trim()).digest('hex')

/** Digits only, without a leading +86 or 0086: the form phones are hashed in. */
export const normalizePhone = (phone: string): string =>
  phone.replace(/\D/g, '').replace(/^(0086|86)(?=1\d{10}$)/, '')
