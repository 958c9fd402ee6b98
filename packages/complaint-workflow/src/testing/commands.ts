import fc from 'fast-check'
import { type ComplaintPolicy, defaultComplaintPolicy } from '../policy.js'
import { ComplaintChannel, PauseReason, RootCause, Severity } from '../vocabulary.js'
import {
  type ComplaintActorInput,
  type ComplaintCommandInput,
  complaintActorArb,
  complaintCustomerIdArb,
  complaintManagerArb,
  complaintNoteArb,
  complaintProposalInputArb,
  keysOf,
  plainRecord,
} from './values.js'

/** A command that still needs its moment: sequences stamp increasing times on them. */
export type TimedComplaintCommand = (at: string) => ComplaintCommandInput

export const complaintReceiveArb = (complaintId: string): fc.Arbitrary<TimedComplaintCommand> =>
  fc
    .record({
      customerId: complaintCustomerIdArb,
      channel: fc.constantFrom(...keysOf(ComplaintChannel)),
      account: complaintNoteArb,
      vehicleId: fc.option(fc.constant('vehicle-0042'), { nil: null }),
      repairOrderId: fc.option(fc.constant('ro-2026-0001'), { nil: null }),
      owner: complaintActorArb.map((s) => s.id),
      severity: fc.constantFrom(...keysOf(Severity)),
      safetyRelated: fc.boolean(),
      count: fc.integer({ min: 0, max: 3 }),
      lastDaysAgo: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
      by: complaintActorArb,
    })
    .map(
      (r): TimedComplaintCommand =>
        (at) => {
          const data: Extract<ComplaintCommandInput, { type: 'ReceiveComplaint' }>['data'] = {
            complaintId,
            customerId: r.customerId,
            channel: r.channel,
            account: r.account,
            remedySought: 'Fix it properly',
            vehicleId: r.vehicleId,
            repairOrderId: r.repairOrderId,
            owner: r.owner,
            severity: r.severity,
            safetyRelated: r.safetyRelated,
            priorComplaints: {
              count: r.count,
              lastReceivedAt: r.lastDaysAgo === null ? null : shiftedBy(at, -r.lastDaysAgo * 24 * 60),
            },
            by: r.by,
            at,
          }
          return { type: 'ReceiveComplaint', data }
        },
    )

/** One arbitrary command of every kind, valid or not for the complaint's stage and the actor's role. */
export const complaintTimedCommandArb = (complaintId: string): fc.Arbitrary<TimedComplaintCommand> =>
  fc.oneof(
    complaintReceiveArb(complaintId),
    complaintMainLineArb(complaintId).chain((steps) => fc.constantFrom(...steps)),
    complaintNoiseArb(complaintId),
  )

const plain =
  (
    complaintId: string,
    type:
      | 'AcknowledgeComplaint'
      | 'ApproveResolution'
      | 'ExecuteResolution'
      | 'ResumeComplaint'
      | 'EvaluateComplaint',
  ) =>
  (by: ComplaintActorInput): TimedComplaintCommand =>
  (at) => ({ type, data: { complaintId, by, at } })

/** The procedure of docs/domain.md §3 in order, each step by a random member of staff. */
export const complaintMainLineArb = (
  complaintId: string,
  policy: ComplaintPolicy = defaultComplaintPolicy,
): fc.Arbitrary<ReadonlyArray<TimedComplaintCommand>> =>
  fc
    .record({
      acknowledge: complaintActorArb.map(plain(complaintId, 'AcknowledgeComplaint')),
      confirm: complaintActorArb.map(
        (by): TimedComplaintCommand =>
          (at) => ({
            type: 'ConfirmProblem',
            data: { complaintId, courseOfEvents: '空调异响', cause: 'blower motor', keyFactors: [], by, at },
          }),
      ),
      analyse: fc
        .record({
          severity: fc.constantFrom(...keysOf(Severity)),
          safetyRelated: fc.boolean(),
          justified: fc.boolean(),
          needsFurtherInvestigation: fc.boolean(),
          by: complaintActorArb,
        })
        .map(
          (r): TimedComplaintCommand =>
            (at) => ({ type: 'AnalyseComplaint', data: { complaintId, ...r, wantsBeyondMoney: [], at } }),
        ),
      propose: fc
        .tuple(complaintProposalInputArb(policy), complaintActorArb)
        .map(([proposal, by]) => ({ ...proposal, by }))
        .map(
          (r): TimedComplaintCommand =>
            (at) => ({ type: 'ProposeResolution', data: { complaintId, ...r, at } }),
        ),
      approve: fc
        .oneof({ weight: 3, arbitrary: complaintManagerArb }, { weight: 1, arbitrary: complaintActorArb })
        .map(plain(complaintId, 'ApproveResolution')),
      decision: plainRecord({
        accept: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
        by: complaintActorArb,
      }).map(
        (r): TimedComplaintCommand =>
          (at) => ({
            type: 'RecordCustomerDecision',
            data: r.accept
              ? { complaintId, decision: 'accept', reason: null, by: r.by, at }
              : { complaintId, decision: 'reject', reason: 'not enough', by: r.by, at },
          }),
      ),
      execute: complaintActorArb.map(plain(complaintId, 'ExecuteResolution')),
      followUp: plainRecord({
        satisfied: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
        by: complaintActorArb,
      }).map(
        (r): TimedComplaintCommand =>
          (at) => ({
            type: 'RecordFollowUpCall',
            data: { complaintId, satisfied: r.satisfied, customerSaid: 'OK', by: r.by, at },
          }),
      ),
      close: plainRecord({ rootCause: fc.constantFrom(...keysOf(RootCause)), by: complaintActorArb }).map(
        (r): TimedComplaintCommand =>
          (at) => ({
            type: 'CloseComplaint',
            data: {
              complaintId,
              rootCause: r.rootCause,
              lessonsLearned: 'Inspect completely',
              correctiveActions: [],
              internalNotice: null,
              by: r.by,
              at,
            },
          }),
      ),
    })
    .map((s) => [
      s.acknowledge,
      s.confirm,
      s.analyse,
      s.propose,
      s.approve,
      s.decision,
      s.execute,
      s.followUp,
      s.close,
    ])

/** Commands that may come at any time: escalation, contact, pauses and the SLA scheduler. */
export const complaintNoiseArb = (complaintId: string): fc.Arbitrary<TimedComplaintCommand> =>
  fc.oneof(
    plainRecord({ reason: complaintNoteArb, by: complaintActorArb }).map(
      (r): TimedComplaintCommand =>
        (at) => ({ type: 'EscalateComplaint', data: { complaintId, ...r, at } }),
    ),
    plainRecord({
      channel: fc.constantFrom(...keysOf(ComplaintChannel)),
      note: complaintNoteArb,
      by: complaintActorArb,
    }).map(
      (r): TimedComplaintCommand =>
        (at) => ({ type: 'RecordCustomerContact', data: { complaintId, ...r, at } }),
    ),
    plainRecord({ reason: fc.constantFrom(...keysOf(PauseReason)), by: complaintActorArb }).map(
      (r): TimedComplaintCommand =>
        (at) => ({ type: 'PauseComplaint', data: { complaintId, ...r, at } }),
    ),
    complaintActorArb.map(plain(complaintId, 'ResumeComplaint')),
    complaintActorArb.map(plain(complaintId, 'EvaluateComplaint')),
  )

export const shiftedBy = (at: string, minutes: number): string =>
  new Date(Date.parse(at) + minutes * 60_000).toISOString()
