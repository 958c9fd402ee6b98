import type { Count, Instant } from '@dealer-crm/eventsourcing'
import type { ComplaintPolicy } from '../policy.js'
import { elapsedMs, isNewlyBreached, type SlaClockName, slaClockNames } from '../sla.js'
import type { Complaint } from '../state.js'
import type { Events } from './guards.js'

/** Business time as the events hold it: whole milliseconds, never negative. */
const spent = (ms: number): Count => ms as Count // elapsed business time is a sum of whole, non-negative ms

/** docs/domain.md §3/§5: a clock past its target is recorded as breached, once. */
export const breachesAt = (p: ComplaintPolicy, s: Complaint, at: Instant): Events =>
  slaClockNames
    .filter((name) => isNewlyBreached(p.calendar, s.clocks[name], at))
    .map((name) => ({
      type: 'SlaBreached' as const,
      data: {
        complaintId: s.complaintId,
        clock: name,
        severity: s.severity,
        spentMs: spent(elapsedMs(p.calendar, s.clocks[name], at)),
        targetMinutes: s.clocks[name].targetMinutes as Count, // targets are whole minutes
        at,
      },
    }))

/** A clock reaches its stop step (docs/domain.md §5 dealer deadlines): the business time it took is recorded. */
export const stopClock = (p: ComplaintPolicy, s: Complaint, clock: SlaClockName, at: Instant): Events =>
  s.clocks[clock].stopped
    ? []
    : [
        {
          type: 'SlaClockStopped',
          data: {
            complaintId: s.complaintId,
            clock,
            spentMs: spent(elapsedMs(p.calendar, s.clocks[clock], at)),
            targetMinutes: s.clocks[clock].targetMinutes as Count, // targets are whole minutes
            at,
          },
        },
      ]

/** The time each running clock had spent when the complaint was paused. */
export const spentOnPause = (p: ComplaintPolicy, s: Complaint, at: Instant) =>
  slaClockNames
    .filter((name) => !s.clocks[name].stopped)
    .map((name) => ({ clock: name, spentMs: spent(elapsedMs(p.calendar, s.clocks[name], at)) }))
