import { formatYuan, type PositiveInt } from '@dealer-crm/eventsourcing'
import { flatMap, left, map, right } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type {
  AcknowledgeComplaint,
  AnalyseComplaint,
  ApproveResolution,
  CloseComplaint,
  ConfirmProblem,
  ExecuteResolution,
  ProposeResolution,
  ReceiveComplaint,
  RecordCustomerDecision,
  RecordFollowUpCall,
} from '../commands.js'
import { complaintError } from '../errors.js'
import type { ComplaintReceived } from '../events.js'
import { type ComplaintPolicy, requiredApprover } from '../policy.js'
import { type Complaint, type ComplaintState, receivedComplaint } from '../state.js'
import { stopClock } from './breaches.js'
import { compensationValue, goodwillPoints, positivePoints } from './compensation.js'
import { escalation, isRepeat, keywordEscalation, majorKeywordIn } from './escalation.js'
import { type Decision, type Events, proposalOf, requireStage, steps } from './guards.js'
import { raiseSeverity, reassess } from './severity.js'

// The procedure, step by step (docs/domain.md §3 客户投诉处理的程序).

/** Step 1: receive and record, with an owner; safety, repeat complaints and media words escalate at once. */
export const receiveComplaint = (p: ComplaintPolicy, c: ReceiveComplaint, s: ComplaintState): Decision => {
  if (s.stage !== 'not-received')
    return left(
      complaintError('ComplaintAlreadyReceived', `complaint ${c.data.complaintId} was already received`),
    )
  const d = c.data
  const received: ComplaintReceived = {
    type: 'ComplaintReceived',
    data: {
      complaintId: d.complaintId,
      customerId: d.customerId,
      channel: d.channel,
      account: d.account,
      remedySought: d.remedySought,
      vehicleId: d.vehicleId,
      repairOrderId: d.repairOrderId,
      owner: d.owner,
      severity: d.severity,
      safetyRelated: d.safetyRelated,
      handlingLevel: 1 as PositiveInt, // every complaint starts at the first level
      slaTargets: p.slaTargets[d.severity],
      by: d.by,
      at: d.at,
      policyVersion: p.policyVersion,
    },
  }
  const keyword = majorKeywordIn(p, `${d.account} ${d.remedySought}`)
  return right([
    received,
    ...steps(
      receivedComplaint(received),
      // Safety issues are 重大 and come first (docs/domain.md §5 Complaints, ISO 10002 initial assessment).
      (now) => (d.safetyRelated ? raiseSeverity(p, now, 'major', 'safety', d.at) : []),
      // A repeat complaint within N days escalates (OEM 升级; docs/domain.md §5 Complaints).
      (now) =>
        isRepeat(p, d.priorComplaints, d.at)
          ? escalation(
              p,
              now,
              'repeat-complaint',
              `repeat complaint: ${d.priorComplaints.count} earlier complaint(s), the last on ${d.priorComplaints.lastReceivedAt}, within ${p.autoEscalation.repeatWithinDays} days`,
              d.by,
              d.at,
            )
          : [],
      (now) => keywordEscalation(p, now, keyword, d.by, d.at),
    ),
  ])
}

/** ISO 10002 acknowledge: the first response; stops the response clock. */
export const acknowledgeComplaint = (p: ComplaintPolicy, c: AcknowledgeComplaint, s: Complaint): Decision =>
  pipe(
    requireStage(s, ['received'], 'acknowledge the complaint', 'it was already acknowledged'),
    map(() => [
      {
        type: 'ComplaintAcknowledged',
        data: { complaintId: c.data.complaintId, by: c.data.by, at: c.data.at },
      },
      ...stopClock(p, s, 'response', c.data.at),
    ]),
  )

