import { type Either, flatMap, left, map, right } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type {
  AcknowledgeComplaint,
  AnalyseComplaint,
  ApproveResolution,
  CloseComplaint,
  ComplaintCommand,
  ConfirmProblem,
  EscalateComplaint,
  ExecuteResolution,
  PauseComplaint,
  ProposeResolution,
  ReceiveComplaint,
  RecordCustomerContact,
  RecordCustomerDecision,
  RecordFollowUpCall,
  ResumeComplaint,
} from './commands.js'
import { type ComplaintError, complaintError } from './errors.js'
import type { ComplaintEvent, ComplaintReceived, EscalationTrigger } from './events.js'
import { type ComplaintPolicy, requiredApprover } from './policy.js'
import { elapsedMs, isNewlyBreached, type SlaClockName, slaClockNames } from './sla.js'
import {
  type Complaint,
  type ComplaintState,
  evolveComplaint,
  isOpen,
  type Proposal,
  receivedComplaint,
  type Stage,
} from './state.js'
import { epochMs, type Instant, isBefore, yuan } from './values.js'
import {
  type Compensation,
  higherSeverity,
  type Severity,
  type Staff,
  severityLabel,
  severityRank,
} from './vocabulary.js'

type Decision = Either<ComplaintError, ReadonlyArray<ComplaintEvent>>
type Events = ReadonlyArray<ComplaintEvent>

/**
 * The rules of complaint handling (docs/domain.md §3, §5 Complaints), one function per command.
 * Every accepted command on an open complaint first records the SLA breaches that happened
 * by its time, so a breach is seen however the time arrives (a step or `EvaluateAt`).
 */
export const decideWith =
  (policy: ComplaintPolicy) =>
  (command: ComplaintCommand, complaint: ComplaintState): Decision => {
    if (command.type === 'ReceiveComplaint') return receiveComplaint(policy, command, complaint)
    const { complaintId, at } = command.data
    if (complaint.stage === 'not-received')
      return left(complaintError('ComplaintNotFound', `complaint ${complaintId} has not been received`))
    if (complaintId !== complaint.complaintId)
      return left(
        complaintError('WrongComplaint', `this is complaint ${complaint.complaintId}, not ${complaintId}`),
      )
    // Time only moves forward on a complaint, so SLA clocks are monotonic (docs/domain.md §5 Complaints).
    if (isBefore(at, complaint.lastAt))
      return left(
        complaintError(
          'TimeWentBackwards',
          `${at} is before the complaint's last recorded moment ${complaint.lastAt}`,
        ),
      )
    // Breaches due by now are recorded first; a raised severity with a tighter target may add more.
    return pipe(
      decideStep(policy, command, complaint),
      map((events) =>
        inSequence(
          complaint,
          (now) => breachesAt(policy, now, at),
          () => events,
          (now) => breachesAt(policy, now, at),
        ),
      ),
    )
  }

const decideStep = (
  policy: ComplaintPolicy,
  command: Exclude<ComplaintCommand, ReceiveComplaint>,
  s: Complaint,
): Decision => {
  switch (command.type) {
    case 'AcknowledgeComplaint':
      return acknowledgeComplaint(policy, command, s)
    case 'ConfirmProblem':
      return confirmProblem(command, s)
    case 'AnalyseComplaint':
      return analyseComplaint(policy, command, s)
    case 'ProposeResolution':
      return proposeResolution(policy, command, s)
    case 'ApproveResolution':
      return approveResolution(policy, command, s)
    case 'RecordCustomerDecision':
      return recordCustomerDecision(policy, command, s)
    case 'ExecuteResolution':
      return executeResolution(policy, command, s)
    case 'RecordFollowUpCall':
      return recordFollowUpCall(policy, command, s)
    case 'CloseComplaint':
      return closeComplaint(command, s)
    case 'EscalateComplaint':
      return escalateComplaint(policy, command, s)
    case 'RecordCustomerContact':
      return recordCustomerContact(policy, command, s)
    case 'PauseComplaint':
      return pauseComplaint(policy, command, s)
    case 'ResumeComplaint':
      return resumeComplaint(command, s)
    case 'EvaluateAt':
      // docs/domain.md §5: time-driven breaches arrive through EvaluateAt; the breaches are added above.
      return right([])
  }
}

// --- the procedure, step by step (docs/domain.md §3 客户投诉处理的程序) -------------------------------

