import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import {
  type Anchor,
  anchorToJson,
  createLogCheckpointer,
  generateAuditKeys,
  parseAnchor,
} from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run, tempDir, writeSqliteLog } from './fixtures.js'

// `dealer-crm verify` with the signed head a log checkpointer keeps in the SQLite file, a public key
// and an anchor file; the edits are made with SQL on copies of the file.

const dir = tempDir()
const file = (name: string) => join(dir.path, name)
const signed = file('signed.db')
const publicKey = file('dealer.pub.pem')
const keys = generateAuditKeys()
let head: Anchor

beforeAll(async () => {
  await writeSqliteLog(signed)
  writeFileSync(publicKey, keys.publicKey)
  const store = createSqliteEventStore({ path: signed, registry: dealershipRegistry })
  head = await createLogCheckpointer({
    log: store.log,
    checkpoints: store.checkpoints,
    privateKey: keys.privateKey,
  }).checkpoint()
  await store.close()
})
afterAll(() => dir.remove())

const copy = async (name: string, sql: string): Promise<string> => {
  const path = file(name)
  copyFileSync(signed, path)
  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  store.database.exec(sql)
  await store.close()
  return path
}

const finding = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('dealer-crm:'))

describe('verify with a signed head, a public key and anchors', () => {
  it('checks the stored head, prints what it checked and writes the new anchor with --anchor-out', async () => {
    const out = file('anchor-1.json')
    const r = await run('verify', '--db', signed, '--public-key', publicKey, '--anchor-out', out)
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'verified 32 events in 8 streams: every hash chain is intact',
      'global positions have no gaps; the log matches the stored head (32 events, signature valid)',
    ])
    const kept = parseAnchor(JSON.parse(readFileSync(out, 'utf8')))
    expect(kept).toEqual(head)
    expect(r.stdout.split('\n')[2]).toBe(`anchor to keep: ${readFileSync(out, 'utf8').trim()}`)

    const again = await run('verify', '--db', signed, '--public-key', publicKey, '--anchor', out, '--json')
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({
      ok: true,
      events: 32,
      anchor: { format: 1, position: '32', count: 32, root: head.root, keyId: head.keyId },
      checked: [
        { source: 'stored head', signature: 'valid' },
        { source: 'anchor 1', signature: 'valid' },
      ],
    })
  })

  it('names truncation against the anchor and exits 1, even with the stored head deleted too', async () => {
    const anchor = file('anchor-2.json')
    writeFileSync(anchor, JSON.stringify(anchorToJson(head)))
    const truncated = await copy(
      'truncated.db',
      'DELETE FROM es_events WHERE position > 25; DELETE FROM es_checkpoints',
    )
    const out = file('not-written.json')
    const r = await run('verify', '--db', truncated, '--anchor', anchor, '--anchor-out', out)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(finding(r.stderr)).toEqual([
      `dealer-crm: verify: truncated: the log holds 25 events up to global position 25, but --anchor ${anchor} (32 events to global position 32) covers more: events were deleted`,
    ])
    expect(existsSync(out)).toBe(false)
  })

  it('names a deleted stored head when a public key is given, and a swap against the stored head', async () => {
    const headless = await copy('headless.db', 'DELETE FROM es_checkpoints')
    const r = await run('verify', '--db', headless, '--public-key', publicKey)
    expect(r.code).toBe(1)
    expect(finding(r.stderr)[0]).toMatch(/^dealer-crm: verify: bad-head: the store holds no signed head/)
    const swapped = await copy(
      'swapped.db',
      `CREATE TEMP TABLE pair AS SELECT x.position AS a FROM es_events x JOIN es_events y
         ON y.position = x.position + 1 AND x.stream_name <> y.stream_name ORDER BY x.position LIMIT 1;
       UPDATE es_events SET position = -1 WHERE position = (SELECT a FROM pair);
       UPDATE es_events SET position = (SELECT a FROM pair) WHERE position = (SELECT a + 1 FROM pair);
       UPDATE es_events SET position = (SELECT a + 1 FROM pair) WHERE position = -1;`,
    )
    const s = await run('verify', '--db', swapped, '--public-key', publicKey)
    expect(s.code).toBe(1)
    expect(finding(s.stderr)[0]).toMatch(
      /^dealer-crm: verify: head-mismatch: the log's first 32 events do not match the stored head/,
    )
  })

  it('refuses an unreadable anchor, a malformed one and a file that is no public key with exit 2, writing nothing', async () => {
    const out = file('never.json')
    const bad = file('bad-anchor.json')
    writeFileSync(bad, JSON.stringify({ format: 1, position: '30', count: 'thirty' }))
    const notJson = file('not-json.json')
    writeFileSync(notJson, 'anchor?')
    for (const [args, message] of [
      [
        ['--anchor', file('missing.json')],
        /^dealer-crm: verify: --anchor .*missing\.json: cannot read it \(ENOENT\)/,
      ],
      [['--anchor', notJson], /^dealer-crm: verify: --anchor .*not-json\.json: not JSON/],
      [
        ['--anchor', bad],
        /^dealer-crm: verify: --anchor .*bad-anchor\.json: count is not a non-negative integer/,
      ],
      [['--public-key', bad], /^dealer-crm: verify: --public-key .*bad-anchor\.json: not a PEM public key/],
    ] as const) {
      const r = await run('verify', '--db', signed, ...args, '--anchor-out', out)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
    }
    expect(existsSync(out)).toBe(false)
  })
})
