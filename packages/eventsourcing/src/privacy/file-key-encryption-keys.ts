import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import type { KekVersion, KeyEncryptionKeys } from './key-encryption.js'

interface KekFile {
  readonly format: 1
  /** The number of the next version: ids are never reused. */
  readonly next: number
  /** Oldest first; the last one is current. */
  readonly versions: ReadonlyArray<{ readonly id: string; readonly key: string; readonly createdAt: string }>
}

const isKekFile = (u: unknown): u is KekFile => {
  if (typeof u !== 'object' || u === null) return false
  const f = u as Partial<KekFile>
  return (
    f.format === 1 &&
    Number.isSafeInteger(f.next) &&
    Array.isArray(f.versions) &&
    f.versions.every(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof v.id === 'string' &&
        typeof v.key === 'string' &&
        Buffer.from(v.key, 'base64').length === 32,
    )
  )
}

const errorCode = (error: unknown): unknown => (error as { code?: unknown }).code

const fsyncDirectory = (path: string) => {
  const fd = openSync(dirname(path), 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Replace the file: the new content is written to a temporary file, synced and renamed over it;
 * then the old file's bytes — still reachable through a descriptor opened before the rename — are
 * overwritten with zeros and synced, so a destroyed version does not stay in the old file's blocks
 * (on file systems that write in place; see docs/privacy.md).
 */
const replaceFile = (path: string, content: string) => {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const fd = openSync(temporary, 'wx', 0o600)
  try {
    writeSync(fd, content)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  let old: number | null = null
  try {
    old = openSync(path, 'r+')
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
  try {
    renameSync(temporary, path)
    fsyncDirectory(path)
    if (old !== null) {
      const size = fstatSync(old).size
      writeSync(old, Buffer.alloc(size), 0, size, 0)
      fsyncSync(old)
    }
  } finally {
    if (old !== null) closeSync(old)
  }
}

const newVersion = (number: number): KekFile['versions'][number] => ({
  id: `kek-${number}`,
  key: randomBytes(32).toString('base64'),
  createdAt: new Date().toISOString(),
})

const asVersion = (v: KekFile['versions'][number]): KekVersion => ({
  id: v.id,
  key: new Uint8Array(Buffer.from(v.key, 'base64')),
})

/**
 * Key-encryption keys in a JSON file of their own (mode 0600), created with a first version on
 * first use. Keep it beside the database but back it up apart from it: a backup of the database is
 * readable only with the versions its keys are wrapped under, and a version destroyed here makes
 * every copy wrapped under it unreadable, in backups too. Processes that share a store share the
 * file (it is re-read when it changes).
 */
export const fileKeyEncryptionKeys = (path: string): KeyEncryptionKeys => {
  let cached: { readonly stat: Stats; readonly file: KekFile } | null = null

  const read = (): KekFile | null => {
    let stat: Stats
    try {
      stat = statSync(path)
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null
      throw error
    }
    if (
      cached !== null &&
      cached.stat.ino === stat.ino &&
      cached.stat.mtimeMs === stat.mtimeMs &&
      cached.stat.size === stat.size
    )
      return cached.file
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (!isKekFile(parsed)) throw new Error(`${path} is not a key-encryption key file (format 1)`)
    cached = { stat, file: parsed }
    return parsed
  }

  const write = (file: KekFile) => {
    replaceFile(path, `${JSON.stringify(file, null, 2)}\n`)
    cached = null
  }

  const currentOf = (file: KekFile | null): KekVersion | null => {
    const last = file?.versions[file.versions.length - 1]
    return last === undefined ? null : asVersion(last)
  }

  return {
    current: async () => {
      const found = currentOf(read())
      if (found !== null) return found
      const first: KekFile = { format: 1, next: 2, versions: [newVersion(1)] }
      try {
        // Exclusive create: of two processes starting together, one writes and both then read it.
        const fd = openSync(path, 'wx', 0o600)
        try {
          writeSync(fd, `${JSON.stringify(first, null, 2)}\n`)
          fsyncSync(fd)
        } finally {
          closeSync(fd)
        }
        fsyncDirectory(path)
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error
      }
      const created = currentOf(read())
      if (created === null) throw new Error(`${path} holds no key-encryption key`)
      return created
    },
    get: async (id) => {
      const version = read()?.versions.find((v) => v.id === id)
      return version === undefined ? null : asVersion(version).key
    },
    rotate: async () => {
      const file = read() ?? { format: 1 as const, next: 1, versions: [] }
      const added = newVersion(file.next)
      write({ format: 1, next: file.next + 1, versions: [...file.versions, added] })
      return asVersion(added)
    },
    destroy: async (ids) => {
      const file = read()
      if (file === null || ids.length === 0) return
      const current = file.versions[file.versions.length - 1]
      if (current !== undefined && ids.includes(current.id))
        throw new Error(`${path}: refusing to destroy the current key-encryption key ${current.id}`)
      const kept = file.versions.filter((v) => !ids.includes(v.id))
      if (kept.length === file.versions.length) return
      write({ format: 1, next: file.next, versions: kept })
    },
  }
}
