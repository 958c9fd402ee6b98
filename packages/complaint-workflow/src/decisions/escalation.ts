import {
  addElapsedDays,
  type Instant,
  isBefore,
  type PositiveInt,
  type Text,
} from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import type { EscalateComplaint, ReceiveComplaint } from '../commands.js'
import { complaintError } from '../errors.js'
import type { EscalationTrigger } from '../events.js'
import type { ComplaintPolicy } from '../policy.js'
import type { ComplaintActor } from '../roles.js'
import { type Complaint, isOpenComplaint } from '../state.js'
import { type Severity, severityLabel, severityRank } from '../vocabulary.js'
import { closedError, type Decision, type Events, steps } from './guards.js'
import { raiseSeverity } from './severity.js'

/**
 * One level up (while below the top) and a severity of at least 升级; media or 12315 words make it
 * 重大. At the top level an automatic escalation is recorded only when it raises the severity floor
 * (`toLevel` equals `fromLevel`), so the trigger stays on the record and the analysis cannot lower
 * the severity below it.
 */
export const escalation = (
  p: ComplaintPolicy,
  s: Complaint,
  trigger: EscalationTrigger,
  reason: string,
  by: ComplaintActor,
  at: Instant,
): Events => {
  const floor: Severity = trigger === 'keyword' ? 'major' : 'escalated'
  const levelUp = s.handlingLevel < p.maxHandlingLevel
  if (!levelUp && severityRank[floor] <= severityRank[s.severityFloor]) return []
  return steps(
    s,
    (now) => [
      {
        type: 'ComplaintEscalated',
        data: {
          complaintId: now.complaintId,
          trigger,
          reason: reason as Text, // every reason given here says something
          fromLevel: now.handlingLevel as PositiveInt, // levels start at 1 and only rise
          toLevel: (levelUp ? now.handlingLevel + 1 : now.handlingLevel) as PositiveInt,
          by,
          at,
          policyVersion: p.policyVersion,
        },
      },
    ],
    (now) => raiseSeverity(p, now, floor, 'escalation', at),
  )
}

/** The first of the policy's major keywords in what the customer says, or null. */
export const majorKeywordIn = (p: ComplaintPolicy, text: string): string | null =>
  p.autoEscalation.majorKeywords.find((k) => text.toLowerCase().includes(k.toLowerCase())) ?? null

/** Media, 12315 and like words in what the customer says escalate the complaint, once (OEM 重大). */
export const keywordEscalation = (
  p: ComplaintPolicy,
  s: Complaint,
  keyword: string | null,
  by: ComplaintActor,
  at: Instant,
): Events =>
  keyword === null || s.keywordEscalated
    ? []
    : escalation(p, s, 'keyword', `the customer mentions “${keyword}” (${severityLabel.major})`, by, at)

/** A complaint by the same customer within the policy's window of their last one (OEM 升级; docs/domain.md §5 Complaints). */
export const isRepeat = (
  p: ComplaintPolicy,
  prior: ReceiveComplaint['data']['priorComplaints'],
  at: Instant,
): boolean =>
  prior.count > 0 &&
  prior.lastReceivedAt !== null &&
  !isBefore(addElapsedDays(prior.lastReceivedAt, p.autoEscalation.repeatWithinDays), at)

/** Principle 层次高一点 (seed 002): escalation raises the handling level (docs/domain.md §3 rules). */
export const escalateComplaint = (p: ComplaintPolicy, c: EscalateComplaint, s: Complaint): Decision => {
  if (!isOpenComplaint(s)) return left(closedError(s))
  if (s.handlingLevel >= p.maxHandlingLevel)
    return left(
      complaintError(
        'AlreadyAtTopLevel',
        `the complaint is already handled at the top level (${s.handlingLevel})`,
      ),
    )
  return right(escalation(p, s, 'manual', c.data.reason, c.data.by, c.data.at))
}
