import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { PersonalDataError } from '../errors.js'

/**
 * What a forget achieved in the vault's storage (see docs/privacy.md for each vault).
 * - `complete`: no copy of a destroyed key is left where the vault keeps keys (for a vault with
 *   key-encryption keys: every copy left is wrapped under a destroyed key-encryption key);
 * - `pending`: copies may remain until `completeErasure()` reports `complete`; `reason` says why
 *   (e.g. another connection still reads an older snapshot that holds them);
 * - `logical`: the key no longer reads through any vault, but the storage keeps old copies the vault
 *   cannot remove (`reason` names them), so stale bytes could still decrypt the person's data.
 */
export interface Erasure {
  readonly state: 'complete' | 'pending' | 'logical'
  readonly reason: string | null
}

/**
 * Where per-person keys live. Forgetting a person destroys their key: their personal data
 * can no longer be decrypted through the vault, while the log (and its hash chain) stays intact.
 * How far old copies of the key are erased is the vault's `Erasure`.
 */
export interface KeyVault {
  /** The subject's key, created on first use. Fails for a subject that was forgotten. */
  readonly keyFor: (subjectId: string) => Promise<Uint8Array>
  /** The subject's key, or null if it never existed or was destroyed. */
  readonly existingKey: (subjectId: string) => Promise<Uint8Array | null>
  /** Destroy the subject's key, for good (a tombstone stays), and erase what copies the vault can. */
  readonly forget: (subjectId: string) => Promise<Erasure>
  /** Try again to erase what earlier forgets left `pending` (and whatever else the vault can). */
  readonly completeErasure: () => Promise<Erasure>
}

const inMemoryErasure: Erasure = {
  state: 'logical',
  reason: 'an in-memory vault drops its reference to the key; process memory is not overwritten',
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
      return inMemoryErasure
    },
    completeErasure: async () => inMemoryErasure,
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