/** Step 2 确认问题: the course of events, the cause and the key factors. */
export const confirmProblem = (c: ConfirmProblem, s: Complaint): Decision =>
  pipe(
    requireStage(s, ['acknowledged'], 'confirm the problem', 'the complaint must be acknowledged first'),
    map(() => [
      {
        type: 'ProblemConfirmed',
        data: {
          complaintId: c.data.complaintId,
          customerId: s.customerId,
          courseOfEvents: c.data.courseOfEvents,
          cause: c.data.cause,
          keyFactors: c.data.keyFactors,
          by: c.data.by,
          at: c.data.at,
        },
      },
    ]),
  )

/**
 * Step 3 分析问题: severity, safety, justified or not; stops the investigation clock. The analysis
 * sets the severity, up or down from the one taken in, but never below its floor (safety → 重大).
 */
export const analyseComplaint = (p: ComplaintPolicy, c: AnalyseComplaint, s: Complaint): Decision => {
  const d = c.data
  return pipe(
    requireStage(s, ['confirmed'], 'analyse the complaint', 'the problem must be confirmed first'),
    map(() =>
      steps(
        s,
        () => [
          {
            type: 'ComplaintAnalysed',
            data: {
              complaintId: d.complaintId,
              assessedSeverity: d.severity,
              safetyRelated: d.safetyRelated,
              justified: d.justified,
              needsFurtherInvestigation: d.needsFurtherInvestigation,
              wantsBeyondMoney: d.wantsBeyondMoney,
              by: d.by,
              at: d.at,
            },
          },
        ],
        (now) => stopClock(p, now, 'investigation', d.at),
        (now) => reassess(p, now, d, d.at),
      ),
    ),
  )
}

/** Step 4 互相协商: a proposal of typed compensation, valued to find who must approve it. */
export const proposeResolution = (p: ComplaintPolicy, c: ProposeResolution, s: Complaint): Decision => {
  const d = c.data
  if (d.compensation.length === 0 && d.explanations.length === 0)
    return left(complaintError('EmptyProposal', 'a resolution must offer compensation or an explanation'))
  const value = compensationValue(p, d.compensation)
  return pipe(
    requireStage(
      s,
      ['analysed', 'negotiating', 'proposed'],
      'propose a resolution',
      'the complaint must be analysed first',
    ),
    map(() => [
      {
        type: 'ResolutionProposed',
        data: {
          complaintId: d.complaintId,
          proposalNo: ((s.proposal?.proposalNo ?? 0) + 1) as PositiveInt, // one more than the last
          compensation: d.compensation,
          explanations: d.explanations,
          compensationValue: value,
          requiredApprover: requiredApprover(p, value),
          by: d.by,
          at: d.at,
          policyVersion: p.policyVersion,
        },
      },
    ]),
  )
}

/** Step 5 汇报审批: compensation above a tier's limit needs a higher role (docs/domain.md §3 rules). */
export const approveResolution = (p: ComplaintPolicy, c: ApproveResolution, s: Complaint): Decision =>
  pipe(
    requireStage(s, ['proposed'], 'approve the resolution', 'a resolution must be proposed first'),
    flatMap(() => proposalOf(s)),
    flatMap((proposal) =>
      p.roleRank[c.data.by.role] < p.roleRank[proposal.requiredApprover]
        ? left(
            complaintError(
              'ApproverRoleTooLow',
              `by.role: compensation of ${formatYuan(proposal.compensationValue)} needs approval by ${proposal.requiredApprover} or above; ${c.data.by.role} is below that tier`,
            ),
          )
        : right([
            {
              type: 'ResolutionApproved',
              data: {
                complaintId: c.data.complaintId,
                proposalNo: proposal.proposalNo,
                by: c.data.by,
                at: c.data.at,
              },
            },
          ]),
    ),
  )

