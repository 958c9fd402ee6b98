import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { PersonalDataError } from '../errors.js'

/**
 * Where per-person keys live. Forgetting a person destroys their key: their personal data
 * can no longer be decrypted anywhere, while the log (and its hash chain) stays intact.
 */
export interface KeyVault {
  /** The subject's key, created on first use. Fails for a subject that was forgotten. */
  readonly keyFor: (subjectId: string) => Promise<Uint8Array>
  /** The subject's key, or null if it never existed or was destroyed. */
  readonly existingKey: (subjectId: string) => Promise<Uint8Array | null>
  /** Destroy the subject's key, for good. */
  readonly forget: (subjectId: string) => Promise<void>
}

/** A vault in process memory: for tests and for the in-memory store. */
export const inMemoryKeyVault = (): KeyVault => {
  const keys = new Map<string, Uint8Array | null>()
  return {
    keyFor: async (subjectId) => {
      const key = keys.get(subjectId)
      if (key === null)
        throw new PersonalDataError(
          '(any)',
          `subject ${subjectId} was forgotten; no new personal data may be stored for them`,
        )
      if (key !== undefined) return key
      const created = randomBytes(32)
      keys.set(subjectId, created)
      return created
    },
    existingKey: async (subjectId) => keys.get(subjectId) ?? null,
    forget: async (subjectId) => {
      keys.set(subjectId, null)
    },
  }
}

/** AES-256-GCM ciphertext of one personal value, as stored. */
export interface Sealed {
  /** Subject the key belongs to. */
  readonly s: string
  readonly iv: string
  readonly ct: string
  readonly tag: string
}

export const seal = (key: Uint8Array, subjectId: string, plaintext: string): Sealed => {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(subjectId))
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return {
    s: subjectId,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  }
}

/** Decrypt; throws if the ciphertext or its tag was altered. */
export const unseal = (key: Uint8Array, sealed: Sealed): string => {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'))
  decipher.setAAD(Buffer.from(sealed.s))
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))
  return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8')
}
