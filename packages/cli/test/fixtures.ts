import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDealership, type DealershipStore, dealershipRegistry } from '@dealer-crm/dealership'
import { type CheckpointStore, manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, beforeAll } from 'vitest'
import {
  complaintId,
  complaintSteps,
  liSi,
  mondayAt,
  referralId,
  referralSteps,
  registerProspect,
  salesConsultant,
  zhangSan,
} from '../../dealership/test/fixtures.js'
import { type Io, main } from '../src/index.js'

/** Run the CLI in-process with captured output. */
export const run = async (...argv: string[]) => {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

export const tempDir = (): { readonly path: string; readonly remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), 'dealer-crm-cli-'))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

export const start = '2026-03-02T01:00:00.000Z'
/** Commands of the fixture carry this time plus whole hours (the dealership tests' Monday 09:00 China time). */
export const hoursAfterStart = mondayAt
/** The first event of the complaint is recorded at this hour; everything before is the "earlier" state. */
export const complaintHour = 72
export { complaintId, liSi, referralId, zhangSan }
export const wangWu = { customerId: 'wang-wu', name: '王五', phone: '13700137000' }
const consultant = salesConsultant

/**
 * A small dealership log written through the facade: three customers (one delivered), a verified
 * referral with its reward, a complaint with goodwill points, and the member the process managers
 * enrol. The store's clock follows each command's time, so recorded times tell the story.
 */
export const writeDealershipLog = async (
  open: (
    clock: ReturnType<typeof manualClock>,
  ) => Promise<{ store: DealershipStore; checkpoints?: CheckpointStore }>,
): Promise<void> => {
  const clock = manualClock(start)
  const { store, checkpoints } = await open(clock)
  const dealership = createDealership({
    store,
    clock,
    random: seededRandom(9),
    ...(checkpoints === undefined ? {} : { checkpoints }),
  })
  const at = (hours: number) => clock.set(hoursAfterStart(hours))
  const visit = { actor: consultant, correlationId: 'showroom-visit-1' }
  at(0)
  await dealership.customerLifecycle(registerProspect(zhangSan, hoursAfterStart(0)), visit)
  at(1)
  await dealership.customerLifecycle(
    {
      type: 'RecordDelivery',
      data: {
        customerId: zhangSan.customerId,
        at: hoursAfterStart(1),
        by: consultant,
        vin: 'LSVAU2180N2183294',
        model: 'Sagitar',
        colour: 'white',
        plate: '粤B12345',
        mileageKm: 12,
        previousOwnerId: null,
      },
    },
    { ...visit, commandId: 'delivery-zhang-san' },
  )
  at(2)
  await dealership.customerLifecycle(registerProspect(liSi, hoursAfterStart(2)), { actor: consultant })
  await dealership.customerLifecycle(registerProspect(wangWu, hoursAfterStart(2)), { actor: consultant })
  const referral = referralSteps(hoursAfterStart)
  for (const [i, step] of referral.entries()) {
    at(24 + i)
    await dealership.referralVerification(step, { correlationId: referralId })
  }
  at(60)
  const first = await dealership.runProcessManagers()
  if (first.rejections.length > 0) throw new Error(`fixture: ${JSON.stringify(first.rejections)}`)
  for (const step of complaintSteps(hoursAfterStart, 500)) {
    at(Date.parse(step.data.at) / 3_600_000 - Date.parse(start) / 3_600_000)
    await dealership.complaintWorkflow(step, { correlationId: complaintId })
  }
  at(90)
  const second = await dealership.runProcessManagers()
  if (second.rejections.length > 0) throw new Error(`fixture: ${JSON.stringify(second.rejections)}`)
  await dealership.close()
}

/** The fixture's log in a new SQLite file. */
export const writeSqliteLog = (path: string): Promise<void> =>
  writeDealershipLog(async (clock) => {
    const store = createSqliteEventStore({ path, registry: dealershipRegistry, clock })
    return { store, checkpoints: store.checkpoints }
  })

/**
 * The fixture's log in a SQLite file of a temporary folder, written once before a test file's tests
 * and removed after them; `file(name)` names another file in the same folder.
 */
export const sqliteLogPerFile = (): { readonly db: string; readonly file: (name: string) => string } => {
  const dir = tempDir()
  const db = join(dir.path, 'dealer.db')
  beforeAll(() => writeSqliteLog(db))
  afterAll(() => dir.remove())
  return { db, file: (name: string) => join(dir.path, name) }
}

/** A JSON object the CLI printed. */
export const json = (text: string) => JSON.parse(text) as Record<string, unknown>

/** Who reads personal data and why, for the commands that decrypt or erase it (recorded in the access log). */
export const reader = ['--as', 'auditor-qian', '--purpose', 'audit of the test log'] as const