/** ISO 10002: the customer accepts, or rejects and the complaint stays open (and escalates by policy). */
export const recordCustomerDecision = (
  p: ComplaintPolicy,
  c: RecordCustomerDecision,
  s: Complaint,
): Decision => {
  const d = c.data
  const proposalNo = (s.proposal?.proposalNo ?? 0) as PositiveInt // approved stage: a proposal exists
  const reason = d.reason
  if (d.decision === 'reject' && reason === null)
    return left(
      complaintError('RejectionNeedsReason', 'reason: say why the customer rejected the resolution'),
    )
  return pipe(
    requireStage(s, ['approved'], "record the customer's decision", 'the resolution must be approved first'),
    map(() =>
      d.decision === 'accept' || reason === null
        ? [
            {
              type: 'CustomerAcceptedResolution' as const,
              data: { complaintId: d.complaintId, proposalNo, by: d.by, at: d.at },
            },
          ]
        : steps(
            s,
            () => [
              {
                type: 'CustomerRejectedResolution',
                data: { complaintId: d.complaintId, proposalNo, reason, by: d.by, at: d.at },
              },
            ],
            (now) =>
              p.autoEscalation.onRejectedResolution
                ? escalation(
                    p,
                    now,
                    'rejected-resolution',
                    `the customer rejected resolution no. ${proposalNo}`,
                    d.by,
                    d.at,
                  )
                : [],
            (now) => keywordEscalation(p, now, majorKeywordIn(p, reason), d.by, d.at),
          ),
    ),
  )
}

/** Step 5 carried out: only an approved, accepted resolution; goodwill points go to the loyalty package. */
export const executeResolution = (p: ComplaintPolicy, c: ExecuteResolution, s: Complaint): Decision =>
  pipe(
    requireStage(
      s,
      ['accepted'],
      'carry out the resolution',
      'the customer must accept an approved resolution first',
    ),
    flatMap(() => proposalOf(s)),
    map((proposal): Events => {
      const points = goodwillPoints(proposal.compensation)
      return [
        {
          type: 'ResolutionExecuted',
          data: {
            complaintId: c.data.complaintId,
            proposalNo: proposal.proposalNo,
            compensationValue: proposal.compensationValue,
            by: c.data.by,
            at: c.data.at,
          },
        },
        ...stopClock(p, s, 'resolution', c.data.at),
        ...(points > 0
          ? [
              {
                type: 'GoodwillPointsGranted' as const,
                data: {
                  complaintId: c.data.complaintId,
                  customerId: s.customerId,
                  points: positivePoints(points),
                  by: c.data.by,
                  at: c.data.at,
                },
              },
            ]
          : []),
      ]
    }),
  )

/**
 * Step 6 跟踪服务: the follow-up call; an unsatisfied customer means negotiating again, and an
 * unsatisfied customer who threatens the media or 12315 makes the complaint 重大.
 */
export const recordFollowUpCall = (p: ComplaintPolicy, c: RecordFollowUpCall, s: Complaint): Decision => {
  const d = c.data
  return pipe(
    requireStage(s, ['executed'], 'make the follow-up call', 'the resolution must be carried out first'),
    map(() =>
      steps(
        s,
        () => [
          {
            type: 'FollowUpCallMade',
            data: {
              complaintId: d.complaintId,
              customerId: s.customerId,
              satisfied: d.satisfied,
              customerSaid: d.customerSaid,
              by: d.by,
              at: d.at,
            },
          },
        ],
        (now) =>
          d.satisfied ? [] : keywordEscalation(p, now, majorKeywordIn(p, d.customerSaid), d.by, d.at),
      ),
    ),
  )
}

/** Step 7 经验教训总结: close only after a satisfied follow-up, with a root cause (docs/domain.md §3, §5). */
export const closeComplaint = (c: CloseComplaint, s: Complaint): Decision =>
  pipe(
    requireStage(
      s,
      ['followed-up'],
      'close the complaint',
      'a follow-up call must find the customer satisfied first',
    ),
    map(() => [
      {
        type: 'ComplaintClosed',
        data: {
          complaintId: c.data.complaintId,
          rootCause: c.data.rootCause,
          lessonsLearned: c.data.lessonsLearned,
          correctiveActions: c.data.correctiveActions,
          internalNotice: c.data.internalNotice,
          by: c.data.by,
          at: c.data.at,
        },
      },
    ]),
  )
