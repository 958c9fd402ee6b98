import { taggedUnion } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { ComplaintId, CustomerId, RepairOrderId, StaffId, VehicleId } from './ids.js'
import { Count, Instant, Text } from './values.js'
import {
  Channel,
  Compensation,
  Explanation,
  InternalNotice,
  PauseReason,
  RootCause,
  Severity,
  Staff,
} from './vocabulary.js'

// Every command is `{ type, data }`; data names the complaint, who did it (`by`) and when (`at`).
const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.type(
    { type: t.literal(type), data: t.type({ complaintId: ComplaintId, ...props, by: Staff, at: Instant }) },
    type,
  )

/** The customer's recent complaints, looked up by the application (for repeat-complaint escalation). */
export const PriorComplaints = t.type(
  { count: Count, lastReceivedAt: t.union([Instant, t.null]) },
  'PriorComplaints',
)

export const ReceiveComplaint = command('ReceiveComplaint', {
  customerId: CustomerId,
  channel: Channel,
  account: Text,
  remedySought: Text,
  vehicleId: t.union([VehicleId, t.null]),
  repairOrderId: t.union([RepairOrderId, t.null]),
  owner: StaffId,
  severity: Severity,
  safetyRelated: t.boolean,
  priorComplaints: PriorComplaints,
})

export const AcknowledgeComplaint = command('AcknowledgeComplaint', {})

export const ConfirmProblem = command('ConfirmProblem', {
  courseOfEvents: Text,
  cause: Text,
  keyFactors: t.readonlyArray(Text),
})

export const AnalyseComplaint = command('AnalyseComplaint', {
  severity: Severity,
  safetyRelated: t.boolean,
  justified: t.boolean,
  needsFurtherInvestigation: t.boolean,
  wantsBeyondMoney: t.readonlyArray(Text),
})

export const ProposeResolution = command('ProposeResolution', {
  compensation: t.readonlyArray(Compensation),
  explanations: t.readonlyArray(Explanation),
})

export const ApproveResolution = command('ApproveResolution', {})

export const RecordCustomerDecision = command('RecordCustomerDecision', {
  decision: t.keyof({ accept: null, reject: null }, 'Decision'),
  reason: t.union([Text, t.null]),
})

export const ExecuteResolution = command('ExecuteResolution', {})

export const RecordFollowUpCall = command('RecordFollowUpCall', {
  satisfied: t.boolean,
  customerSaid: Text,
})

export const CloseComplaint = command('CloseComplaint', {
  rootCause: RootCause,
  lessonsLearned: Text,
  correctiveActions: t.readonlyArray(Text),
  internalNotice: t.union([InternalNotice, t.null]),
})

export const EscalateComplaint = command('EscalateComplaint', { reason: Text })

export const RecordCustomerContact = command('RecordCustomerContact', { channel: Channel, note: Text })

export const PauseComplaint = command('PauseComplaint', { reason: PauseReason })

export const ResumeComplaint = command('ResumeComplaint', {})

/** Sent by the application's scheduler: time-driven rules (SLA breaches) run on it. */
export const EvaluateAt = command('EvaluateAt', {})

/** Every complaint command, chosen by its `type` (field paths name the failing field inside it). */
export const ComplaintCommand = taggedUnion('ComplaintCommand', 'type', {
  ReceiveComplaint,
  AcknowledgeComplaint,
  ConfirmProblem,
  AnalyseComplaint,
  ProposeResolution,
  ApproveResolution,
  RecordCustomerDecision,
  ExecuteResolution,
  RecordFollowUpCall,
  CloseComplaint,
  EscalateComplaint,
  RecordCustomerContact,
  PauseComplaint,
  ResumeComplaint,
  EvaluateAt,
})

export type ReceiveComplaint = t.TypeOf<typeof ReceiveComplaint>
export type AcknowledgeComplaint = t.TypeOf<typeof AcknowledgeComplaint>
export type ConfirmProblem = t.TypeOf<typeof ConfirmProblem>
export type AnalyseComplaint = t.TypeOf<typeof AnalyseComplaint>
export type ProposeResolution = t.TypeOf<typeof ProposeResolution>
export type ApproveResolution = t.TypeOf<typeof ApproveResolution>
export type RecordCustomerDecision = t.TypeOf<typeof RecordCustomerDecision>
export type ExecuteResolution = t.TypeOf<typeof ExecuteResolution>
export type RecordFollowUpCall = t.TypeOf<typeof RecordFollowUpCall>
export type CloseComplaint = t.TypeOf<typeof CloseComplaint>
export type EscalateComplaint = t.TypeOf<typeof EscalateComplaint>
export type RecordCustomerContact = t.TypeOf<typeof RecordCustomerContact>
export type PauseComplaint = t.TypeOf<typeof PauseComplaint>
export type ResumeComplaint = t.TypeOf<typeof ResumeComplaint>
export type EvaluateAt = t.TypeOf<typeof EvaluateAt>
export type ComplaintCommand = t.TypeOf<typeof ComplaintCommand>
