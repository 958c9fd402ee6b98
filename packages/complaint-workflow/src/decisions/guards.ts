import { inSequence } from '@dealer-crm/eventsourcing'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { type ComplaintError, complaintError } from '../errors.js'
import type { ComplaintEvent } from '../events.js'
import { type Complaint, type ComplaintProposal, type ComplaintStage, evolveComplaint } from '../state.js'

/** What a command decides: the events it records, or why it was refused. */
export type Decision = Either<ComplaintError, ReadonlyArray<ComplaintEvent>>
export type Events = ReadonlyArray<ComplaintEvent>

/** Events of several steps, each step seeing the complaint the previous ones left (the kernel's `inSequence`). */
export const steps = (s: Complaint, ...each: ReadonlyArray<(now: Complaint) => Events>): Events =>
  inSequence(evolveComplaint, s, ...each)

const stageWords: Readonly<Record<ComplaintStage, string>> = {
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

export const closedError = (s: Complaint): ComplaintError =>
  complaintError('ComplaintClosed', `complaint ${s.complaintId} is closed; a new contact reopens it`)

/** Steps cannot be skipped (docs/domain.md §3 rules: steps happen in order). */
export const requireStage = (
  s: Complaint,
  allowed: ReadonlyArray<ComplaintStage>,
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

export const proposalOf = (s: Complaint): Either<ComplaintError, ComplaintProposal> =>
  s.proposal === null
    ? left(complaintError('StepOutOfOrder', 'no resolution has been proposed'))
    : right(s.proposal)
