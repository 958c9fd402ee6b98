import type {
  AnalyseComplaint,
  CloseComplaint,
  Compensation,
  ComplaintCommand,
  ComplaintEvent,
  ComplaintId,
  CustomerId,
  Explanation,
  PauseReason,
  ReceiveComplaint,
  Staff,
  StaffId,
} from '../src/index.js'
import { decider } from '../src/index.js'

export const complaintId = 'complaint-0001' as ComplaintId
export const customerId = 'customer-0007' as CustomerId

export const advisor: Staff = { id: 'advisor-wang' as StaffId, role: 'service-advisor' }
export const serviceManager: Staff = { id: 'manager-li' as StaffId, role: 'service-manager' }
export const director: Staff = { id: 'director-zhao' as StaffId, role: 'after-sales-director' }
export const callBack: Staff = { id: 'callback-chen' as StaffId, role: 'call-back-staff' }
export const scheduler: Staff = { id: 'sla-scheduler' as StaffId, role: 'system' }

/** Monday 2 March 2026, 09:00 China time, plus whole hours. */
export const mondayAt = (hours: number): string =>
  new Date(Date.parse('2026-03-02T09:00:00+08:00') + hours * 3_600_000).toISOString()

export const receive = (at: string, overrides: Partial<ReceiveComplaint['data']> = {}): ReceiveComplaint => ({
  type: 'ReceiveComplaint',
  data: {
    complaintId,
    customerId,
    channel: 'phone',
    account: 'The air conditioner still makes a noise after the service',
    remedySought: 'Fix it properly',
    vehicleId: null,
    repairOrderId: null,
    owner: advisor.id,
    severity: 'general',
    safetyRelated: false,
    priorComplaints: { count: 0, lastReceivedAt: null },
    by: advisor,
    at,
    ...overrides,
  },
})

export const acknowledge = (at: string, by: Staff = advisor): ComplaintCommand => ({
  type: 'AcknowledgeComplaint',
  data: { complaintId, by, at },
})

export const confirm = (at: string, by: Staff = advisor): ComplaintCommand => ({
  type: 'ConfirmProblem',
  data: {
    complaintId,
    courseOfEvents: 'Noise reported at the first service; nothing found; noise again two days later',
    cause: 'Blower motor broken',
    keyFactors: ['first inspection incomplete'],
    by,
    at,
  },
})

export const analyse = (
  at: string,
  overrides: Partial<AnalyseComplaint['data']> = {},
  by: Staff = serviceManager,
): ComplaintCommand => ({
  type: 'AnalyseComplaint',
  data: {
    complaintId,
    severity: 'general',
    safetyRelated: false,
    justified: true,
    needsFurtherInvestigation: false,
    wantsBeyondMoney: [],
    by,
    at,
    ...overrides,
  },
})

export const propose = (
  at: string,
  compensation: ReadonlyArray<Compensation>,
  explanations: ReadonlyArray<Explanation> = [],
  by: Staff = serviceManager,
): ComplaintCommand => ({
  type: 'ProposeResolution',
  data: { complaintId, compensation, explanations, by, at },
})

export const approve = (at: string, by: Staff = serviceManager): ComplaintCommand => ({
  type: 'ApproveResolution',
  data: { complaintId, by, at },
})

export const accept = (at: string, by: Staff = serviceManager): ComplaintCommand => ({
  type: 'RecordCustomerDecision',
  data: { complaintId, decision: 'accept', reason: null, by, at },
})

export const reject = (at: string, reason: string, by: Staff = serviceManager): ComplaintCommand => ({
  type: 'RecordCustomerDecision',
  data: { complaintId, decision: 'reject', reason, by, at },
})

export const execute = (at: string, by: Staff = advisor): ComplaintCommand => ({
  type: 'ExecuteResolution',
  data: { complaintId, by, at },
})

export const followUp = (at: string, satisfied = true, by: Staff = callBack): ComplaintCommand => ({
  type: 'RecordFollowUpCall',
  data: { complaintId, satisfied, customerSaid: satisfied ? 'The noise is gone' : 'Still noisy', by, at },
})

export const close = (
  at: string,
  overrides: Partial<CloseComplaint['data']> = {},
  by: Staff = serviceManager,
): ComplaintCommand => ({
  type: 'CloseComplaint',
  data: {
    complaintId,
    rootCause: 'incomplete-inspection',
    lessonsLearned: 'Check the blower on every air-conditioner noise report',
    correctiveActions: ['add the blower to the A/C inspection checklist'],
    internalNotice: null,
    by,
    at,
    ...overrides,
  },
})

export const escalate = (
  at: string,
  reason = 'the customer asks for the manager',
  by: Staff = advisor,
): ComplaintCommand => ({ type: 'EscalateComplaint', data: { complaintId, reason, by, at } })

export const contact = (
  at: string,
  note = 'The customer called again',
  by: Staff = advisor,
): ComplaintCommand => ({
  type: 'RecordCustomerContact',
  data: { complaintId, channel: 'phone', note, by, at },
})

export const pause = (
  at: string,
  reason: PauseReason = 'waiting-for-parts',
  by: Staff = advisor,
): ComplaintCommand => ({
  type: 'PauseComplaint',
  data: { complaintId, reason, by, at },
})

export const resume = (at: string, by: Staff = advisor): ComplaintCommand => ({
  type: 'ResumeComplaint',
  data: { complaintId, by, at },
})

export const evaluateAt = (at: string): ComplaintCommand => ({
  type: 'EvaluateAt',
  data: { complaintId, by: scheduler, at },
})

/** The events the commands produce in turn; fails loudly if one is refused. */
export const historyOf = (...commands: ReadonlyArray<ComplaintCommand>): ReadonlyArray<ComplaintEvent> => {
  const history: ComplaintEvent[] = []
  for (const command of commands) {
    const decision = decider.decide(command, history.reduce(decider.evolve, decider.initialState))
    if (decision._tag === 'Left') throw new Error(`${command.type} refused: ${decision.left.message}`)
    history.push(...decision.right)
  }
  return history
}

/** A complaint taken to a stage with the default steps, an hour apart from Monday 09:00. */
export const throughAnalysis = () => [
  receive(mondayAt(0)),
  acknowledge(mondayAt(1)),
  confirm(mondayAt(2)),
  analyse(mondayAt(3)),
]

export const discount: Compensation = { kind: 'discount', percent: 20, onAmount: 120_000 }

export const throughExecution = () => [
  ...throughAnalysis(),
  propose(mondayAt(4), [discount]),
  approve(mondayAt(5)),
  accept(mondayAt(6)),
  execute(mondayAt(7)),
]
