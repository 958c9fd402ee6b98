import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { EventSourcingError } from '../errors.js'

/** One version of a key-encryption key (KEK). */
export interface KekVersion {
  /** Never reused: a destroyed version's id names nothing again. */
  readonly id: string
  /** 256 bits. */
  readonly key: Uint8Array
}

/**
 * Versioned key-encryption keys, held outside the database (a file, a KMS). A vault given them
 * stores each subject key only wrapped under a version; forgetting someone re-wraps the other keys
 * under a new version and then destroys the older versions, so that every copy of the forgotten
 * key the database could not erase — a dead row, the free space of a page, a WAL record, an
 * archive, a replica, a backup — is wrapped under a destroyed key. ADR 0010, docs/privacy.md.
 *
 * One holder serves one store (one SQLite file, one PostgreSQL schema). A KMS implements it with one
 * KMS key per version (`get` decrypts that version's data key, `destroy` schedules the deletion of
 * the KMS keys); `fileKeyEncryptionKeys` is the default.
 */
export interface KeyEncryptionKeys {
  /** The version new keys are wrapped under (created on first use). */
  readonly current: () => Promise<KekVersion>
  /** A version's key; null once it was destroyed (or if it never existed). */
  readonly get: (id: string) => Promise<Uint8Array | null>
  /** Make a new version current, durably (the older ones stay until `destroy`). */
  readonly rotate: () => Promise<KekVersion>
  /**
   * Destroy these versions for good. Called only with versions no committed row is wrapped under
   * any more (never the current one); a holder that must keep backups restorable may destroy them
   * when the backups made under them expire instead (erasure in those backups waits for that).
   */
  readonly destroy: (ids: ReadonlyArray<string>) => Promise<void>
}

/** A wrapped key names a key-encryption key version the holder no longer has (or never had). */
export class KeyEncryptionKeyMissingError extends EventSourcingError {
  readonly code = 'KeyEncryptionKeyMissing' as const
  constructor(
    readonly subjectId: string,
    readonly kekId: string,
    detail = 'which the holder does not have',
  ) {
    super(`the key of subject ${subjectId} is wrapped under key-encryption key ${kekId}, ${detail}`)
    this.name = 'KeyEncryptionKeyMissingError'
  }
}

const ivBytes = 12
const tagBytes = 16
const aad = (kekId: string, subjectId: string) => Buffer.from(`${kekId}\u0000${subjectId}`, 'utf8')

/**
 * Wrap a subject key: AES-256-GCM under the KEK version, with the version id and the subject id as
 * additional data (a wrapped key moved to another subject's row fails to unwrap).
 * Layout: iv (12) ‖ ciphertext (32) ‖ tag (16).
 */
export const wrapKey = (kek: KekVersion, subjectId: string, key: Uint8Array): Uint8Array => {
  const iv = randomBytes(ivBytes)
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv)
  cipher.setAAD(aad(kek.id, subjectId))
  const ct = Buffer.concat([cipher.update(key), cipher.final()])
  return new Uint8Array(Buffer.concat([iv, ct, cipher.getAuthTag()]))
}

/** Unwrap what `wrapKey` made; throws if the KEK, the subject or the bytes are not the ones it was made with. */
export const unwrapKey = (kek: KekVersion, subjectId: string, wrapped: Uint8Array): Uint8Array => {
  const bytes = Buffer.from(wrapped)
  if (bytes.length <= ivBytes + tagBytes)
    throw new Error(`a wrapped key of ${bytes.length} bytes is too short`)
  const decipher = createDecipheriv('aes-256-gcm', kek.key, bytes.subarray(0, ivBytes))
  decipher.setAAD(aad(kek.id, subjectId))
  decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes))
  return new Uint8Array(
    Buffer.concat([decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)), decipher.final()]),
  )
}
