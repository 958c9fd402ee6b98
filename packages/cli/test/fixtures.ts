import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDealership, type DealershipStore, dealershipRegistry } from '@dealer-crm/dealership'
import {
  type CheckpointStore,
  keyedHash,
  manualClock,
  normalizePhone,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
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

const phoneHash = (phone: string) => keyedHash('cli-test-secret', normalizePhone(phone))

export const start = '2026-03-02T01:00:00.000Z'
/** Commands of the fixture carry this time plus whole hours; the store's clock follows them. */
export const hoursAfterStart = (hours: number): string =>
  new Date(Date.parse(start) + hours * 3_600_000).toISOString()

const consultant = { id: 'consultant-wang', role: 'sales-consultant' }
const dutyManager = { id: 'duty-manager-liu', role: 'duty-manager' }
const showroomManager = { id: 'showroom-manager-chen', role: 'showroom-manager' }
const caller = { id: 'call-back-zhou', role: 'call-back-staff' }
const advisor = { id: 'advisor-wang', role: 'service-advisor' }
const serviceManager = { id: 'manager-li', role: 'service-manager' }

export const zhangSan = { customerId: 'zhang-san', name: '张三', phone: '13800138000' }
export const liSi = { customerId: 'li-si', name: '李四', phone: '13900139000' }
export const wangWu = { customerId: 'wang-wu', name: '王五', phone: '13700137000' }
export const referralId = 'ref-0001'
export const complaintId = 'cmp-0001'
/** The first event of the complaint is recorded at this hour; everything before is the "earlier" state. */
export const complaintHour = 72

const registerProspect = (c: typeof zhangSan, at: string) => ({
  type: 'RegisterProspect',
  data: {
    customerId: c.customerId,
    at,
    by: consultant,
    source: 'showroom',
    kind: 'person',
    name: c.name,
    phone: c.phone,
    phoneHash: phoneHash(c.phone),
    birthday: null,
  },
})

const referralSteps = () => [
  {
    type: 'RegisterReferral',
    data: {
      referralId,
      referee: {
        customerId: liSi.customerId,
        name: liSi.name,
        phone: liSi.phone,
        phoneHash: phoneHash(liSi.phone),
        purchase: { model: 'Golf', colour: 'red', gearbox: 'manual' },
      },
      referrer: {
        customerId: zhangSan.customerId,
        name: zhangSan.name,
        phone: zhangSan.phone,
        phoneHash: phoneHash(zhangSan.phone),
        vehicle: { model: 'Sagitar', colour: 'white', gearbox: 'automatic' },
      },
      reportedBy: consultant,
      registeredBy: dutyManager,
      refereeDeliveredAt: null,
      refereeLiveReferralId: null,
      at: hoursAfterStart(24),
    },
  },
  {
    type: 'ScreenReferral',
    data: { referralId, by: consultant, ownersReferral: true, referrerHelped: true, at: hoursAfterStart(25) },
  },
  {
    type: 'CheckAtDelivery',
    data: { referralId, by: showroomManager, licenceMatches: true, at: hoursAfterStart(48) },
  },
  {
    type: 'ScheduleCallBack',
    data: {
      referralId,
      by: caller,
      verifierId: caller.id,
      draw: {
        callee: 'referee',
        questions: [
          { kind: 'ask', topic: 'workplace' },
          { kind: 'ask', topic: 'how-they-know-each-other' },
          { kind: 'false-statement', asserted: { model: 'Jetta', colour: 'black', gearbox: null } },
        ],
      },
      at: hoursAfterStart(49),
    },
  },
  {
    type: 'RecordCallBackAnswers',
    data: { referralId, verifier: caller, answers: ['right', 'right', 'right'], at: hoursAfterStart(50) },
  },
  {
    type: 'ReleaseReward',
    data: {
      referralId,
      by: showroomManager,
      kind: 'loyalty-points',
      referrerStanding: { successfulReferralsBefore: 0, blocked: false },
      at: hoursAfterStart(51),
    },
  },
]

const complaintSteps = () => {
  const step = (type: string, hours: number, data: Record<string, unknown> = {}, by: unknown = advisor) => ({
    type,
    data: { complaintId, by, at: hoursAfterStart(hours), ...data },
  })
  return [
    step('ReceiveComplaint', complaintHour, {
      customerId: zhangSan.customerId,
      channel: 'phone',
      account: 'The air conditioner still makes a noise after the service',
      remedySought: 'Fix it properly',
      vehicleId: null,
      repairOrderId: null,
      owner: advisor.id,
      severity: 'general',
      safetyRelated: false,
      priorComplaints: { count: 0, lastReceivedAt: null },
    }),
    step('AcknowledgeComplaint', complaintHour + 1),
    step('ConfirmProblem', complaintHour + 2, {
      courseOfEvents: 'Noise at the first service; nothing found; noise again two days later',
      cause: 'Blower motor broken',
      keyFactors: ['first inspection incomplete'],
    }),
    step(
      'AnalyseComplaint',
      complaintHour + 3,
      {
        severity: 'general',
        safetyRelated: false,
        justified: true,
        needsFurtherInvestigation: false,
        wantsBeyondMoney: [],
      },
      serviceManager,
    ),
    step(
      'ProposeResolution',
      complaintHour + 4,
      { compensation: [{ kind: 'goodwill-points', points: 500 }], explanations: [] },
      serviceManager,
    ),
    step('ApproveResolution', complaintHour + 5, {}, serviceManager),
    step('RecordCustomerDecision', complaintHour + 6, { decision: 'accept', reason: null }, serviceManager),
    step('ExecuteResolution', complaintHour + 7),
  ]
}

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
  const referral = referralSteps()
  for (const [i, step] of referral.entries()) {
    at(24 + i)
    await dealership.referralVerification(step, { correlationId: referralId })
  }
  at(60)
  const first = await dealership.runProcessManagers()
  if (first.rejections.length > 0) throw new Error(`fixture: ${JSON.stringify(first.rejections)}`)
  for (const step of complaintSteps()) {
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
