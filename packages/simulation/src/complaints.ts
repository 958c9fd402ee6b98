import type { Severity } from '@dealer-crm/complaint-workflow'
import {
  approverFor,
  customerManagers,
  dutyManager,
  serviceAdvisors,
  serviceManager,
  slaScheduler,
} from './staff.js'
import { DAY, HOUR } from './time.js'
import {
  attempt,
  chance,
  now,
  nowMs,
  type OwnedVehicle,
  oneIn,
  type Sim,
  type SimCustomer,
  workingMoment,
} from './world.js'

// Complaint handling (docs/domain.md §3, §5 Complaints): intake with a severity, acknowledgement, problem,
// analysis, proposal and approval, the customer's decision, execution, follow-up call and closing with
// a root cause — late steps that breach the SLA clocks, rejections that escalate, media words that make
// a complaint 重大, repeat complaints, pauses for parts, and reopenings after a close.

type Staff = { readonly id: string; readonly role: string }

const rootCauses = [
  ['repair-workmanship', 25],
  ['incomplete-inspection', 18],
  ['waiting-time', 12],
  ['service-attitude', 10],
  ['parts-price-misquote', 9],
  ['billing', 8],
  ['product-quality', 8],
  ['communication', 6],
  ['pre-delivery-quality-check', 4],
] as const

const accounts = [
  'The air conditioner still makes a noise after the service',
  'The car was not ready at the promised time',
  'The bill was higher than the quote',
  'The same warning light came back two days after the repair',
  'The advisor was rude at reception',
  'Scratches on the door after the car wash',
] as const
/** Words that make a complaint 重大 (docs/domain.md §5 OEM 重大): the media, 12315. */
const threats = ['不解决的话我就找媒体曝光', '我要打12315投诉'] as const

interface Case {
  readonly complaintId: string
  readonly customer: SimCustomer
  readonly owner: Staff
  readonly severity: Severity
  readonly safety: boolean
  justified: boolean
  /** Escalated or major (at intake or at once after it): handled first, with tighter SLA targets. */
  readonly urgent: boolean
  proposals: number
  rootCause: (typeof rootCauses)[number][0]
}

/** Every step of a complaint carries its id as the correlation id, so its audit trail reads as one case. */
const complaint = (
  sim: Sim,
  input: {
    readonly type: string
    readonly data: { readonly complaintId: string; readonly [field: string]: unknown }
  },
  by: Staff,
) =>
  attempt(sim, () =>
    sim.dealership.complaintWorkflow(input, { actor: by, correlationId: input.data.complaintId }),
  )

const step = (sim: Sim, k: Case, type: string, by: Staff, data: Record<string, unknown> = {}) =>
  complaint(sim, { type, data: { complaintId: k.complaintId, by, at: now(sim), ...data } }, by)

/** Plan the next step after a delay, within working hours. */
const next = (sim: Sim, afterMs: number, run: () => Promise<void>) =>
  sim.agenda.plan(workingMoment(sim, nowMs(sim) + afterMs), run)

/** Urgent complaints move at a third of the usual pace between steps. */
const pace = (k: Case) => (k.urgent ? 0.3 : 1)

const hours = (sim: Sim, from: number, to: number) =>
  Math.round((from + sim.random.next() * (to - from)) * HOUR)

const drawRootCause = (sim: Sim): Case['rootCause'] => {
  let r = sim.random.int(0, 99)
  for (const [cause, weight] of rootCauses) {
    if (r < weight) return cause
    r -= weight
  }
  return 'communication'
}

/**
 * §3 step 1: receive and record. The customer's earlier complaints are passed in (a repeat within 90
 * days escalates); a safety issue or a threat to call the media or 12315 makes it 重大 at once.
 */
