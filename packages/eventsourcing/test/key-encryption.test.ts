import { linkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fileKeyEncryptionKeys, unwrapKey, wrapKey } from '../src/index.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dealer-crm-kek-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('wrapKey / unwrapKey', () => {
  const kek = { id: 'kek-1', key: new Uint8Array(32).fill(7) }
  const key = new Uint8Array(32).fill(9)

  it('unwraps what it wrapped, only with the same version and subject', () => {
    const wrapped = wrapKey(kek, 'zhang-san', key)
    expect(wrapped).toHaveLength(60)
    expect(unwrapKey(kek, 'zhang-san', wrapped)).toEqual(key)
    expect(() => unwrapKey(kek, 'li-si', wrapped)).toThrow()
    expect(() => unwrapKey({ id: 'kek-2', key: kek.key }, 'zhang-san', wrapped)).toThrow()
    expect(() => unwrapKey({ id: 'kek-1', key: new Uint8Array(32) }, 'zhang-san', wrapped)).toThrow()
    const altered = Uint8Array.from(wrapped)
    altered[20] = (altered[20] as number) ^ 1
    expect(() => unwrapKey(kek, 'zhang-san', altered)).toThrow()
    expect(() => unwrapKey(kek, 'zhang-san', wrapped.subarray(0, 28))).toThrow('too short')
  })
})

describe('fileKeyEncryptionKeys', () => {
  it('creates a first version on first use, in a file only its owner reads', async () => {
    const path = join(dir, 'keys.json')
    const holder = fileKeyEncryptionKeys(path)
    const first = await holder.current()
    expect(first.id).toBe('kek-1')
    expect(first.key).toHaveLength(32)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(await fileKeyEncryptionKeys(path).current()).toEqual(first)
  })

  it('rotates to new versions, never reusing an id, and destroys the ones named (never the current)', async () => {
    const path = join(dir, 'keys.json')
    const holder = fileKeyEncryptionKeys(path)
    const first = await holder.current()
    const second = await holder.rotate()
    expect(second.id).toBe('kek-2')
    expect(await holder.current()).toEqual(second)
    expect(await holder.get(first.id)).toEqual(first.key)
    await expect(holder.destroy([second.id])).rejects.toThrow('refusing to destroy the current')
    await holder.destroy([first.id])
    expect(await holder.get(first.id)).toBeNull()
    expect(readFileSync(path, 'utf8')).not.toContain(Buffer.from(first.key).toString('base64'))
    // Another process sharing the file sees the change.
    expect(await fileKeyEncryptionKeys(path).get(first.id)).toBeNull()
    expect((await holder.rotate()).id).toBe('kek-3')
    await holder.destroy(['kek-99', first.id])
    expect(await holder.get('kek-2')).not.toBeNull()
    expect(await holder.get('kek-3')).not.toBeNull()
  })

  it("overwrites the old file's bytes with zeros when it replaces the file", async () => {
    const path = join(dir, 'keys.json')
    const holder = fileKeyEncryptionKeys(path)
    const first = await holder.current()
    await holder.rotate()
    // A second name for the file as it is now: it keeps the old inode after the file is replaced.
    linkSync(path, join(dir, 'old-inode'))
    await holder.destroy(['kek-1'])
    const old = readFileSync(join(dir, 'old-inode'))
    expect(old.length).toBeGreaterThan(0)
    expect(old.every((b) => b === 0)).toBe(true)
    expect(readFileSync(path, 'utf8')).not.toContain(Buffer.from(first.key).toString('base64'))
  })

  it('refuses a file that is not a key-encryption key file, changing nothing', async () => {
    const path = join(dir, 'keys.json')
    writeFileSync(path, '{"format":1,"next":2,"versions":[{"id":"kek-1","key":"c2hvcnQ="}]}')
    await expect(fileKeyEncryptionKeys(path).current()).rejects.toThrow('not a key-encryption key file')
    expect(readFileSync(path, 'utf8')).toContain('c2hvcnQ=')
  })
})
