import { type Instant, instantOf, type Projection } from '@dealer-crm/eventsourcing'
import type { BusinessCalendar } from '../calendar.js'
import type { ComplaintEvent } from '../events.js'
import { complaintEventTypes } from '../events.js'
import { deadlineMs, type SlaClockName, slaClockNames, timeLeftMs } from '../sla.js'
import {
  type Complaint,
  type ComplaintState,
  evolveComplaintState,
  initialComplaintState,
  isOpenComplaint,
} from '../state.js'
import { type PauseReason, type Severity, severityRank } from '../vocabulary.js'

/** Every complaint as its own events leave it; the board shows the open ones. */
export type SlaBoard = Map<string, ComplaintState>

/**
 * The SLA board (docs/domain.md §3: deadlines and breaches a projection can see): each complaint is
 * folded with the decider's own `evolve`, so the board and the rules never disagree on a clock.
 */
export const slaBoardProjection: Projection<SlaBoard, ComplaintEvent> = {
  name: 'complaint-sla-board',
  version: 1,
  handles: complaintEventTypes,
  init: () => new Map(),
  apply: (board, event) => {
    const id = event.data.complaintId
    board.set(id, evolveComplaintState(board.get(id) ?? initialComplaintState, event))
    return board
  },
}

export interface SlaBoardClock {
  readonly clock: SlaClockName
  /** Business time left (negative once overdue); null once the clock has stopped. */
  readonly timeLeftMs: number | null
  /** When a running clock reaches its target, on the business calendar; null if paused, stopped or overdue. */
  readonly deadline: Instant | null
  readonly breached: boolean
}

export interface SlaBoardRow {
  readonly complaintId: string
  readonly customerId: string
  readonly owner: string
  readonly severity: Severity
  readonly safetyRelated: boolean
  readonly handlingLevel: number
  readonly pausedFor: PauseReason | null
  readonly clocks: ReadonlyArray<SlaBoardClock>
  readonly breaches: ReadonlyArray<SlaClockName>
}

const rowOf = (calendar: BusinessCalendar, c: Complaint, at: Instant): SlaBoardRow => ({
  complaintId: c.complaintId,
  customerId: c.customerId,
  owner: c.owner,
  severity: c.severity,
  safetyRelated: c.safetyRelated,
  handlingLevel: c.handlingLevel,
  pausedFor: c.pause?.reason ?? null,
  clocks: slaClockNames.map((name) => {
    const clock = c.clocks[name]
    const deadline = deadlineMs(calendar, clock, at)
    return {
      clock: name,
      timeLeftMs: clock.stopped ? null : timeLeftMs(calendar, clock, at),
      deadline: deadline === null ? null : instantOf(deadline),
      breached: clock.breached,
    }
  }),
  breaches: slaClockNames.filter((name) => c.clocks[name].breached),
})

const leastTimeLeft = (row: SlaBoardRow): number =>
  Math.min(...row.clocks.map((c) => c.timeLeftMs ?? Number.POSITIVE_INFINITY))

/**
 * The open complaints at `at`: safety issues first, then by severity (重大 before 升级 before 一般),
 * then the least time left (docs/domain.md §5 Complaints: safety first).
 */
export const slaBoardAt = (
  board: SlaBoard,
  calendar: BusinessCalendar,
  at: Instant,
): ReadonlyArray<SlaBoardRow> =>
  [...board.values()]
    .filter(isOpenComplaint)
    .map((c) => rowOf(calendar, c, at))
    .sort(
      (a, b) =>
        Number(b.safetyRelated) - Number(a.safetyRelated) ||
        severityRank[b.severity] - severityRank[a.severity] ||
        leastTimeLeft(a) - leastTimeLeft(b),
    )