export const receiveComplaint = async (
  sim: Sim,
  c: SimCustomer,
  about: { vehicle?: OwnedVehicle; repairOrder?: string },
) => {
  const complaintId = `cmp-${String(++sim.world.serial.complaint).padStart(5, '0')}`
  // One complaint in eight is 重大 at intake (half of those about safety); one in fifteen threatens the
  // media or 12315 (which makes it 重大 on the spot); about one in eight comes in as 升级.
  const major = oneIn(sim, 'major-complaint', 8)
  const severity: Severity = major ? 'major' : chance(sim, 0.13) ? 'escalated' : 'general'
  const safety = major && chance(sim, 0.5)
  const threat = oneIn(sim, 'media-threat', 15)
  const owner = sim.random.pick(serviceAdvisors)
  const account = `${sim.random.pick(accounts)}${threat ? `。${sim.random.pick(threats)}` : ''}`
  const prior = c.complaintsAt
  const channel = sim.random.pick(['phone', 'phone', 'on-site', 'on-site', 'written'] as const)
  const received = await complaint(
    sim,
    {
      type: 'ReceiveComplaint',
      data: {
        complaintId,
        customerId: c.id,
        channel,
        account,
        remedySought: 'Fix it properly and make up for the trouble',
        vehicleId: about.vehicle?.car.vin ?? null,
        repairOrderId: about.repairOrder ?? null,
        owner: owner.id,
        severity,
        safetyRelated: safety,
        priorComplaints: {
          count: prior.length,
          lastReceivedAt:
            prior.length === 0 ? null : new Date(prior[prior.length - 1] as number).toISOString(),
        },
        by: owner,
        at: now(sim),
      },
    },
    owner,
  )
  if (received === null) return
  c.complaintsAt.push(nowMs(sim))
  // docs/domain.md: after a complaint, a customer buys again less often (82% resolved fast … 19% unresolved).
  c.returnChance *= 0.85
  sim.world.openComplaints.add(complaintId)
  const state = received.state
  const k: Case = {
    complaintId,
    customer: c,
    owner,
    severity,
    safety,
    justified: !chance(sim, 0.12),
    urgent: state.stage !== 'not-received' && state.severity !== 'general',
    proposals: 0,
    rootCause: drawRootCause(sim),
  }
  // ISO 10002 acknowledge: mostly within hours; one in ten lies on a desk past the response target.
  const late = chance(sim, 0.1)
  next(sim, late ? hours(sim, 26, 60) : hours(sim, 0.5, 8) * pace(k), () => acknowledge(sim, k))
  if (chance(sim, 0.04))
    next(sim, hours(sim, 2, 20), async () => {
      await step(sim, k, 'EscalateComplaint', dutyManager, {
        reason: 'the customer threatens extreme action',
      })
    })
}

const acknowledge = async (sim: Sim, k: Case) => {
  if ((await step(sim, k, 'AcknowledgeComplaint', k.owner)) === null) return
  next(sim, hours(sim, 2, 20) * pace(k), () => confirm(sim, k))
}

/** §3 step 2 确认问题. */
const confirm = async (sim: Sim, k: Case) => {
  const done = await step(sim, k, 'ConfirmProblem', k.owner, {
    courseOfEvents: 'Customer account checked against the repair order and the technician',
    cause: k.justified ? 'The fault was not found at the first inspection' : 'The car works as designed',
    keyFactors: ['first inspection', 'communication with the customer'],
  })
  if (done !== null)
    next(sim, chance(sim, 0.08) ? hours(sim, 40, 80) : hours(sim, 3, 20) * pace(k), () => analyse(sim, k))
}

/** §3 step 3 分析问题: severity, safety, justified; a wait for parts stops the clocks. */
const analyse = async (sim: Sim, k: Case) => {
  const done = await step(sim, k, 'AnalyseComplaint', serviceManager, {
    severity: k.severity,
    safetyRelated: k.safety,
    justified: k.justified,
    needsFurtherInvestigation: false,
    wantsBeyondMoney: chance(sim, 0.3) ? ['an apology from the service manager'] : [],
  })
  if (done === null) return
  if (chance(sim, 0.12)) {
    await step(sim, k, 'PauseComplaint', k.owner, { reason: 'waiting-for-parts' })
    next(sim, sim.random.int(2, 6) * DAY, async () => {
      await step(sim, k, 'ResumeComplaint', k.owner)
      next(sim, hours(sim, 1, 8), () => propose(sim, k))
    })
  } else next(sim, hours(sim, 2, 20) * pace(k), () => propose(sim, k))
}

/** §3 step 4 互相协商: typed compensation, more for serious complaints and after a rejection. */
const propose = async (sim: Sim, k: Case) => {
  k.proposals++
  const bigger = (k.severity === 'general' ? 1 : 3) * k.proposals
  const compensation = !k.justified
    ? []
    : [
        { kind: 'apology', givenBy: 'service-manager' },
        sim.random.pick([
          { kind: 'service-voucher', amount: sim.random.int(2, 8) * 10_000 * bigger },
          { kind: 'goodwill-points', points: sim.random.int(5, 20) * 100 * bigger },
          { kind: 'discount', percent: sim.random.int(10, 30), onAmount: sim.random.int(5, 30) * 10_000 },
        ]),
      ]
  const explanations = k.justified
    ? []
    : [
        {
          kind: 'technical-explanation',
          summary: 'Why the noise is normal for this model, with the maker bulletin',
        },
      ]
  const proposed = await step(sim, k, 'ProposeResolution', serviceManager, { compensation, explanations })
  if (proposed === null) return
  const state = proposed.state
  const approver = approverFor(
    state.stage === 'not-received' || state.proposal === null
      ? 'general-manager'
      : state.proposal.requiredApprover,
  )
  next(sim, hours(sim, 1, 8) * pace(k), async () => {
    if ((await step(sim, k, 'ApproveResolution', approver)) === null) return
    next(sim, hours(sim, 3, 20) * pace(k), () => decide(sim, k))
  })
}

