import { describe, expect, it } from 'vitest'
import { documentFromRow, versionFromRow } from '../src/projections/read-model-rows.js'

describe('read-model rows of the SQL stores', () => {
  it('a document row holds its data and keys as JSON text', () => {
    expect(documentFromRow({ id: 'c-1', data: '{"n":1}', keys: '{"customer":"c-1","due":null}' })).toEqual({
      id: 'c-1',
      data: { n: 1 },
      keys: { customer: 'c-1', due: null },
    })
  })

  it('a version row reads the same from PostgreSQL (text, boolean) and SQLite (bigint, 0/1)', () => {
    const expected = { name: 'm', version: 2, position: 41n, live: true }
    expect(versionFromRow('m', { version: 2, position: '41', live: true })).toEqual(expected)
    expect(versionFromRow('m', { version: 2n, position: 41n, live: 1n })).toEqual(expected)
    expect(versionFromRow('m', { version: 2, position: '41', live: false }).live).toBe(false)
    expect(versionFromRow('m', { version: 2n, position: 41n, live: 0n }).live).toBe(false)
  })
})
