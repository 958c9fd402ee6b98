import type { Instant } from '@dealer-crm/eventsourcing'
import type { AnalyseComplaint } from '../commands.js'
import type { ComplaintPolicy } from '../policy.js'
import type { Complaint } from '../state.js'
import { higherSeverity, type Severity, severityRank } from '../vocabulary.js'
import type { Events } from './guards.js'

/**
 * Severity only rises here (docs/domain.md §5 Complaints, OEM 升级 / 重大): the clocks keep the time
 * already spent and take the new, tighter targets.
 */
export const raiseSeverity = (
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
 * The analysis's severity, held up by the floor (which already counts this analysis's safety
 * finding): raised or lowered, the clocks keep the time already spent (docs/domain.md §5 SLA clocks).
 */
export const reassess = (
  p: ComplaintPolicy,
  s: Complaint,
  d: AnalyseComplaint['data'],
  at: Instant,
): Events => {
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