/** ISO 10002 communicate the decision: most accept; a rejection keeps it open and escalates (policy). */
const decide = async (sim: Sim, k: Case) => {
  const manager = sim.random.pick(customerManagers)
  if (k.proposals < 3 && chance(sim, 0.15)) {
    const said = chance(sim, 0.1)
      ? `Not enough. ${sim.random.pick(threats)}`
      : 'The offer does not cover the trouble'
    await step(sim, k, 'RecordCustomerDecision', serviceManager, { decision: 'reject', reason: said })
    next(sim, hours(sim, 4, 30), () => propose(sim, k))
    return
  }
  if (
    (await step(sim, k, 'RecordCustomerDecision', serviceManager, { decision: 'accept', reason: null })) ===
    null
  )
    return
  next(sim, chance(sim, 0.08) ? sim.random.int(4, 8) * DAY : hours(sim, 2, 30) * pace(k), async () => {
    if ((await step(sim, k, 'ExecuteResolution', manager)) === null) return
    next(sim, sim.random.int(2, 5) * DAY, () => followUp(sim, k))
  })
}

/** §3 step 6 跟踪服务: an unsatisfied customer sends it back to negotiation. */
const followUp = async (sim: Sim, k: Case) => {
  const caller = { id: 'call-back-zhou', role: 'call-back-staff' }
  const satisfied = k.proposals >= 3 || chance(sim, 0.9)
  const done = await step(sim, k, 'RecordFollowUpCall', caller, {
    satisfied,
    customerSaid: satisfied ? 'It is fixed, thank you' : 'The noise is back',
  })
  if (done === null) return
  if (!satisfied) {
    next(sim, hours(sim, 4, 30), () => propose(sim, k))
    return
  }
  next(sim, hours(sim, 1, 24), () => close(sim, k))
}

/** §3 step 7 经验教训总结: closed with a root cause and the lessons learned. */
const close = async (sim: Sim, k: Case) => {
  const closed = await step(sim, k, 'CloseComplaint', serviceManager, {
    rootCause: k.justified ? k.rootCause : 'unfounded-claim',
    lessonsLearned: 'Check the whole system at the first visit',
    correctiveActions: ['add the check to the inspection list'],
    internalNotice: chance(sim, 0.5)
      ? {
          summary: 'Complaint reviewed at the morning meeting',
          improvementMeasures: ['inspection checklist'],
        }
      : null,
  })
  if (closed === null) return
  sim.world.openComplaints.delete(k.complaintId)
  k.customer.returnChance = Math.min(0.98, k.customer.returnChance / 0.9)
  // §5: any new contact after closing reopens the complaint (one closed complaint in ten).
  if (oneIn(sim, 'reopen', 10))
    next(sim, sim.random.int(5, 40) * DAY, async () => {
      const reopened = await step(sim, k, 'RecordCustomerContact', k.owner, {
        channel: 'phone',
        note: 'The customer called again: the problem is back',
      })
      if (reopened === null) return
      sim.world.openComplaints.add(k.complaintId)
      k.proposals = 0
      next(sim, hours(sim, 2, 20), () => confirm(sim, k))
    })
}

/** The nightly SLA run: breaches due by now are recorded on every open complaint (§3: breaches are events). */
export const evaluateComplaints = async (sim: Sim) => {
  for (const complaintId of [...sim.world.openComplaints].sort())
    await complaint(
      sim,
      { type: 'EvaluateComplaint', data: { complaintId, by: slaScheduler, at: now(sim) } },
      slaScheduler,
    )
}

/** After a service visit: a complaint now and then, more often after a repeat repair (返修). */
export const maybeComplainAfterVisit = async (
  sim: Sim,
  c: SimCustomer,
  vehicle: OwnedVehicle,
  repairOrder: string,
  rework: boolean,
) => {
  if (nowMs(sim) < sim.start || !chance(sim, rework ? 0.25 : 0.035)) return
  const at = workingMoment(sim, nowMs(sim) + hours(sim, 2, 48))
  sim.agenda.plan(at, () => receiveComplaint(sim, c, { vehicle, repairOrder }))
  // A customer who complained once may well complain again within the repeat window.
  if (chance(sim, 0.12))
    sim.agenda.plan(workingMoment(sim, at + sim.random.int(10, 80) * DAY), () =>
      receiveComplaint(sim, c, { vehicle }),
    )
}
