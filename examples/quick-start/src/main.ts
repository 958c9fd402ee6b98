// The smallest complete program: commands in, events stored, a read model out.
// Two complaints at a 4S store (docs/domain.md §3): the seed's air-conditioner case, handled to its
// close, and a brake complaint that is still open. Then the SLA board, the audit trail and the
// hash-chain check.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ComplaintCommand,
  complaintDecider,
  complaintEvents,
  complaintStreamOf,
  defaultComplaintPolicy,
  slaBoardAt,
  slaBoardProjection,
} from '@dealer-crm/complaint-workflow'
import {
  auditTrail,
  decodeCommand,
  handle,
  instantOf,
  manualClock,
  rebuildProjection,
  renderTrail,
  verify,
} from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'

/** Runs the example against the SQLite file at `path` (created if missing). */
export const run = async (path: string, print: (line: string) => void): Promise<void> => {
  // The store stamps `recordedAt` from this clock; here it follows the commands' own times.
  const clock = manualClock('2026-03-01T00:00:00Z')
  const store = createSqliteEventStore({ path, registry: complaintEvents, clock })
  const advisor = { id: 'advisor-sun', role: 'service-advisor' }
  const manager = { id: 'manager-li', role: 'service-manager' }
  const at = (day: number, hour: number) =>
    `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`

  const airConditioner = 'ac-noise-0311'
  const brakes = 'brake-noise-0312'
  // Commands arrive as untrusted JSON; the package's codec decodes them (instants to UTC).
  const decoded = (input: unknown): ComplaintCommand => {
    const command = decodeCommand(ComplaintCommand, input)
    if (command._tag === 'Left') throw command.left
    return command.right
  }
  const received = (complaintId: string, account: string, safetyRelated: boolean, day: number) =>
    decoded({
      type: 'ReceiveComplaint',
      data: {
        complaintId,
        customerId: `customer-${complaintId}`,
        channel: 'on-site',
        account,
        remedySought: 'The dealer should pay for the repair',
        vehicleId: null,
        repairOrderId: null,
        owner: advisor.id,
        severity: 'general',
        safetyRelated,
        priorComplaints: { count: 0, lastReceivedAt: null },
        by: advisor,
        at: at(day, 10),
      },
    })
  const step = (type: string, complaintId: string, by: typeof advisor, when: string, data: object = {}) =>
    decoded({ type, data: { complaintId, ...data, by, at: when } })

  const commands: ReadonlyArray<ComplaintCommand> = [
    received(airConditioner, '空调异响: the blower motor was quoted ¥200, now over ¥1,000', false, 4),
    step('AcknowledgeComplaint', airConditioner, advisor, at(4, 10)),
    step('ConfirmProblem', airConditioner, manager, at(4, 14), {
      courseOfEvents: 'The first inspection missed the broken blower motor',
      cause: 'Blower motor mis-quoted at about ¥200',
      keyFactors: ['incomplete first inspection', 'wrong parts price'],
    }),
    step('AnalyseComplaint', airConditioner, manager, at(5, 9), {
      severity: 'general',
      safetyRelated: false,
      justified: true,
      needsFurtherInvestigation: false,
      wantsBeyondMoney: ['an apology'],
    }),
    step('ProposeResolution', airConditioner, manager, at(5, 10), {
      compensation: [
        { kind: 'apology', givenBy: 'service-manager' },
        { kind: 'discount', percent: 20, onAmount: 118_000 },
      ],
      explanations: [
        { kind: 'standard-price-list', summary: 'Blower motor ¥1,080 on the standard price list' },
      ],
    }),
    step('ApproveResolution', airConditioner, manager, at(5, 11)),
    step('RecordCustomerDecision', airConditioner, advisor, at(5, 15), { decision: 'accept', reason: null }),
    step('ExecuteResolution', airConditioner, advisor, at(6, 11)),
    step('RecordFollowUpCall', airConditioner, { id: 'callback-wang', role: 'call-back-staff' }, at(9, 10), {
      satisfied: true,
      customerSaid: 'The noise is gone',
    }),
    step('CloseComplaint', airConditioner, manager, at(9, 11), {
      rootCause: 'parts-price-misquote',
      lessonsLearned: 'Quote parts from the price list only',
      correctiveActions: ['quotes checked against the price list'],
      internalNotice: {
        summary: 'A/C noise: blower motor mis-quoted',
        improvementMeasures: ['train advisors'],
      },
    }),
    received(brakes, 'Brakes squeal after the last service', true, 12),
    step('AcknowledgeComplaint', brakes, advisor, at(12, 11)),
    // A scheduler sends EvaluateComplaint; the domain records the breach (never a clock inside the domain).
    step('EvaluateComplaint', brakes, { id: 'scheduler', role: 'system' }, at(13, 9)),
  ]

  const decider = complaintDecider(defaultComplaintPolicy)
  for (const [i, command] of commands.entries()) {
    clock.set(command.data.at)
    const result = await handle(store, decider, complaintStreamOf(command), command, {
      commandId: `quick-start-${i}`,
      actor: command.data.by,
    })
    print(`${command.type.padEnd(24)} → ${result.events.map((e) => e.type).join(', ')}`)
  }

  const board = await rebuildProjection(store, slaBoardProjection)
  print('\nSLA board on 13 March, 09:00 (safety first):')
  for (const row of slaBoardAt(board, defaultComplaintPolicy.calendar, instantOf(Date.parse(at(13, 9))))) {
    const clocks = row.clocks
      .map((c) =>
        c.breached
          ? `${c.clock} BREACHED`
          : `${c.clock} ${c.timeLeftMs === null ? 'met' : `${Math.round(c.timeLeftMs / 3_600_000)} h left`}`,
      )
      .join(', ')
    print(`  ${row.complaintId}: ${row.severity}${row.safetyRelated ? ', safety' : ''} — ${clocks}`)
  }

  print('\nAudit trail of the air-conditioner complaint:')
  print(renderTrail((await auditTrail(store, `complaint-${airConditioner}`)).slice(0, 4)))

  const check = await verify(store)
  print(
    `\nHash chain: ${check.ok ? `intact (${check.events} events in ${check.streams} streams)` : 'BROKEN'}`,
  )
  print(`Events stored in ${path}`)
  await store.close()
}

if (process.argv[1]?.endsWith('main.ts')) {
  const path = join(mkdtempSync(join(tmpdir(), 'dealer-crm-quick-start-')), 'dealership.db')
  await run(path, (line) => process.stdout.write(`${line}\n`))
}
