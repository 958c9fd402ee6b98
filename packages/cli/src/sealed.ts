import { type DealershipStore, dealershipRegistry } from '@dealer-crm/dealership'
import { createEventStore, isErased, type KeyVault } from '@dealer-crm/eventsourcing'
import type { OpenedTarget } from './open.js'

/** A vault that hands out no key: reading through it decrypts nothing. */
const noKeys: KeyVault = {
  keyFor: async () => {
    throw new Error('no key is handed out without a purpose')
  },
  existingKey: async () => null,
  forget: async () => {
    throw new Error('nothing to forget here')
  },
  completeErasure: async () => {
    throw new Error('nothing to erase here')
  },
}

/** The opened store's log read without decrypting: every personal field reads as erased. */
export const undecryptedStore = (opened: OpenedTarget): DealershipStore =>
  createEventStore(opened.store.log, { registry: dealershipRegistry, keyVault: noKeys })

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A personal field shown without decrypting it: its subject's key exists, the value was not read. */
export interface SealedField {
  readonly sealed: true
  readonly subjectId: string
}

export const isSealedField = (v: unknown): v is SealedField =>
  isRecord(v) && v.sealed === true && typeof v.subjectId === 'string'

/**
 * Data or state read through `undecryptedStore`, each personal field shown as `{ sealed: true, subjectId }`
 * while its subject's key exists (readable with a purpose), and as erased once it was forgotten.
 */
export const markSealed = async (data: unknown, opened: OpenedTarget): Promise<unknown> => {
  const keys = new Map<string, boolean>()
  const held = async (subjectId: string) => {
    const known = keys.get(subjectId)
    if (known !== undefined) return known
    const exists = opened.vault !== null && (await opened.vault.keyVault.existingKey(subjectId)) !== null
    keys.set(subjectId, exists)
    return exists
  }
  const walk = async (value: unknown): Promise<unknown> => {
    if (isErased(value))
      return (await held(value.subjectId)) ? { sealed: true, subjectId: value.subjectId } : value
    if (Array.isArray(value)) return Promise.all(value.map(walk))
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>()
      for (const [k, v] of value) out.set(k, await walk(v))
      return out
    }
    if (value instanceof Set) return new Set(await Promise.all([...value].map(walk)))
    if (!isRecord(value) || value instanceof Date) return value
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = await walk(v)
    return out
  }
  return walk(data)
}
