import { formatYuan, type Projection } from '@dealer-crm/eventsourcing'
import { type ComplaintEvent, complaintEventTypes } from '../events.js'
import type { ComplaintActor } from '../roles.js'
import { severityLabel } from '../vocabulary.js'

export interface ComplaintTimelineEntry {
  readonly at: string
  readonly type: ComplaintEvent['type']
  /** What happened, in a clerk's words (personal fields are left out). */
  readonly what: string
  readonly by: ComplaintActor | null
  readonly streamPosition: number
}

/** Each complaint's story, step by step, with who did it (docs/domain.md §3 rules: each step records who). */
export type ComplaintTimelines = Map<string, ComplaintTimelineEntry[]>

const hours = (ms: number): string => `${(ms / 3_600_000).toFixed(1)} business hours`

/** One line per event, without personal data. */
export const describeComplaintEvent = (e: ComplaintEvent): string => {
  switch (e.type) {
    case 'ComplaintReceived':
      return `complaint received by ${e.data.channel}, severity ${severityLabel[e.data.severity]}${e.data.safetyRelated ? ', safety-related' : ''}`
    case 'ComplaintAcknowledged':
      return 'complaint acknowledged to the customer'
    case 'ProblemConfirmed':
      return `problem confirmed: ${e.data.cause}`
    case 'ComplaintAnalysed':
      return `analysed: ${e.data.justified ? 'justified' : 'not justified'}, assessed ${severityLabel[e.data.assessedSeverity]}`
    case 'SeverityRaised':
      return `severity raised from ${severityLabel[e.data.from]} to ${severityLabel[e.data.to]} (${e.data.reason})`
    case 'SeverityLowered':
      return `severity lowered from ${severityLabel[e.data.from]} to ${severityLabel[e.data.to]} (${e.data.reason})`
    case 'ComplaintEscalated':
      return e.data.fromLevel === e.data.toLevel
        ? `escalated at the top level ${e.data.toLevel}: ${e.data.reason}`
        : `escalated from level ${e.data.fromLevel} to ${e.data.toLevel}: ${e.data.reason}`
    case 'ResolutionProposed':
      return `resolution no. ${e.data.proposalNo} proposed, worth ${formatYuan(e.data.compensationValue)}; needs ${e.data.requiredApprover}`
    case 'ResolutionApproved':
      return `resolution no. ${e.data.proposalNo} approved`
    case 'CustomerAcceptedResolution':
      return `the customer accepted resolution no. ${e.data.proposalNo}`
    case 'CustomerRejectedResolution':
      return `the customer rejected resolution no. ${e.data.proposalNo}: ${e.data.reason}`
    case 'ResolutionExecuted':
      return `resolution no. ${e.data.proposalNo} carried out (${formatYuan(e.data.compensationValue)})`
    case 'GoodwillPointsGranted':
      return `${e.data.points} goodwill points granted`
    case 'FollowUpCallMade':
      return `follow-up call: the customer is ${e.data.satisfied ? 'satisfied' : 'not satisfied'}`
    case 'ComplaintClosed':
      return `closed; root cause ${e.data.rootCause}${e.data.internalNotice === null ? '' : '; internal notice issued'}`
    case 'CustomerContacted':
      return `the customer made contact by ${e.data.channel}`
    case 'ComplaintReopened':
      return `reopened (no. ${e.data.reopenNo}) after contact by ${e.data.channel}`
    case 'ComplaintPaused':
      return `SLA clocks paused: ${e.data.reason}`
    case 'ComplaintResumed':
      return 'SLA clocks running again'
    case 'SlaClockStopped':
      return `${e.data.clock} clock stopped after ${hours(e.data.spentMs)}`
    case 'SlaBreached':
      return `${e.data.clock} SLA breached after ${hours(e.data.spentMs)} (target ${e.data.targetMinutes / 60} h)`
  }
}

const byOf = (e: ComplaintEvent): ComplaintActor | null => ('by' in e.data ? e.data.by : null)

export const complaintTimelineProjection: Projection<ComplaintTimelines, ComplaintEvent> = {
  name: 'complaint-timeline',
  version: 1,
  handles: complaintEventTypes,
  init: () => new Map(),
  apply: (timelines, event) => {
    const entries = timelines.get(event.data.complaintId) ?? []
    entries.push({
      at: event.data.at,
      type: event.type,
      what: describeComplaintEvent(event),
      by: byOf(event),
      streamPosition: event.metadata.streamPosition,
    })
    timelines.set(event.data.complaintId, entries)
    return timelines
  },
}
