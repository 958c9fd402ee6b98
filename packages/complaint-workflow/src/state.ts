import type { CustomerId, Fen, Instant, PositiveInt, StaffId } from '@dealer-crm/eventsourcing'
import type { ComplaintEvent, ComplaintReceived } from './events.js'
import type { ComplaintId } from './ids.js'
import type { ComplaintRole } from './roles.js'
import { type SlaClock, type SlaClockName, type SlaTargets, startedClock } from './sla.js'
import {
  type Compensation,
  type Explanation,
  higherSeverity,
  type PauseReason,
  type RootCause,
  type Severity,
} from './vocabulary.js'

/**
 * Where a complaint stands in the procedure of docs/domain.md §3. `negotiating` is the stage a
 * rejected resolution or an unsatisfied follow-up call returns to: a new proposal is needed.
 */
export type ComplaintStage =
  | 'received'
  | 'acknowledged'
  | 'confirmed'
  | 'analysed'
  | 'negotiating'
  | 'proposed'
  | 'approved'
  | 'accepted'
  | 'executed'
  | 'followed-up'
  | 'closed'

export interface ComplaintProposal {
  readonly proposalNo: PositiveInt
  readonly compensation: ReadonlyArray<Compensation>
  readonly explanations: ReadonlyArray<Explanation>
  readonly compensationValue: Fen
  readonly requiredApprover: ComplaintRole
  readonly approvedBy: StaffId | null
}

export type SlaClocks = Readonly<Record<SlaClockName, SlaClock>>

export interface Complaint {
  readonly stage: ComplaintStage
  readonly complaintId: ComplaintId
  readonly customerId: CustomerId
  readonly owner: StaffId
  readonly severity: Severity
  /**
   * The lowest severity the facts allow: 重大 once a safety issue or a media / 12315 threat is
   * recorded, 升级 once the complaint was escalated. An analysis may lower the severity, never below it.
   */
  readonly severityFloor: Severity
  /** A media or 12315 threat has escalated the complaint (that happens once). */
  readonly keywordEscalated: boolean
  readonly safetyRelated: boolean
  readonly justified: boolean | null
  readonly handlingLevel: number
  readonly clocks: SlaClocks
  readonly pause: { readonly reason: PauseReason; readonly since: Instant } | null
  readonly proposal: ComplaintProposal | null
  readonly reopenCount: number
  readonly rootCause: RootCause | null
  /** The latest moment recorded on the complaint; no command may come from before it. */
  readonly lastAt: Instant
}

/** Before the complaint is received there is nothing but the stream name. */
export interface ComplaintNotReceived {
  readonly stage: 'not-received'
}

export type ComplaintState = ComplaintNotReceived | Complaint

export const initialComplaintState: ComplaintState = { stage: 'not-received' }

export const isOpenComplaint = (s: ComplaintState): s is Complaint =>
  s.stage !== 'not-received' && s.stage !== 'closed'

/** The complaint as it stands right after it was received. */
export const receivedComplaint = (e: ComplaintReceived): Complaint => {
  const d = e.data
  return {
    stage: 'received',
    complaintId: d.complaintId,
    customerId: d.customerId,
    owner: d.owner,
    severity: d.severity,
    severityFloor: d.safetyRelated ? 'major' : 'general',
    keywordEscalated: false,
    safetyRelated: d.safetyRelated,
    justified: null,
    handlingLevel: d.handlingLevel,
    clocks: {
      response: startedClock(d.slaTargets.response, d.at),
      investigation: startedClock(d.slaTargets.investigation, d.at),
      resolution: startedClock(d.slaTargets.resolution, d.at),
    },
    pause: null,
    proposal: null,
    reopenCount: 0,
    rootCause: null,
    lastAt: d.at,
  }
}

/** Total: a received complaint is never received again; anything before receipt is ignored. */
export const evolveComplaintState = (s: ComplaintState, e: ComplaintEvent): ComplaintState =>
  s.stage !== 'not-received'
    ? evolveComplaint(s, e)
    : e.type === 'ComplaintReceived'
      ? receivedComplaint(e)
      : s

const updateClock = (
  clocks: SlaClocks,
  name: SlaClockName,
  change: (c: SlaClock) => SlaClock,
): SlaClocks => ({
  ...clocks,
  [name]: change(clocks[name]),
})

const mapClocks = (clocks: SlaClocks, change: (c: SlaClock, name: SlaClockName) => SlaClock): SlaClocks => ({
  response: change(clocks.response, 'response'),
  investigation: change(clocks.investigation, 'investigation'),
  resolution: change(clocks.resolution, 'resolution'),
})

const retarget = (clocks: SlaClocks, targets: SlaTargets): SlaClocks =>
  mapClocks(clocks, (c, name) => ({ ...c, targetMinutes: targets[name] }))

