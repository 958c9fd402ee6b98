import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  type KeyObject,
  sign,
  verify as verifySignature,
} from 'node:crypto'
import { EventSourcingError } from '../errors.js'
import { commitmentFormat, type LogHead } from './commitment.js'

/**
 * A log head as an auditor keeps it: the commitment (format, position, count, root), when it was
 * taken, and, for a head signed by the dealer's checkpointer, the signer's key id and its Ed25519
 * signature. An unsigned anchor (keyId and signature null) is one the auditor took with `verify`
 * and kept outside the store: it binds the log as well, but proves nothing to a third party.
 */
export interface Anchor extends LogHead {
  /** When the head was signed or taken: ISO-8601 with milliseconds, UTC. */
  readonly time: string
  readonly keyId: string | null
  /** Base64 Ed25519 signature over `headMessage(anchor)`. */
  readonly signature: string | null
}

/** An anchor as JSON (the global position as a decimal string). */
export interface AnchorJson {
  readonly format: number
  readonly position: string
  readonly count: number
  readonly root: string
  readonly time: string
  readonly keyId: string | null
  readonly signature: string | null
}

/** A key that is not an Ed25519 key of the expected kind (public or private). */
export class AuditKeyError extends EventSourcingError {
  readonly code = 'AuditKey' as const
  constructor(readonly reason: string) {
    super(`audit key: ${reason}`)
    this.name = 'AuditKeyError'
  }
}

/**
 * An anchor or stored head that cannot be used: not a well-formed head of a known format, or (for
 * the checkpointer) a stored head its own key did not sign.
 */
export class AnchorError extends EventSourcingError {
  readonly code = 'Anchor' as const
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`)
    this.name = 'AnchorError'
  }
}

const ed25519 = (key: KeyObject, kind: 'private' | 'public'): KeyObject => {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AuditKeyError(`expected an Ed25519 ${kind} key, got ${key.asymmetricKeyType ?? key.type}`)
  return key
}

const parsedKey = (key: KeyObject | string, kind: 'private' | 'public'): KeyObject => {
  if (typeof key !== 'string') return key
  try {
    return kind === 'private' ? createPrivateKey(key) : createPublicKey(key)
  } catch (error) {
    throw new AuditKeyError(`not a PEM ${kind} key (${(error as Error).message})`)
  }
}

/** The signing key of a checkpointer: a KeyObject or PEM text (PKCS #8). */
export const auditPrivateKey = (key: KeyObject | string): KeyObject => {
  const parsed = ed25519(parsedKey(key, 'private'), 'private')
  if (parsed.type !== 'private') throw new AuditKeyError('expected a private key, got a public one')
  return parsed
}

/** The key an auditor checks signatures with: a KeyObject or PEM text (SPKI), or the private key's. */
export const auditPublicKey = (key: KeyObject | string): KeyObject => {
  const parsed = parsedKey(key, 'public')
  return ed25519(parsed.type === 'private' ? createPublicKey(parsed) : parsed, 'public')
}

/** A short name for a public key: the first 16 hex digits of SHA-256 over its SPKI DER form. */
export const auditKeyId = (publicKey: KeyObject): string =>
  hash('sha256', publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16)

/** A fresh Ed25519 key pair as PEM: the private key for the checkpointer, the public one for auditors. */
export const generateAuditKeys = (): { readonly privateKey: string; readonly publicKey: string } => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

/** The exact bytes a head's signature covers: one field a line, in a fixed order. */
export const headMessage = (head: LogHead & { readonly time: string }): Buffer =>
  Buffer.from(
    `dealer-crm log head\nformat ${head.format}\nposition ${head.position}\ncount ${head.count}\n` +
      `root ${head.root}\ntime ${head.time}\n`,
  )

/** Sign a head with the checkpointer's private key. */
export const signLogHead = (head: LogHead, at: Date, privateKey: KeyObject): Anchor => {
  const time = at.toISOString()
  const signature = sign(null, headMessage({ ...head, time }), privateKey).toString('base64')
  return { ...head, time, keyId: auditKeyId(createPublicKey(privateKey)), signature }
}

/** An anchor that nobody signed: the head as `verify` saw it, for the auditor to keep. */
export const unsignedAnchor = (head: LogHead, at: Date): Anchor => ({
  ...head,
  time: at.toISOString(),
  keyId: null,
  signature: null,
})

/** Why a head's signature does not hold for this public key; null when it does. */
export const signatureProblem = (anchor: Anchor, publicKey: KeyObject): string | null => {
  if (anchor.signature === null || anchor.keyId === null) return 'it is not signed'
  const keyId = auditKeyId(publicKey)
  if (anchor.keyId !== keyId) return `it is signed by key ${anchor.keyId}, not by the given key ${keyId}`
  const valid = verifySignature(null, headMessage(anchor), publicKey, Buffer.from(anchor.signature, 'base64'))
  return valid ? null : 'its signature does not match its content'
}

export const anchorToJson = (anchor: Anchor): AnchorJson => ({
  format: anchor.format,
  position: anchor.position.toString(),
  count: anchor.count,
  root: anchor.root,
  time: anchor.time,
  keyId: anchor.keyId,
  signature: anchor.signature,
})

const hex64 = /^[0-9a-f]{64}$/
const digits = /^(0|[1-9][0-9]{0,18})$/

/** Read an anchor or stored head from JSON, or fail with an AnchorError naming the field. */
export const parseAnchor = (json: unknown, source = 'anchor'): Anchor => {
  const fail = (reason: string) => new AnchorError(source, reason)
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('not a JSON object')
  const { format, position, count, root, time, keyId, signature } = json as Record<string, unknown>
  if (format !== commitmentFormat)
    throw fail(`format ${JSON.stringify(format)} is not a known commitment format (${commitmentFormat})`)
  if (typeof position !== 'string' || !digits.test(position))
    throw fail('position is not a global position as a decimal string')
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)
    throw fail('count is not a non-negative integer')
  if (typeof root !== 'string' || !(hex64.test(root) || (root === '' && count === 0)))
    throw fail('root is not a SHA-256 in hex (or "" for an empty log)')
  if ((count === 0) !== (position === '0')) throw fail('count and position disagree on an empty log')
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) throw fail('time is not an ISO-8601 time')
  const signed = typeof keyId === 'string' && typeof signature === 'string'
  if (!signed && !(keyId === null && signature === null) && !(keyId === undefined && signature === undefined))
    throw fail('keyId and signature must be both text or both null')
  return {
    format,
    position: BigInt(position),
    count,
    root,
    time,
    keyId: signed ? keyId : null,
    signature: signed ? signature : null,
  }
}
