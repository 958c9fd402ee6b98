import { createCipheriv } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { type Sealed, unseal } from '@dealer-crm/eventsourcing'

/** A sealed field of a person and the plaintext it holds (known to the test that wrote it). */
export interface SealedSample {
  readonly sealed: Sealed
  readonly plaintext: string
}

/** A window of a file that decrypts a sample: the key of that person is still in the file. */
export interface KeyFound {
  readonly file: string
  readonly offset: number
  readonly subjectId: string
}

/**
 * The first keystream block of an AES-256-GCM ciphertext with a 12-byte IV is AES_K(IV ‖ 0x00000002);
 * XORed with the ciphertext's first bytes it gives the plaintext's. So a window K is the key of a
 * sample only if AES_K(counter block) matches ct ⊕ pt on the ciphertext's first (up to 16) bytes:
 * one AES key schedule per window tests every sample at once (a full AES-GCM decrypt per window and
 * sample would take minutes). Every window that passes is then confirmed with `unseal` (the real
 * AES-GCM decryption, tag checked), so what is reported truly decrypts.
 */
const expectations = (samples: ReadonlyArray<SealedSample>) => {
  const counters = Buffer.alloc(16 * samples.length)
  const keystream = samples.map((sample, i) => {
    Buffer.from(sample.sealed.iv, 'base64').copy(counters, 16 * i)
    counters.writeUInt32BE(2, 16 * i + 12)
    const ct = Buffer.from(sample.sealed.ct, 'base64')
    const pt = Buffer.from(sample.plaintext, 'utf8')
    const n = Math.min(16, ct.length)
    if (n < 8) throw new Error(`a sample's ciphertext is too short to test cheaply (${n} bytes)`)
    const expected = Buffer.alloc(n)
    for (let j = 0; j < n; j++) expected[j] = (ct[j] as number) ^ (pt[j] as number)
    return expected
  })
  return { counters, keystream }
}

const decrypts = (key: Buffer, sample: SealedSample): boolean => {
  try {
    return unseal(key, sample.sealed) === sample.plaintext
  } catch {
    return false
  }
}

/**
 * Try every 32-byte window of each file (at every byte offset) as the AES-256 key of each sample.
 * Windows of 32 zero bytes are tried once per file.
 */
export const scanForKeys = (
  paths: ReadonlyArray<string>,
  samples: ReadonlyArray<SealedSample>,
): KeyFound[] => {
  const found: KeyFound[] = []
  if (samples.length === 0) return found
  const { counters, keystream } = expectations(samples)
  for (const path of paths) {
    if (!existsSync(path)) continue
    const bytes = readFileSync(path)
    let zeros = 0
    let zeroTried = false
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) zeros++
      if (i >= 32 && bytes[i - 32] === 0) zeros--
      if (i < 31) continue
      const start = i - 31
      if (zeros === 32) {
        if (zeroTried) continue
        zeroTried = true
      }
      const key = bytes.subarray(start, start + 32)
      const cipher = createCipheriv('aes-256-ecb', key, null)
      cipher.setAutoPadding(false)
      const out = cipher.update(counters)
      for (let s = 0; s < samples.length; s++) {
        const expected = keystream[s] as Buffer
        if (out.compare(expected, 0, expected.length, 16 * s, 16 * s + expected.length) !== 0) continue
        const sample = samples[s] as SealedSample
        if (decrypts(Buffer.from(key), sample))
          found.push({ file: path, offset: start, subjectId: sample.sealed.s })
      }
    }
  }
  return found
}

/** The subjects whose key bytes appear, as they are, in one of the files (a quick exact search). */
export const holding = (paths: ReadonlyArray<string>, keys: ReadonlyMap<string, Buffer>): string[] => {
  const contents = paths.filter((p) => existsSync(p)).map((p) => readFileSync(p))
  return [...keys].filter(([, key]) => contents.some((c) => c.includes(key))).map(([s]) => s)
}

/** The files SQLite may keep a database's pages in. */
export const sqliteFiles = (path: string): string[] =>
  ['', '-wal', '-journal', '-shm'].map((s) => `${path}${s}`)
