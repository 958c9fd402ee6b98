import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { audit } from '../src/audit.js'
import { embed } from '../src/embed.js'
import { plainSql } from '../src/plain-sql.js'

const here = (path: string) => new URL(path, import.meta.url)

describe('the README tour', () => {
  it('every tour file appears verbatim in the README', () => {
    const readme = readFileSync(here('../../../README.md'), 'utf8')
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
    for (const file of [
      'src/embed.ts',
      'src/deliveries-by-model.ts',
      'src/audit.ts',
      'src/plain-sql.ts',
      'test/my-policy.test.ts',
    ])
      expect(blocks, `README.md shows ${file} as it is`).toContain(readFileSync(here(`../${file}`), 'utf8'))
  })

  it('embedding, then replaying the same file for an audit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-tour-'))
    try {
      const path = join(dir, 'dealership.db')
      const view = await embed(path)
      expect(view?.stage).toBe('owner')
      expect(view?.vehicles.map((v) => v.vin)).toEqual(['LSVAU218XN2183294'])
      expect(view?.membership).not.toBeNull()

      const { chain, trail, now, then } = await audit(path)
      expect(chain).toMatchObject({ ok: true })
      expect(trail).toContain('ProspectRegistered')
      expect(trail).toContain('VehicleDelivered')
      expect(trail).toContain('consultant-wang')
      expect(now).toEqual({ Sagitar: 1 })
      expect(then).toEqual({})

      const { customer, openComplaints } = await plainSql(path)
      expect(customer).toEqual({ stage: 'owner', level: 'standard' })
      expect(openComplaints).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
