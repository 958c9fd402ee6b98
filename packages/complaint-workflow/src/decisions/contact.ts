import type { PositiveInt } from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import type { PauseComplaint, RecordCustomerContact, ResumeComplaint } from '../commands.js'
import { complaintError } from '../errors.js'
import type { ComplaintEvent } from '../events.js'
import type { ComplaintPolicy } from '../policy.js'
import { type Complaint, isOpenComplaint } from '../state.js'
import { spentOnPause } from './breaches.js'
import { keywordEscalation, majorKeywordIn } from './escalation.js'
import { closedError, type Decision, steps } from './guards.js'

/** docs/domain.md §5: any new contact after closing reopens the complaint; media words make it 重大. */
export const recordCustomerContact = (
  p: ComplaintPolicy,
  c: RecordCustomerContact,
  s: Complaint,
): Decision => {
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
            reopenNo: (s.reopenCount + 1) as PositiveInt, // one more than a count
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
    steps(
      s,
      () => [contact],
      (now) => keywordEscalation(p, now, majorKeywordIn(p, d.note), d.by, d.at),
    ),
  )
}

/** docs/domain.md §5: waiting for the customer, parts or the maker really stops the clocks. */
export const pauseComplaint = (p: ComplaintPolicy, c: PauseComplaint, s: Complaint): Decision => {
  if (!isOpenComplaint(s)) return left(closedError(s))
  if (s.pause !== null)
    return left(complaintError('AlreadyPaused', `the complaint is already paused (${s.pause.reason})`))
  return right([
    {
      type: 'ComplaintPaused',
      data: {
        complaintId: c.data.complaintId,
        reason: c.data.reason,
        spent: spentOnPause(p, s, c.data.at),
        by: c.data.by,
        at: c.data.at,
      },
    },
  ])
}

/** docs/domain.md §5: the clocks run again where they stopped. */
export const resumeComplaint = (c: ResumeComplaint, s: Complaint): Decision => {
  if (!isOpenComplaint(s)) return left(closedError(s))
  if (s.pause === null) return left(complaintError('NotPaused', 'the complaint is not paused'))
  return right([
    { type: 'ComplaintResumed', data: { complaintId: c.data.complaintId, by: c.data.by, at: c.data.at } },
  ])
}
