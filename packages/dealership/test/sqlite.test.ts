import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { createDealership, dealershipRegistry } from '../src/index.js'
import { liSi, mondayAt, recordDelivery, referralSteps, registerProspect, zhangSan } from './fixtures.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('the facade on the SQLite store', () => {
  it('keeps process-manager checkpoints in the file: a restart resumes and repeats nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dealership-'))
    dirs.push(dir)
    const path = join(dir, 'dealer.db')
    const clock = manualClock(mondayAt(0))
    const open = () => {
      const store = createSqliteEventStore({ path, registry: dealershipRegistry, clock })
      return createDealership({ store, clock, random: seededRandom(11), checkpoints: store.checkpoints })
    }

    const first = open()
    await first.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
    await first.customerLifecycle(recordDelivery())
    await first.customerLifecycle(registerProspect(liSi, mondayAt(2)))
    for (const step of referralSteps(mondayAt)) await first.referralVerification(step)
    const run = await first.runProcessManagers()
    expect(run.rejections).toEqual([])
    await first.close()

    const again = open()
    // The restart moves over what the first run's commands appended and repeats none of them: a
    // second run then finds nothing new (a repeated command would have appended past the first).
    const resumed = await again.runProcessManagers()
    expect(resumed.rejections).toEqual([])
    for (const [name, position] of Object.entries(resumed.positions))
      expect(position).toBeGreaterThanOrEqual(run.positions[name] as bigint)
    expect((await again.runProcessManagers()).positions).toEqual(resumed.positions)
    clock.set(mondayAt(60))
    const view = await again.customer360(zhangSan.customerId)
    expect(view?.profile.name).toBe(zhangSan.name)
    expect(view?.membership?.balance).toBe(5_000)
    expect(view?.segment.referralPotential).toBe('high')
    await again.close()
  })
})