/** Step 1: receive and record, with an owner; safety, repeat complaints and media words escalate at once. */
const receiveComplaint = (p: ComplaintPolicy, c: ReceiveComplaint, s: ComplaintState): Decision => {
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
      handlingLevel: 1,
      slaTargets: p.slaTargets[d.severity],
      by: d.by,
      at: d.at,
      policyVersion: p.policyVersion,
    },
  }
  const keyword = majorKeywordIn(p, `${d.account} ${d.remedySought}`)
  return right([
    received,
    ...inSequence(
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
const acknowledgeComplaint = (p: ComplaintPolicy, c: AcknowledgeComplaint, s: Complaint): Decision =>
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
const confirmProblem = (c: ConfirmProblem, s: Complaint): Decision =>
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
const analyseComplaint = (p: ComplaintPolicy, c: AnalyseComplaint, s: Complaint): Decision => {
  const d = c.data
  return pipe(
    requireStage(s, ['confirmed'], 'analyse the complaint', 'the problem must be confirmed first'),
    map(() =>
      inSequence(
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
const proposeResolution = (p: ComplaintPolicy, c: ProposeResolution, s: Complaint): Decision => {
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
          proposalNo: (s.proposal?.proposalNo ?? 0) + 1,
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
const approveResolution = (p: ComplaintPolicy, c: ApproveResolution, s: Complaint): Decision =>
  pipe(
    requireStage(s, ['proposed'], 'approve the resolution', 'a resolution must be proposed first'),
    flatMap(() => proposalOf(s)),
    flatMap((proposal) =>
      p.roleRank[c.data.by.role] < p.roleRank[proposal.requiredApprover]
        ? left(
            complaintError(
              'ApproverRoleTooLow',
              `by.role: compensation of ${yuan(proposal.compensationValue)} needs approval by ${proposal.requiredApprover} or above; ${c.data.by.role} is below that tier`,
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
const recordCustomerDecision = (p: ComplaintPolicy, c: RecordCustomerDecision, s: Complaint): Decision => {
  const d = c.data
  const proposalNo = s.proposal?.proposalNo ?? 0
  if (d.decision === 'reject' && d.reason === null)
    return left(
      complaintError('RejectionNeedsReason', 'reason: say why the customer rejected the resolution'),
    )
  return pipe(
    requireStage(s, ['approved'], "record the customer's decision", 'the resolution must be approved first'),
    map(() =>
      d.decision === 'accept'
        ? [
            {
              type: 'CustomerAcceptedResolution' as const,
              data: { complaintId: d.complaintId, proposalNo, by: d.by, at: d.at },
            },
          ]
        : inSequence(
            s,
            () => [
              {
                type: 'CustomerRejectedResolution',
                data: { complaintId: d.complaintId, proposalNo, reason: d.reason ?? '', by: d.by, at: d.at },
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
            (now) => keywordEscalation(p, now, majorKeywordIn(p, d.reason ?? ''), d.by, d.at),
          ),
    ),
  )
}

/** Step 5 carried out: only an approved, accepted resolution; goodwill points go to the loyalty package. */
const executeResolution = (p: ComplaintPolicy, c: ExecuteResolution, s: Complaint): Decision =>
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
                  points,
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
const recordFollowUpCall = (p: ComplaintPolicy, c: RecordFollowUpCall, s: Complaint): Decision => {
  const d = c.data
  return pipe(
    requireStage(s, ['executed'], 'make the follow-up call', 'the resolution must be carried out first'),
    map(() =>
      inSequence(
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
const closeComplaint = (c: CloseComplaint, s: Complaint): Decision =>
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

// --- escalation, contact and pauses ----------------------------------------------------------------

/** Principle 层次高一点 (seed 002): escalation raises the handling level (docs/domain.md §3 rules). */
const escalateComplaint = (p: ComplaintPolicy, c: EscalateComplaint, s: Complaint): Decision => {
  if (!isOpen(s)) return left(closedError(s))
  if (s.handlingLevel >= p.maxHandlingLevel)
    return left(
      complaintError(
        'AlreadyAtTopLevel',
        `the complaint is already handled at the top level (${s.handlingLevel})`,
      ),
    )
  return right(escalation(p, s, 'manual', c.data.reason, c.data.by, c.data.at))
}

/** docs/domain.md §5: any new contact after closing reopens the complaint; media words make it 重大. */
const recordCustomerContact = (p: ComplaintPolicy, c: RecordCustomerContact, s: Complaint): Decision => {
  const d = c.data
  const customerId = s.customerId
  const contact: ComplaintEvent =
    s.stage === 'closed'
      ? {
          type: 'ComplaintReopened',
          data: {
            complaintId: d.complaintId,
            customerId,
            channel: d.channel,
            note: d.note,
            reopenNo: s.reopenCount + 1,
            by: d.by,
            at: d.at,
          },
        }
      : {
          type: 'CustomerContacted',
          data: {
            complaintId: d.complaintId,
            customerId,
            channel: d.channel,
            note: d.note,
            by: d.by,
            at: d.at,
          },
        }
  return right(
    inSequence(
      s,
      () => [contact],
      (now) => keywordEscalation(p, now, majorKeywordIn(p, d.note), d.by, d.at),
    ),
  )
}

/** docs/domain.md §5: waiting for the customer, parts or the maker really stops the clocks. */
const pauseComplaint = (p: ComplaintPolicy, c: PauseComplaint, s: Complaint): Decision => {
  if (!isOpen(s)) return left(closedError(s))
  if (s.pause !== null)
    return left(complaintError('AlreadyPaused', `the complaint is already paused (${s.pause.reason})`))
  return right([
    {
      type: 'ComplaintPaused',
      data: {
        complaintId: c.data.complaintId,
        reason: c.data.reason,
        spent: slaClockNames
          .filter((name) => !s.clocks[name].stopped)
          .map((name) => ({ clock: name, spentMs: elapsedMs(p.calendar, s.clocks[name], c.data.at) })),
        by: c.data.by,
        at: c.data.at,
      },
    },
  ])
}

const resumeComplaint = (c: ResumeComplaint, s: Complaint): Decision => {
  if (!isOpen(s)) return left(closedError(s))
  if (s.pause === null) return left(complaintError('NotPaused', 'the complaint is not paused'))
  return right([
    { type: 'ComplaintResumed', data: { complaintId: c.data.complaintId, by: c.data.by, at: c.data.at } },
  ])
}

// --- helpers in the same vocabulary ---------------------------------------------------------------

/** Events of several steps, each step seeing the state the previous ones left. */
const inSequence = (s: Complaint, ...steps: ReadonlyArray<(now: Complaint) => Events>): Events => {
  const out: ComplaintEvent[] = []
  let now = s
  for (const step of steps)
    for (const e of step(now)) {
      out.push(e)
      now = evolveComplaint(now, e)
    }
  return out
}

const stageWords: Readonly<Record<Stage, string>> = {
  received: 'received but not acknowledged',
  acknowledged: 'acknowledged, problem not confirmed',
  confirmed: 'confirmed, not analysed',
  analysed: 'analysed, no resolution proposed',
  negotiating: 'back in negotiation, a new resolution is needed',
  proposed: 'waiting for approval of the proposed resolution',
  approved: "waiting for the customer's decision",
  accepted: 'accepted by the customer, not carried out',
  executed: 'resolved, waiting for the follow-up call',
  'followed-up': 'followed up, ready to close',
  closed: 'closed',
}

const closedError = (s: Complaint): ComplaintError =>
  complaintError('ComplaintClosed', `complaint ${s.complaintId} is closed; a new contact reopens it`)

/** Steps cannot be skipped (docs/domain.md §3 rules: steps happen in order). */
const requireStage = (
  s: Complaint,
  allowed: ReadonlyArray<Stage>,
  action: string,
  needs: string,
): Either<ComplaintError, Complaint> =>
  allowed.includes(s.stage)
    ? right(s)
    : s.stage === 'closed'
      ? left(closedError(s))
      : left(
          complaintError(
            'StepOutOfOrder',
            `cannot ${action}: ${needs} (the complaint is ${stageWords[s.stage]})`,
          ),
        )

const proposalOf = (s: Complaint): Either<ComplaintError, Proposal> =>
  s.proposal === null
    ? left(complaintError('StepOutOfOrder', 'no resolution has been proposed'))
    : right(s.proposal)

const goodwillPoints = (items: ReadonlyArray<Compensation>): number =>
  items.reduce((sum, item) => sum + (item.kind === 'goodwill-points' ? item.points : 0), 0)

/** What a proposal costs the dealership, in fen; an apology costs nothing. */
export const compensationValue = (p: ComplaintPolicy, items: ReadonlyArray<Compensation>): number =>
  items.reduce((sum, item) => sum + itemValue(p, item), 0)

const itemValue = (p: ComplaintPolicy, item: Compensation): number => {
  switch (item.kind) {
    case 'apology':
      return 0
    case 'discount':
      return Math.floor((item.onAmount * item.percent) / 100)
    case 'price-correction':
    case 'service-voucher':
      return item.amount
    case 'goodwill-points':
      return item.points * p.fenPerGoodwillPoint
  }
}

const stopClock = (p: ComplaintPolicy, s: Complaint, clock: SlaClockName, at: Instant): Events =>
  s.clocks[clock].stopped
    ? []
    : [
        {
          type: 'SlaClockStopped',
          data: {
            complaintId: s.complaintId,
            clock,
            spentMs: elapsedMs(p.calendar, s.clocks[clock], at),
            targetMinutes: s.clocks[clock].targetMinutes,
            at,
          },
        },
      ]

const raiseSeverity = (
  p: ComplaintPolicy,
  s: Complaint,
  to: Severity,
  reason: 'assessment' | 'safety' | 'escalation',
  at: Instant,
): Events =>
  severityRank[to] <= severityRank[s.severity]
    ? []
    : [
        {
          type: 'SeverityRaised',
          data: {
            complaintId: s.complaintId,
            from: s.severity,
            to,
            reason,
            slaTargets: p.slaTargets[to],
            at,
            policyVersion: p.policyVersion,
          },
        },
      ]

/**
 * One level up (while below the top) and a severity of at least 升级; media or 12315 words make it
 * 重大. At the top level an automatic escalation is recorded only when it raises the severity floor
 * (`toLevel` equals `fromLevel`), so the trigger stays on the record and the analysis cannot lower
 * the severity below it.
 */
const escalation = (
  p: ComplaintPolicy,
  s: Complaint,
  trigger: EscalationTrigger,
  reason: string,
  by: Staff,
  at: Instant,
): Events => {
  const floor: Severity = trigger === 'keyword' ? 'major' : 'escalated'
  const levelUp = s.handlingLevel < p.maxHandlingLevel
  if (!levelUp && severityRank[floor] <= severityRank[s.severityFloor]) return []
  return inSequence(
    s,
    (now) => [
      {
        type: 'ComplaintEscalated',
        data: {
          complaintId: now.complaintId,
          trigger,
          reason,
          fromLevel: now.handlingLevel,
          toLevel: levelUp ? now.handlingLevel + 1 : now.handlingLevel,
          by,
          at,
          policyVersion: p.policyVersion,
        },
      },
    ],
    (now) => raiseSeverity(p, now, floor, 'escalation', at),
  )
}

/** Media, 12315 and like words in what the customer says escalate the complaint, once (OEM 重大). */
const keywordEscalation = (
  p: ComplaintPolicy,
  s: Complaint,
  keyword: string | null,
  by: Staff,
  at: Instant,
) =>
  keyword === null || s.keywordEscalated
    ? []
    : escalation(p, s, 'keyword', `the customer mentions “${keyword}” (${severityLabel.major})`, by, at)

/**
 * The analysis's severity, held up by the floor (which already counts this analysis's safety
 * finding): raised or lowered, the clocks keep the time already spent (docs/domain.md §5 SLA clocks).
 */
const reassess = (p: ComplaintPolicy, s: Complaint, d: AnalyseComplaint['data'], at: Instant): Events => {
  const to = higherSeverity(d.severity, s.severityFloor)
  if (severityRank[to] > severityRank[s.severity])
    return raiseSeverity(p, s, to, to === d.severity ? 'assessment' : 'safety', at)
  if (severityRank[to] === severityRank[s.severity]) return []
  return [
    {
      type: 'SeverityLowered',
      data: {
        complaintId: s.complaintId,
        from: s.severity,
        to,
        reason: 'assessment',
        slaTargets: p.slaTargets[to],
        by: d.by,
        at,
        policyVersion: p.policyVersion,
      },
    },
  ]
}

const majorKeywordIn = (p: ComplaintPolicy, text: string): string | null =>
  p.autoEscalation.majorKeywords.find((k) => text.toLowerCase().includes(k.toLowerCase())) ?? null

const DAY_MS = 86_400_000

const isRepeat = (p: ComplaintPolicy, prior: ReceiveComplaint['data']['priorComplaints'], at: Instant) =>
  prior.count > 0 &&
  prior.lastReceivedAt !== null &&
  epochMs(at) - epochMs(prior.lastReceivedAt) <= p.autoEscalation.repeatWithinDays * DAY_MS

/** docs/domain.md §3/§5: a clock past its target is recorded as breached, once. */
const breachesAt = (p: ComplaintPolicy, s: Complaint, at: Instant): Events =>
  slaClockNames
    .filter((name) => isNewlyBreached(p.calendar, s.clocks[name], at))
    .map((name) => ({
      type: 'SlaBreached' as const,
      data: {
        complaintId: s.complaintId,
        clock: name,
        severity: s.severity,
        spentMs: elapsedMs(p.calendar, s.clocks[name], at),
        targetMinutes: s.clocks[name].targetMinutes,
        at,
      },
    }))
