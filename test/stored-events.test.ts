import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { main } from '@dealer-crm/cli'
import { createDealership, dealershipRegistry } from '@dealer-crm/dealership'
import { manualClock, seededRandom, verify } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'

// Events written by the code of commit d83f892 (2026-12-02), before the domain packages moved to one
// vocabulary: they must keep reading, through upcasters where an event's codec changed.
// - domain-events-d83f892.ndjson: up to four events of each of the 82 event types, in their encoded
//   (stored, unsealed) form, taken from the domain packages' own tests and arbitraries;
// - demo-export-d83f892.ndjson.gz: `dealer-crm export --with-keys` of `dealer-crm demo --customers 40
//   --days 240 --seed 3`: 1,271 events of 75 streams, personal fields sealed, with the key vault.

const fixtures = new URL('./fixtures/', import.meta.url)

interface StoredDomainEvent {
  readonly type: string
  readonly schemaVersion: number
  readonly data: unknown
}

const storedEvents: StoredDomainEvent[] = readFileSync(
  new URL('domain-events-d83f892.ndjson', fixtures),
  'utf8',
)
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as StoredDomainEvent)

describe('events stored by earlier code keep reading', () => {
  /** Event types registered since d83f892: nothing stored before then can hold them. */
  const introducedSince = ['RefereeReserved', 'RefereeReleased', 'PersonalDataAccessed']

  it('the fixture holds every event type the dealership registered at d83f892', () => {
    const registered = [...dealershipRegistry.types].filter((type) => !introducedSince.includes(type))
    expect(new Set(storedEvents.map((e) => e.type))).toEqual(new Set(registered))
  })

  it('each stored event decodes, at its stored schema version, to what its current codec accepts', () => {
    const failures = storedEvents.flatMap((e, i) => {
      const definition = dealershipRegistry.get(e.type)
      if (definition === undefined) return [`line ${i + 1}: ${e.type} is no longer registered`]
      const read = definition.decodeVersion(e.schemaVersion, e.data)
      if (read._tag === 'Left') return [`line ${i + 1}: ${e.type} v${e.schemaVersion} does not decode`]
      const again = definition.codec.decode(definition.codec.encode(read.right))
      return again._tag === 'Left' ? [`line ${i + 1}: ${e.type} does not survive encode and decode`] : []
    })
    expect(failures).toEqual([])
  })

  describe('an export of the demo imports, verifies and gives the same figures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-stored-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'demo.ndjson')
    const db = join(dir, 'demo.db')
    writeFileSync(file, gunzipSync(readFileSync(new URL('demo-export-d83f892.ndjson.gz', fixtures))))

    it('imports through the command line', async () => {
      let stderr = ''
      const io = { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } }
      expect(await main(['import', file, '--db', db], io), stderr).toBe(0)
    })

    it('verifies and folds into the read models the earlier code computed', async () => {
      const clock = manualClock('2026-08-29T00:00:00Z')
      const store = createSqliteEventStore({ path: db, registry: dealershipRegistry, clock })
      expect(await verify(store)).toMatchObject({ ok: true, events: 1271, streams: 75 })
      const dealership = createDealership({ store, clock, random: seededRandom(1) })
      const figures = {
        lifecycle: await dealership.readModel('lifecycleMetrics'),
        referrals: await dealership.readModel('referralMetrics'),
        complaints: await dealership.readModel('complaintMetrics'),
        loyalty: await dealership.readModel('loyaltyTotals'),
        customer: await dealership.customer360('c-00022'),
      }
      await dealership.close()
      expect(JSON.parse(JSON.stringify(figures, plain))).toEqual(expected)
    })
  })
})

/** Maps and sets as JSON objects and arrays, so that the comparison sees their contents. */
const plain = (_key: string, value: unknown): unknown =>
  value instanceof Map ? Object.fromEntries(value) : value instanceof Set ? [...value] : value

const expected = JSON.parse(
  readFileSync(new URL('demo-export-d83f892.figures.json', fixtures), 'utf8'),
) as unknown
