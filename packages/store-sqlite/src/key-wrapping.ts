import {
  type Erasure,
  type KekVersion,
  KeyEncryptionKeyMissingError,
  type KeyEncryptionKeys,
  unwrapKey,
  wrapKey,
} from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { prepared } from './statements.js'

/*
 * Subject keys wrapped under key-encryption keys in SQLite (ADR 0010). better-sqlite3 transactions
 * are synchronous and a holder is asynchronous (a KMS), so what a transaction needs of the holder is
 * fetched before it, and the transaction checks that it still holds: the database records the
 * current version (`es_key_encryption`), and a re-wrap that meets a version it did not fetch is
 * tried again.
 */

/** The version new keys are wrapped under, as the database records it (null before the first). */
export const recordedVersion = (db: Database.Database): string | null =>
  (
    prepared(db, 'SELECT current_kek FROM es_key_encryption WHERE id = 1').get() as
      | { current_kek: string }
      | undefined
  )?.current_kek ?? null

export const recordVersion = (db: Database.Database, id: string): void => {
  prepared(
    db,
    `INSERT INTO es_key_encryption (id, current_kek) VALUES (1, ?)
     ON CONFLICT (id) DO UPDATE SET current_kek = excluded.current_kek`,
  ).run(id)
}

/** The version to wrap a new key under: the recorded one, else the holder's current. */
export const versionForNewKey = async (
  recorded: string | null,
  keks: KeyEncryptionKeys,
  subjectId: string,
): Promise<KekVersion> => {
  if (recorded === null) return keks.current()
  const key = await keks.get(recorded)
  if (key === null) throw new KeyEncryptionKeyMissingError(subjectId, recorded)
  return { id: recorded, key }
}

/** A re-wrap met a version it had not fetched (another process re-wrapped in between): try again. */
export class StaleRewrap extends Error {}

export interface RewrapPlan {
  readonly next: KekVersion
  /** The versions live keys were under when planned; null for one the holder does not have. */
  readonly versions: ReadonlyMap<string, Uint8Array | null>
}

/** The versions live keys are under now. */
export const versionsInUse = (db: Database.Database): string[] =>
  (
    prepared(
      db,
      'SELECT DISTINCT kek FROM es_subject_keys WHERE key IS NOT NULL AND kek IS NOT NULL',
    ).all() as Array<{ kek: string }>
  ).map((r) => r.kek)

/** Before the transaction: the keys of these versions, and a new version. */
export const planRewrap = async (
  ids: ReadonlyArray<string>,
  keks: KeyEncryptionKeys,
): Promise<RewrapPlan> => {
  const versions = new Map<string, Uint8Array | null>()
  for (const id of ids) versions.set(id, await keks.get(id))
  return { next: await keks.rotate(), versions }
}

/**
 * In the transaction: wrap every live key under the plan's new version (a key stored as it is,
 * from before key-encryption keys, is wrapped too), record that version as current, and record the
 * versions replaced (with `alsoRetired`, the forgotten key's) in `es_kek_retired`.
 */
export const rewrapAll = (db: Database.Database, plan: RewrapPlan, alsoRetired: string | null): void => {
  const rows = prepared(
    db,
    'SELECT rowid, subject_id, key, kek FROM es_subject_keys WHERE key IS NOT NULL',
  ).all() as Array<{ rowid: number; subject_id: string; key: Buffer; kek: string | null }>
  const update = prepared(db, 'UPDATE es_subject_keys SET key = ?, kek = ? WHERE rowid = ?')
  const retired = new Set<string>(alsoRetired === null ? [] : [alsoRetired])
  for (const r of rows) {
    let key: Uint8Array = r.key
    if (r.kek !== null) {
      const kek = plan.versions.get(r.kek)
      if (kek === undefined) throw new StaleRewrap(`${r.subject_id} is wrapped under ${r.kek}`)
      if (kek === null) throw new KeyEncryptionKeyMissingError(r.subject_id, r.kek)
      key = unwrapKey({ id: r.kek, key: kek }, r.subject_id, r.key)
      retired.add(r.kek)
    }
    update.run(Buffer.from(wrapKey(plan.next, r.subject_id, key)), plan.next.id, r.rowid)
  }
  const previous = recordedVersion(db)
  if (previous !== null) retired.add(previous)
  recordVersion(db, plan.next.id)
  const retire = prepared(
    db,
    'INSERT INTO es_kek_retired (id, retired_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
  )
  const now = new Date().toISOString()
  for (const id of retired) retire.run(id, now)
}

/**
 * After the commit: destroy every retired version (earlier failures included), then drop them from
 * the list. `run` runs synchronous work on the connection. Null when all went well.
 */
export const destroyRetired = async (
  run: <T>(work: () => T) => Promise<T>,
  db: Database.Database,
  keks: KeyEncryptionKeys,
): Promise<Erasure | null> => {
  const ids = await run(() =>
    (prepared(db, 'SELECT id FROM es_kek_retired').all() as Array<{ id: string }>).map((r) => r.id),
  )
  if (ids.length === 0) return null
  try {
    await keks.destroy(ids)
  } catch (error) {
    return {
      state: 'pending',
      reason: `the keys are re-wrapped under a new key-encryption key, but the older ones (${ids.join(', ')}) could not be destroyed (${(error as Error).message}); call completeErasure()`,
    }
  }
  await run(() => {
    const drop = prepared(db, 'DELETE FROM es_kek_retired WHERE id = ?')
    for (const id of ids) drop.run(id)
  })
  return null
}
