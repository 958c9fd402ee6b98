import { type Decider, isBefore } from '@dealer-crm/eventsourcing'
import { left, map, right } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { ComplaintCommand, ReceiveComplaint } from './commands.js'
import { breachesAt } from './decisions/breaches.js'
import { pauseComplaint, recordCustomerContact, resumeComplaint } from './decisions/contact.js'
import { escalateComplaint } from './decisions/escalation.js'
import { type Decision, steps } from './decisions/guards.js'
import {
  acknowledgeComplaint,
  analyseComplaint,
  approveResolution,
  closeComplaint,
  confirmProblem,
  executeResolution,
  proposeResolution,
  receiveComplaint,
  recordCustomerDecision,
  recordFollowUpCall,
} from './decisions/procedure.js'
import { type ComplaintError, complaintError } from './errors.js'
import type { ComplaintEvent } from './events.js'
import { type ComplaintPolicy, defaultComplaintPolicy } from './policy.js'
import { type Complaint, type ComplaintState, evolveComplaintState, initialComplaintState } from './state.js'

/** The complaint decider's type: commands, events, state and refusals of complaint handling. */
export type ComplaintDecider = Decider<ComplaintCommand, ComplaintEvent, ComplaintState, ComplaintError>

/**
 * The rules of complaint handling (docs/domain.md §3, §5 Complaints) under a policy (thresholds,
 * tiers, SLA targets, business calendar), one function per command. Every accepted command on an
 * open complaint first records the SLA breaches that happened by its time, so a breach is seen
 * however the time arrives (a step or `EvaluateComplaint`).
 */
export const complaintDecider = (policy: ComplaintPolicy = defaultComplaintPolicy): ComplaintDecider => ({
  decide: (command, complaint) => decideComplaint(policy, command, complaint),
  evolve: evolveComplaintState,
  initialState: initialComplaintState,
})

const decideComplaint = (
  policy: ComplaintPolicy,
  command: ComplaintCommand,
  complaint: ComplaintState,
): Decision => {
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
      steps(
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
    case 'EvaluateComplaint':
      // docs/domain.md §5: time-driven breaches arrive through EvaluateComplaint; the breaches are added above.
      return right([])
  }
}
