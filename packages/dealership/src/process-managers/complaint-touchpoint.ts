import { LifecycleRole } from '@dealer-crm/customer-lifecycle'
import type { Actor, ProcessManager } from '@dealer-crm/eventsourcing'
import type { DealershipPolicies } from '../policy.js'
import { type ProcessCommand, processActor } from '../process-command.js'
import type { DealershipEvent } from '../registry.js'

const name = 'complaint-touchpoint'

const DAY_MS = 86_400_000

/** The lifecycle knows its own staff roles; anyone else acts through the process manager. */
const lifecycleActor = (by: Actor) =>
  LifecycleRole.is(by.role) ? { id: by.id, role: by.role } : processActor(name)

/**
 * A received complaint goes on the customer's contact history (docs/domain.md §1: a touchpoint done
 * with the outcome "complaint raised") and, by policy, holds the customer's stage for a while
 * (§1 stage 6 at risk; the seed's retention figures after a complaint):
 * `ComplaintReceived` → `PlanTouchpoint` + `RecordTouchpointOutcome` (+ `OverrideStage`).
 *
 * customer-lifecycle has no command for an inbound contact: its touchpoints are planned outbound
 * contacts. The complaint is recorded as a periodic call-back due at the moment it was received and
 * done at once with the outcome `complaint-raised`, so the lifecycle's consent and quiet-hour rules
 * apply to it (a complaint received in the quiet hours is refused and reported).
 */
export const complaintTouchpoint = (
  policies: DealershipPolicies,
): ProcessManager<DealershipEvent, ProcessCommand> => ({
  name,
  handles: ['ComplaintReceived'],
  react: (event) => {
    if (event.type !== 'ComplaintReceived') return []
    const { complaintId, customerId, channel, severity } = event.data
    const at = event.data.at
    const by = lifecycleActor(event.data.by)
    const touchpointId = `complaint-${complaintId}`
    const { touchpointChannel, moveStage } = policies.processes.complaints
    const touchpoint: ReadonlyArray<ProcessCommand> = [
      {
        domain: 'customer-lifecycle',
        command: {
          type: 'PlanTouchpoint',
          data: {
            customerId,
            touchpointId,
            at,
            by,
            kind: 'periodic-call-back',
            channel: touchpointChannel[channel],
            dueAt: at,
            familyMemberId: null,
          },
        },
        alreadyDone: ['TouchpointAlreadyPlanned'],
      },
      {
        domain: 'customer-lifecycle',
        command: {
          type: 'RecordTouchpointOutcome',
          data: {
            customerId,
            touchpointId,
            at,
            by,
            outcome: 'complaint-raised',
            note: `complaint ${complaintId} received (${channel}, ${severity})`,
          },
        },
        // UnknownTouchpoint: its planning just above was refused (consent, quiet hours) and that
        // refusal is reported; the outcome has nothing to close, so it is not reported a second time.
        alreadyDone: ['TouchpointClosed', 'UnknownTouchpoint'],
      },
    ]
    if (moveStage === null || !moveStage.severities.includes(severity)) return touchpoint
    return [
      ...touchpoint,
      {
        domain: 'customer-lifecycle',
        command: {
          type: 'OverrideStage',
          data: {
            customerId,
            at,
            by,
            stage: moveStage.to,
            reason: `complaint ${complaintId} (${severity})`,
            expiresAt: new Date(Date.parse(at) + moveStage.forDays * DAY_MS).toISOString(),
          },
        },
        alreadyDone: ['SameStage'],
      },
    ]
  },
})
