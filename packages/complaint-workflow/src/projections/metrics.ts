import type { Projection } from '@dealer-crm/eventsourcing'
import type { ComplaintEvent } from '../events.js'
import type { SlaClockName } from '../sla.js'

/** Counters behind the complaint metrics of docs/domain.md §5 Complaints, per complaint where it matters. */
export interface ComplaintMetricsTally {
  readonly received: Set<string>
  /** Business time to acknowledge, excluding pauses. */
  readonly timeToAcknowledge: Map<string, number>
  /** Business time to resolution, excluding pauses (the latest, after a reopen). */
  readonly resolutionTime: Map<string, number>
  /** Clocks that stopped within target / clocks that were breached, as `complaintId/clock`. */
  readonly slaMet: Set<string>
  readonly slaBreached: Set<string>
  readonly escalated: Set<string>
  readonly closed: Set<string>
  readonly reopened: Set<string>
  /** The latest analysis of each complaint: justified or not. */
  readonly justified: Map<string, boolean>
  /** Compensation carried out, in fen. */
  compensationCost: number
}

const clockKey = (complaintId: string, clock: SlaClockName) => `${complaintId}/${clock}`

export const complaintMetricsProjection: Projection<ComplaintMetricsTally, ComplaintEvent> = {
  name: 'complaint-metrics',
  version: 1,
  handles: [
    'ComplaintReceived',
    'SlaClockStopped',
    'SlaBreached',
    'ComplaintEscalated',
    'ComplaintAnalysed',
    'ResolutionExecuted',
    'ComplaintClosed',
    'ComplaintReopened',
  ],
  init: () => ({
    received: new Set(),
    timeToAcknowledge: new Map(),
    resolutionTime: new Map(),
    slaMet: new Set(),
    slaBreached: new Set(),
    escalated: new Set(),
    closed: new Set(),
    reopened: new Set(),
    justified: new Map(),
    compensationCost: 0,
  }),
  apply: (m, e) => {
    const id = e.data.complaintId
    switch (e.type) {
      case 'ComplaintReceived':
        m.received.add(id)
        break
      case 'SlaClockStopped': {
        if (e.data.clock === 'response') m.timeToAcknowledge.set(id, e.data.spentMs)
        if (e.data.clock === 'resolution') m.resolutionTime.set(id, e.data.spentMs)
        const key = clockKey(id, e.data.clock)
        if (!m.slaBreached.has(key)) m.slaMet.add(key)
        break
      }
      case 'SlaBreached': {
        const key = clockKey(id, e.data.clock)
        m.slaMet.delete(key)
        m.slaBreached.add(key)
        break
      }
      case 'ComplaintEscalated':
        m.escalated.add(id)
        break
      case 'ComplaintAnalysed':
        m.justified.set(id, e.data.justified)
        break
      case 'ResolutionExecuted':
        m.compensationCost += e.data.compensationValue
        break
      case 'ComplaintClosed':
        m.closed.add(id)
        break
      case 'ComplaintReopened':
        m.reopened.add(id)
        break
      default:
        break
    }
    return m
  },
}

export interface ComplaintMetrics {
  readonly complaints: number
  /** Mean business time to acknowledge, in ms (null before any acknowledgement). */
  readonly meanTimeToAcknowledgeMs: number | null
  /** Mean business time to resolution excluding pauses, in ms. */
  readonly meanResolutionTimeMs: number | null
  /** Clocks met ÷ clocks met or breached, 0–1. */
  readonly slaAttainment: number | null
  readonly escalationRate: number | null
  /** Complaints reopened ÷ complaints ever closed. */
  readonly reopenRate: number | null
  /** Justified ÷ analysed. */
  readonly justifiedRate: number | null
  /** Compensation carried out ÷ complaints received, in whole fen. */
  readonly compensationCostPerComplaint: number | null
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole)
const mean = (values: Iterable<number>): number | null => {
  const all = [...values]
  return all.length === 0 ? null : all.reduce((a, b) => a + b, 0) / all.length
}

export const complaintMetrics = (m: ComplaintMetricsTally): ComplaintMetrics => {
  const reopenedOnceClosed = [...m.reopened].filter((id) => m.closed.has(id)).length
  const costPerComplaint = ratio(m.compensationCost, m.received.size)
  return {
    complaints: m.received.size,
    meanTimeToAcknowledgeMs: mean(m.timeToAcknowledge.values()),
    meanResolutionTimeMs: mean(m.resolutionTime.values()),
    slaAttainment: ratio(m.slaMet.size, m.slaMet.size + m.slaBreached.size),
    escalationRate: ratio(m.escalated.size, m.received.size),
    reopenRate: ratio(reopenedOnceClosed, m.closed.size),
    justifiedRate: ratio([...m.justified.values()].filter(Boolean).length, m.justified.size),
    compensationCostPerComplaint: costPerComplaint === null ? null : Math.floor(costPerComplaint),
  }
}