/** A clock that runs again from `at` (or stays frozen while the complaint is paused). */
const restart =
  (s: Complaint, at: Instant) =>
  (c: SlaClock): SlaClock => ({
    ...c,
    stopped: false,
    runningSince: s.pause === null ? at : null,
  })

const stepTo = (stage: ComplaintStage, s: Complaint, at: Instant): Complaint => ({ ...s, stage, lastAt: at })

/** Total: an event that does not fit the complaint leaves it as it was (apart from its time). */
export const evolveComplaint = (s: Complaint, e: ComplaintEvent): Complaint => {
  switch (e.type) {
    case 'ComplaintReceived':
      return s
    case 'ComplaintAcknowledged':
      return stepTo('acknowledged', s, e.data.at)
    case 'ProblemConfirmed':
      return stepTo('confirmed', s, e.data.at)
    case 'ComplaintAnalysed':
      return {
        ...stepTo('analysed', s, e.data.at),
        justified: e.data.justified,
        safetyRelated: s.safetyRelated || e.data.safetyRelated,
        severityFloor: e.data.safetyRelated ? 'major' : s.severityFloor,
      }
    case 'SeverityRaised':
      return {
        ...s,
        severity: e.data.to,
        // Safety and escalation hold the severity up; an assessment does not.
        severityFloor:
          e.data.reason === 'assessment' ? s.severityFloor : higherSeverity(s.severityFloor, e.data.to),
        clocks: retarget(s.clocks, e.data.slaTargets),
        lastAt: e.data.at,
      }
    case 'SeverityLowered':
      return { ...s, severity: e.data.to, clocks: retarget(s.clocks, e.data.slaTargets), lastAt: e.data.at }
    case 'ComplaintEscalated':
      return {
        ...s,
        handlingLevel: e.data.toLevel,
        severityFloor: higherSeverity(s.severityFloor, e.data.trigger === 'keyword' ? 'major' : 'escalated'),
        keywordEscalated: s.keywordEscalated || e.data.trigger === 'keyword',
        lastAt: e.data.at,
      }
    case 'ResolutionProposed':
      return {
        ...stepTo('proposed', s, e.data.at),
        proposal: {
          proposalNo: e.data.proposalNo,
          compensation: e.data.compensation,
          explanations: e.data.explanations,
          compensationValue: e.data.compensationValue,
          requiredApprover: e.data.requiredApprover,
          approvedBy: null,
        },
      }
    case 'ResolutionApproved':
      return {
        ...stepTo('approved', s, e.data.at),
        proposal: s.proposal === null ? null : { ...s.proposal, approvedBy: e.data.by.id },
      }
    case 'CustomerAcceptedResolution':
      return stepTo('accepted', s, e.data.at)
    case 'CustomerRejectedResolution':
      return stepTo('negotiating', s, e.data.at)
    case 'ResolutionExecuted':
      return stepTo('executed', s, e.data.at)
    case 'GoodwillPointsGranted':
      return { ...s, lastAt: e.data.at }
    case 'FollowUpCallMade':
      return e.data.satisfied
        ? stepTo('followed-up', s, e.data.at)
        : {
            ...stepTo('negotiating', s, e.data.at),
            clocks: updateClock(s.clocks, 'resolution', restart(s, e.data.at)),
          }
    case 'ComplaintClosed':
      return {
        ...stepTo('closed', s, e.data.at),
        rootCause: e.data.rootCause,
        pause: null,
        clocks: mapClocks(s.clocks, (c) => ({ ...c, runningSince: null, stopped: true })),
      }
    case 'CustomerContacted':
      return { ...s, lastAt: e.data.at }
    case 'ComplaintReopened':
      return {
        ...stepTo('acknowledged', s, e.data.at),
        reopenCount: e.data.reopenNo,
        rootCause: null,
        clocks: updateClock(s.clocks, 'resolution', restart(s, e.data.at)),
      }
    case 'ComplaintPaused': {
      const spent = new Map(e.data.spent.map((x) => [x.clock, x.spentMs]))
      return {
        ...s,
        pause: { reason: e.data.reason, since: e.data.at },
        clocks: mapClocks(s.clocks, (c, name) =>
          c.stopped ? c : { ...c, spentMs: spent.get(name) ?? c.spentMs, runningSince: null },
        ),
        lastAt: e.data.at,
      }
    }
    case 'ComplaintResumed':
      return {
        ...s,
        pause: null,
        clocks: mapClocks(s.clocks, (c) => (c.stopped ? c : { ...c, runningSince: e.data.at })),
        lastAt: e.data.at,
      }
    case 'SlaClockStopped':
      return {
        ...s,
        clocks: updateClock(s.clocks, e.data.clock, (c) => ({
          ...c,
          spentMs: e.data.spentMs,
          runningSince: null,
          stopped: true,
        })),
        lastAt: e.data.at,
      }
    case 'SlaBreached':
      return {
        ...s,
        clocks: updateClock(s.clocks, e.data.clock, (c) => ({ ...c, breached: true })),
        lastAt: e.data.at,
      }
  }
}
