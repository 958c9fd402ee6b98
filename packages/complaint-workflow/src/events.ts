import {
  Count,
  CustomerId,
  type EventOf,
  type EventsIn,
  eventRegistry,
  eventType,
  Fen,
  Instant,
  PositiveInt,
  personal,
  StaffId,
  Text,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { ComplaintId, RepairOrderId, VehicleId } from './ids.js'
import { ComplaintActor, ComplaintRole } from './roles.js'
import { SlaClockName, SlaTargets } from './sla.js'
import {
  Compensation,
  ComplaintChannel,
  Explanation,
  InternalNotice,
  PauseReason,
  RootCause,
  Severity,
} from './vocabulary.js'

const bySubject = { subject: (d: { customerId: string }) => d.customerId }

/** docs/domain.md §3 step 1: receive and record, with an owner (ISO 10002: unique id, remedy sought). */
export const ComplaintReceived = eventType(
  'ComplaintReceived',
  t.type({
    complaintId: ComplaintId,
    customerId: CustomerId,
    channel: ComplaintChannel,
    /** The customer's account, in their words. */
    account: personal(Text),
    remedySought: personal(Text),
    vehicleId: t.union([VehicleId, t.null]),
    repairOrderId: t.union([RepairOrderId, t.null]),
    owner: StaffId,
    severity: Severity,
    safetyRelated: t.boolean,
    handlingLevel: PositiveInt,
    slaTargets: SlaTargets,
    by: ComplaintActor,
    at: Instant,
    policyVersion: t.string,
  }),
  bySubject,
)

/** ISO 10002 acknowledge: the first response to the customer; stops the response clock. */
export const ComplaintAcknowledged = eventType(
  'ComplaintAcknowledged',
  t.type({ complaintId: ComplaintId, by: ComplaintActor, at: Instant }),
)

/** docs/domain.md §3 step 2: the course of events, the cause and the key factors. */
export const ProblemConfirmed = eventType(
  'ProblemConfirmed',
  t.type({
    complaintId: ComplaintId,
    customerId: CustomerId,
    courseOfEvents: personal(Text),
    cause: Text,
    keyFactors: t.readonlyArray(Text),
    by: ComplaintActor,
    at: Instant,
  }),
  bySubject,
)

/** docs/domain.md §3 step 3: severity, safety, justified or not, what the customer wants beyond money. */
export const ComplaintAnalysed = eventType(
  'ComplaintAnalysed',
  t.type({
    complaintId: ComplaintId,
    assessedSeverity: Severity,
    safetyRelated: t.boolean,
    justified: t.boolean,
    needsFurtherInvestigation: t.boolean,
    wantsBeyondMoney: t.readonlyArray(Text),
    by: ComplaintActor,
    at: Instant,
  }),
)

export const SeverityChangeReason = t.keyof(
  { assessment: null, safety: null, escalation: null },
  'SeverityChangeReason',
)

/** Severity only rises; the clocks keep the time already spent and take the new targets. */
export const SeverityRaised = eventType(
  'SeverityRaised',
  t.type({
    complaintId: ComplaintId,
    from: Severity,
    to: Severity,
    reason: SeverityChangeReason,
    slaTargets: SlaTargets,
    at: Instant,
    policyVersion: t.string,
  }),
)

export const SeverityLoweringReason = t.keyof({ assessment: null }, 'SeverityLoweringReason')

/**
 * The analysis found the complaint less severe than it was taken in (docs/domain.md §3 step 3): never
 * below what safety or an escalation requires; the clocks keep the time already spent, take the
 * looser targets, and a breach already recorded stays a breach.
 */
export const SeverityLowered = eventType(
  'SeverityLowered',
  t.type({
    complaintId: ComplaintId,
    from: Severity,
    to: Severity,
    reason: SeverityLoweringReason,
    slaTargets: SlaTargets,
    by: ComplaintActor,
    at: Instant,
    policyVersion: t.string,
  }),
)

export const EscalationTrigger = t.keyof(
  { manual: null, 'repeat-complaint': null, 'rejected-resolution': null, keyword: null },
  'EscalationTrigger',
)
export type EscalationTrigger = t.TypeOf<typeof EscalationTrigger>

/** docs/domain.md §3 principles 层次高一点: escalation raises the handling level. */
export const ComplaintEscalated = eventType(
  'ComplaintEscalated',
  t.type({
    complaintId: ComplaintId,
    trigger: EscalationTrigger,
    reason: Text,
    fromLevel: PositiveInt,
    toLevel: PositiveInt,
    by: ComplaintActor,
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §3 step 4: a proposal of typed compensation, valued for approval. */
export const ResolutionProposed = eventType(
  'ResolutionProposed',
  t.type({
    complaintId: ComplaintId,
    proposalNo: PositiveInt,
    compensation: t.readonlyArray(Compensation),
    explanations: t.readonlyArray(Explanation),
    compensationValue: Fen,
    requiredApprover: ComplaintRole,
    by: ComplaintActor,
    at: Instant,
    policyVersion: t.string,
  }),
)

/** docs/domain.md §3 step 5 汇报审批: approved by a role at or above the tier. */
export const ResolutionApproved = eventType(
  'ResolutionApproved',
  t.type({ complaintId: ComplaintId, proposalNo: PositiveInt, by: ComplaintActor, at: Instant }),
)

export const CustomerAcceptedResolution = eventType(
  'CustomerAcceptedResolution',
  t.type({ complaintId: ComplaintId, proposalNo: PositiveInt, by: ComplaintActor, at: Instant }),
)

/** ISO 10002: a rejected outcome keeps the complaint open. */
export const CustomerRejectedResolution = eventType(
  'CustomerRejectedResolution',
  t.type({
    complaintId: ComplaintId,
    proposalNo: PositiveInt,
    reason: Text,
    by: ComplaintActor,
    at: Instant,
  }),
)

/** docs/domain.md §3 step 5: the approved, accepted resolution is carried out; stops the resolution clock. */
export const ResolutionExecuted = eventType(
  'ResolutionExecuted',
  t.type({
    complaintId: ComplaintId,
    proposalNo: PositiveInt,
    compensationValue: Fen,
    by: ComplaintActor,
    at: Instant,
  }),
)

/** Goodwill points for the loyalty package to book (not booked here). */
export const GoodwillPointsGranted = eventType(
  'GoodwillPointsGranted',
  t.type({
    complaintId: ComplaintId,
    customerId: CustomerId,
    points: PositiveInt,
    by: ComplaintActor,
    at: Instant,
  }),
)

/** docs/domain.md §3 step 6 跟踪服务: the follow-up call; an unsatisfied customer sends it back to negotiation. */
export const FollowUpCallMade = eventType(
  'FollowUpCallMade',
  t.type({
    complaintId: ComplaintId,
    customerId: CustomerId,
    satisfied: t.boolean,
    customerSaid: personal(Text),
    by: ComplaintActor,
    at: Instant,
  }),
  bySubject,
)

/** docs/domain.md §3 step 7 经验教训总结: closed with a root cause, corrective actions and an internal notice. */
export const ComplaintClosed = eventType(
  'ComplaintClosed',
  t.type({
    complaintId: ComplaintId,
    rootCause: RootCause,
    lessonsLearned: Text,
    correctiveActions: t.readonlyArray(Text),
    internalNotice: t.union([InternalNotice, t.null]),
    by: ComplaintActor,
    at: Instant,
  }),
)

/** A new contact about an open complaint. */
export const CustomerContacted = eventType(
  'CustomerContacted',
  t.type({
    complaintId: ComplaintId,
    customerId: CustomerId,
    channel: ComplaintChannel,
    note: personal(Text),
    by: ComplaintActor,
    at: Instant,
  }),
  bySubject,
)

/** docs/domain.md §5: any new contact after closing reopens the complaint (counted for the reopen rate). */
export const ComplaintReopened = eventType(
  'ComplaintReopened',
  t.type({
    complaintId: ComplaintId,
    customerId: CustomerId,
    channel: ComplaintChannel,
    note: personal(Text),
    reopenNo: PositiveInt,
    by: ComplaintActor,
    at: Instant,
  }),
  bySubject,
)

const ClockSpent = t.type({ clock: SlaClockName, spentMs: Count })

/** docs/domain.md §5: a pause really stops the clocks; records the time each running clock had spent. */
export const ComplaintPaused = eventType(
  'ComplaintPaused',
  t.type({
    complaintId: ComplaintId,
    reason: PauseReason,
    spent: t.readonlyArray(ClockSpent),
    by: ComplaintActor,
    at: Instant,
  }),
)

export const ComplaintResumed = eventType(
  'ComplaintResumed',
  t.type({ complaintId: ComplaintId, by: ComplaintActor, at: Instant }),
)

/** A clock reached its stop step; `spentMs` is business time excluding pauses. */
export const SlaClockStopped = eventType(
  'SlaClockStopped',
  t.type({
    complaintId: ComplaintId,
    clock: SlaClockName,
    spentMs: Count,
    targetMinutes: Count,
    at: Instant,
  }),
)

/** docs/domain.md §3/§5: a breach is an event, recorded once, and stays a breach. */
export const SlaBreached = eventType(
  'SlaBreached',
  t.type({
    complaintId: ComplaintId,
    clock: SlaClockName,
    severity: Severity,
    spentMs: Count,
    targetMinutes: Count,
    at: Instant,
  }),
)

const definitions = [
  ComplaintReceived,
  ComplaintAcknowledged,
  ProblemConfirmed,
  ComplaintAnalysed,
  SeverityRaised,
  SeverityLowered,
  ComplaintEscalated,
  ResolutionProposed,
  ResolutionApproved,
  CustomerAcceptedResolution,
  CustomerRejectedResolution,
  ResolutionExecuted,
  GoodwillPointsGranted,
  FollowUpCallMade,
  ComplaintClosed,
  CustomerContacted,
  ComplaintReopened,
  ComplaintPaused,
  ComplaintResumed,
  SlaClockStopped,
  SlaBreached,
] as const

/** The event types a store accepts for complaints (the public, versioned contract). */
export const complaintEvents = eventRegistry(definitions)

export type ComplaintReceived = EventOf<typeof ComplaintReceived>
export type ComplaintAcknowledged = EventOf<typeof ComplaintAcknowledged>
export type ProblemConfirmed = EventOf<typeof ProblemConfirmed>
export type ComplaintAnalysed = EventOf<typeof ComplaintAnalysed>
export type SeverityRaised = EventOf<typeof SeverityRaised>
export type SeverityLowered = EventOf<typeof SeverityLowered>
export type ComplaintEscalated = EventOf<typeof ComplaintEscalated>
export type ResolutionProposed = EventOf<typeof ResolutionProposed>
export type ResolutionApproved = EventOf<typeof ResolutionApproved>
export type CustomerAcceptedResolution = EventOf<typeof CustomerAcceptedResolution>
export type CustomerRejectedResolution = EventOf<typeof CustomerRejectedResolution>
export type ResolutionExecuted = EventOf<typeof ResolutionExecuted>
export type GoodwillPointsGranted = EventOf<typeof GoodwillPointsGranted>
export type FollowUpCallMade = EventOf<typeof FollowUpCallMade>
export type ComplaintClosed = EventOf<typeof ComplaintClosed>
export type CustomerContacted = EventOf<typeof CustomerContacted>
export type ComplaintReopened = EventOf<typeof ComplaintReopened>
export type ComplaintPaused = EventOf<typeof ComplaintPaused>
export type ComplaintResumed = EventOf<typeof ComplaintResumed>
export type SlaClockStopped = EventOf<typeof SlaClockStopped>
export type SlaBreached = EventOf<typeof SlaBreached>

/** Every complaint event, derived from the registry. */
export type ComplaintEvent = EventsIn<typeof complaintEvents>

/** Every complaint event type, for projections that handle them all. */
export const complaintEventTypes: ReadonlyArray<ComplaintEvent['type']> = definitions.map((d) => d.type)
