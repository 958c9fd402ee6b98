import {
  Count,
  CustomerId,
  command,
  commandUnion,
  Instant,
  StaffId,
  streamName,
  Text,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { ComplaintId, RepairOrderId, VehicleId } from './ids.js'
import { ComplaintActor } from './roles.js'
import {
  Compensation,
  ComplaintChannel,
  Explanation,
  InternalNotice,
  PauseReason,
  RootCause,
  Severity,
} from './vocabulary.js'

/** A complaint command: its data names the complaint, who did it (`by`) and when (`at`). */
const complaintCommand = <Type extends string, P extends t.Props>(type: Type, props: P) =>
  command(type, t.type({ complaintId: ComplaintId, ...props, by: ComplaintActor, at: Instant }))

/** The customer's recent complaints, looked up by the application (for repeat-complaint escalation). */
export const PriorComplaints = t.type(
  { count: Count, lastReceivedAt: t.union([Instant, t.null]) },
  'PriorComplaints',
)

/** docs/domain.md §3 step 1: receive and record, with an owner. */
export const ReceiveComplaint = complaintCommand('ReceiveComplaint', {
  customerId: CustomerId,
  channel: ComplaintChannel,
  account: Text,
  remedySought: Text,
  vehicleId: t.union([VehicleId, t.null]),
  repairOrderId: t.union([RepairOrderId, t.null]),
  owner: StaffId,
  severity: Severity,
  safetyRelated: t.boolean,
  priorComplaints: PriorComplaints,
})
export type ReceiveComplaint = t.TypeOf<typeof ReceiveComplaint>

/** ISO 10002 acknowledge: the first response to the customer. */
export const AcknowledgeComplaint = complaintCommand('AcknowledgeComplaint', {})
export type AcknowledgeComplaint = t.TypeOf<typeof AcknowledgeComplaint>

/** docs/domain.md §3 step 2 确认问题. */
export const ConfirmProblem = complaintCommand('ConfirmProblem', {
  courseOfEvents: Text,
  cause: Text,
  keyFactors: t.readonlyArray(Text),
})
export type ConfirmProblem = t.TypeOf<typeof ConfirmProblem>

/** docs/domain.md §3 step 3 分析问题. */
export const AnalyseComplaint = complaintCommand('AnalyseComplaint', {
  severity: Severity,
  safetyRelated: t.boolean,
  justified: t.boolean,
  needsFurtherInvestigation: t.boolean,
  wantsBeyondMoney: t.readonlyArray(Text),
})
export type AnalyseComplaint = t.TypeOf<typeof AnalyseComplaint>

/** docs/domain.md §3 step 4 互相协商. */
export const ProposeResolution = complaintCommand('ProposeResolution', {
  compensation: t.readonlyArray(Compensation),
  explanations: t.readonlyArray(Explanation),
})
export type ProposeResolution = t.TypeOf<typeof ProposeResolution>

/** docs/domain.md §3 step 5 汇报审批. */
export const ApproveResolution = complaintCommand('ApproveResolution', {})
export type ApproveResolution = t.TypeOf<typeof ApproveResolution>

/** ISO 10002: the customer accepts or rejects the approved resolution. */
export const RecordCustomerDecision = complaintCommand('RecordCustomerDecision', {
  decision: t.keyof({ accept: null, reject: null }, 'Decision'),
  reason: t.union([Text, t.null]),
})
export type RecordCustomerDecision = t.TypeOf<typeof RecordCustomerDecision>

/** docs/domain.md §3 step 5, carried out. */
export const ExecuteResolution = complaintCommand('ExecuteResolution', {})
export type ExecuteResolution = t.TypeOf<typeof ExecuteResolution>

/** docs/domain.md §3 step 6 跟踪服务. */
export const RecordFollowUpCall = complaintCommand('RecordFollowUpCall', {
  satisfied: t.boolean,
  customerSaid: Text,
})
export type RecordFollowUpCall = t.TypeOf<typeof RecordFollowUpCall>

/** docs/domain.md §3 step 7 经验教训总结. */
export const CloseComplaint = complaintCommand('CloseComplaint', {
  rootCause: RootCause,
  lessonsLearned: Text,
  correctiveActions: t.readonlyArray(Text),
  internalNotice: t.union([InternalNotice, t.null]),
})
export type CloseComplaint = t.TypeOf<typeof CloseComplaint>

/** docs/domain.md §3 principles 层次高一点. */
export const EscalateComplaint = complaintCommand('EscalateComplaint', { reason: Text })
export type EscalateComplaint = t.TypeOf<typeof EscalateComplaint>

/** A new contact about the complaint (reopens a closed one). */
export const RecordCustomerContact = complaintCommand('RecordCustomerContact', {
  channel: ComplaintChannel,
  note: Text,
})
export type RecordCustomerContact = t.TypeOf<typeof RecordCustomerContact>

/** docs/domain.md §5: waiting for the customer, parts or the maker stops the clocks. */
export const PauseComplaint = complaintCommand('PauseComplaint', { reason: PauseReason })
export type PauseComplaint = t.TypeOf<typeof PauseComplaint>

export const ResumeComplaint = complaintCommand('ResumeComplaint', {})
export type ResumeComplaint = t.TypeOf<typeof ResumeComplaint>

/** Sent by the application's scheduler: time-driven rules (SLA breaches) run on it. */
export const EvaluateComplaint = complaintCommand('EvaluateComplaint', {})
export type EvaluateComplaint = t.TypeOf<typeof EvaluateComplaint>

const complaintCommands = [
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
  EvaluateComplaint,
] as const

/** Every complaint command, chosen by its `type`; a malformed one is refused naming its own fields (`data.channel`). */
export const ComplaintCommand = commandUnion('ComplaintCommand', complaintCommands)
export type ComplaintCommand = t.TypeOf<typeof ComplaintCommand>

/** The type of every complaint command, e.g. to route untrusted input to this domain. */
export const complaintCommandTypes: ReadonlyArray<ComplaintCommand['type']> = complaintCommands.map(
  (codec) => codec.props.type.value,
)

/** The stream of one complaint, `complaint-<complaintId>`. */
export const complaintStream = (complaintId: string): string => streamName('complaint', complaintId)

/** The stream a command acts on: its complaint's. */
export const complaintStreamOf = (command: ComplaintCommand): string =>
  complaintStream(command.data.complaintId)
