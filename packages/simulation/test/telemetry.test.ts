import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { leakedInto, personalValues } from '../../dealership/test/personal-values.js'
import { installTelemetry } from '../../eventsourcing/test/telemetry-support.js'
import { runSimulation } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'simulation-telemetry-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the demo under OpenTelemetry', () => {
  it("puts none of the customers' personal data in any span or metric", async () => {
    const path = join(dir, 'demo.sqlite')
    const telemetry = installTelemetry()
    let exported: string
    try {
      const result = await runSimulation({ path, customers: 40, days: 120, seed: 3 })
      expect(result.events).toBeGreaterThan(300)
      exported = await telemetry.exportedText()
    } finally {
      await telemetry.uninstall()
    }
    const store = createSqliteEventStore({ path, registry: dealershipRegistry })
    const personal = await personalValues(store)
    await store.close()
    expect(personal.size).toBeGreaterThan(80)
    expect(exported).toContain('"dealer_crm.domain":"referral-verification"')
    expect(leakedInto(exported, personal)).toEqual([])
  })
})
