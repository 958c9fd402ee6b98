import { PersonalDataError } from '../errors.js'
import { type KeyVault, type Sealed, seal, unseal } from './key-vault.js'
import { ERASED_KEY, PII_KEY } from './personal.js'

/** Key of a sealed personal value in the stored form. */
export const SEALED_KEY = '$enc'

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

const isSealed = (u: unknown): u is Sealed =>
  isRecord(u) &&
  typeof u.s === 'string' &&
  typeof u.iv === 'string' &&
  typeof u.ct === 'string' &&
  typeof u.tag === 'string'

/** Quick synchronous test: does this JSON value hold an object with this key anywhere? */
const containsKey = (value: unknown, key: string): boolean => {
  if (Array.isArray(value)) return value.some((v) => containsKey(v, key))
  if (!isRecord(value)) return false
  if (key in value) return true
  for (const k in value) if (containsKey(value[k], key)) return true
  return false
}

/**
 * Replace every `{ "$pii": value }` in an encoded event with `{ "$enc": ciphertext }`, under
 * the key of the nearest enclosing `subjectId`, else of the event's subject.
 */
export const sealPersonalData = async (
  encoded: unknown,
  eventType: string,
  eventSubject: string | undefined,
  vault: KeyVault,
): Promise<unknown> => {
  if (!containsKey(encoded, PII_KEY)) return encoded
  const walk = async (value: unknown, subject: string | undefined): Promise<unknown> => {
    if (Array.isArray(value)) {
      const out: unknown[] = []
      for (const v of value) out.push(await walk(v, subject))
      return out
    }
    if (!isRecord(value)) return value
    if (PII_KEY in value) {
      if (subject === undefined)
        throw new PersonalDataError(
          eventType,
          'no subject: give the event type a `subject` or the enclosing object a `subjectId`',
        )
      const key = await vault.keyFor(subject)
      return { [SEALED_KEY]: seal(key, subject, JSON.stringify(value[PII_KEY])) }
    }
    const own = typeof value.subjectId === 'string' ? value.subjectId : subject
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = await walk(v, own)
    return out
  }
  return walk(encoded, eventSubject)
}

/** Does this stored value hold sealed personal data (so reading it needs the key vault)? */
/** Does an encoded event hold personal values still to seal? */
export const hasPersonalData = (encoded: unknown): boolean => containsKey(encoded, PII_KEY)

export const hasSealedPersonalData = (stored: unknown): boolean => containsKey(stored, SEALED_KEY)

/**
 * The inverse of `sealPersonalData`: `{ "$enc": … }` becomes `{ "$pii": value }`, or
 * `{ "$erased": subjectId }` when the subject's key was destroyed. Throws if a ciphertext
 * was altered (AES-GCM authentication fails).
 */
export const unsealPersonalData = async (stored: unknown, vault: KeyVault): Promise<unknown> => {
  if (!containsKey(stored, SEALED_KEY)) return stored
  const walk = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) {
      const out: unknown[] = []
      for (const v of value) out.push(await walk(v))
      return out
    }
    if (!isRecord(value)) return value
    const sealed = value[SEALED_KEY]
    if (sealed !== undefined) {
      if (!isSealed(sealed)) throw new Error('malformed sealed personal value')
      const key = await vault.existingKey(sealed.s)
      return key === null ? { [ERASED_KEY]: sealed.s } : { [PII_KEY]: JSON.parse(unseal(key, sealed)) }
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = await walk(v)
    return out
  }
  return walk(stored)
}
