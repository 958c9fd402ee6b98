import { project, type RecordedEvent } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  type ComplaintCommand,
  type ComplaintEvent,
  type ComplaintId,
  causeRanking,
  causeRankingProjection,
  complaintMetrics,
  complaintMetricsProjection,
  complaintTimelineProjection,
  defaultComplaintPolicy,
  slaBoardAt,
  slaBoardProjection,
} from '../src/index.js'
import {
  acknowledge,
  analyse,
  close,
  confirm,
  contact,
  escalate,
  evaluateAt,
  followUp,
  historyOf,
  mondayAt,
  pause,
  receive,
  throughExecution,
} from './fixtures.js'

const HOUR = 3_600_000

/** The same commands for another complaint. */
const forComplaint = (
  id: string,
  commands: ReadonlyArray<ComplaintCommand>,
): ReadonlyArray<ComplaintCommand> =>
  commands.map((c) => ({ ...c, data: { ...c.data, complaintId: id as ComplaintId } }) as ComplaintCommand)

/** Recorded events as a store would return them: stream by stream, with metadata. */
const recorded = (
  ...streams: ReadonlyArray<ReadonlyArray<ComplaintEvent>>
): RecordedEvent<ComplaintEvent>[] => {
  let global = 0n
  return streams.flatMap((events) =>
    events.map((e, i) => {
      global += 1n
      return {
        ...e,
        metadata: {
          eventId: `event-${global}`,
          streamName: `complaint-${e.data.complaintId}`,
          streamPosition: i + 1,
          globalPosition: global,
          committedAt: new Date(e.data.at),
          recordedAt: new Date(e.data.at),
          schemaVersion: 1,
          correlationId: null,
          causationId: null,
          commandId: null,
          actor: 'by' in e.data ? e.data.by : null,
          prevHash: '',
          hash: '',
        },
      }
    }),
  )
}

const resolvedAndClosed = historyOf(
  ...throughExecution(),
  followUp(mondayAt(8)),
  close(mondayAt(9), { rootCause: 'parts-price-misquote' }),
)
const lateAndPaused = historyOf(
  ...forComplaint('complaint-0002', [receive(mondayAt(0)), evaluateAt(mondayAt(30)), pause(mondayAt(31))]),
)
const safety = historyOf(...forComplaint('complaint-0003', [receive(mondayAt(2), { safetyRelated: true })]))
const escalatedAndReopened = historyOf(
  ...forComplaint('complaint-0004', [
    ...throughExecution(),
    escalate(mondayAt(7)),
    followUp(mondayAt(8)),
    close(mondayAt(9)),
    contact(mondayAt(10), 'The noise is back'),
  ]),
)
const justOpened = historyOf(
  ...forComplaint('complaint-0005', [receive(mondayAt(0)), acknowledge(mondayAt(1))]),
)
const unjustified = historyOf(
  ...forComplaint('complaint-0006', [
    receive(mondayAt(0)),
    acknowledge(mondayAt(1)),
    confirm(mondayAt(2)),
    analyse(mondayAt(3), { justified: false }),
  ]),
)

const all = recorded(resolvedAndClosed, lateAndPaused, safety, escalatedAndReopened, justOpened, unjustified)

describe('the SLA board', () => {
  it('lists open complaints, safety first, then by severity and time left, with breaches', () => {
    const board = project(slaBoardProjection, all)
    const rows = slaBoardAt(board, defaultComplaintPolicy.calendar, mondayAt(32))
    expect(rows.map((r) => r.complaintId)).toEqual([
      'complaint-0003',
      'complaint-0004',
      'complaint-0002',
      'complaint-0005',
      'complaint-0006',
    ])
    const late = rows.find((r) => r.complaintId === 'complaint-0002')
    expect(late).toMatchObject({ pausedFor: 'waiting-for-parts', breaches: ['response'] })
    expect(late?.clocks[0]).toMatchObject({ clock: 'response', timeLeftMs: -7 * HOUR, deadline: null })
  })

  it('shows the deadline of a running clock on the business calendar', () => {
    const board = project(slaBoardProjection, recorded(justOpened))
    const [row] = slaBoardAt(board, defaultComplaintPolicy.calendar, mondayAt(2))
    expect(row?.clocks[1]).toMatchObject({
      clock: 'investigation',
      timeLeftMs: 46 * HOUR,
      deadline: mondayAt(48),
    })
    expect(row?.clocks[0]).toMatchObject({ clock: 'response', timeLeftMs: null })
  })
})

describe("the complaint's timeline", () => {
  it('tells each step in order with who did it, without personal data', () => {
    const timelines = project(complaintTimelineProjection, all)
    const timeline = timelines.get('complaint-0001') ?? []
    expect(timeline.map((t) => t.type)).toEqual(resolvedAndClosed.map((e) => e.type))
    expect(timeline[0]).toMatchObject({
      what: 'complaint received by phone, severity 一般 general',
      by: { role: 'service-advisor' },
      streamPosition: 1,
    })
    expect(timeline.at(-1)?.what).toBe('closed; root cause parts-price-misquote')
    expect(JSON.stringify(timeline)).not.toContain('air conditioner still makes a noise')
  })
})

describe('the cause ranking', () => {
  it('ranks root causes of closed complaints as a Pareto', () => {
    const tally = project(causeRankingProjection, all)
    expect(causeRanking(tally)).toEqual([
      { rootCause: 'incomplete-inspection', complaints: 1, share: 0.5, cumulativeShare: 0.5 },
      { rootCause: 'parts-price-misquote', complaints: 1, share: 0.5, cumulativeShare: 1 },
    ])
  })
})

describe('the complaint metrics (docs/domain.md §5 Complaints)', () => {
  it('measures acknowledgement, resolution excluding pauses, SLA attainment and the rates', () => {
    const metrics = complaintMetrics(project(complaintMetricsProjection, all))
    expect(metrics).toEqual({
      complaints: 6,
      meanTimeToAcknowledgeMs: HOUR,
      meanResolutionTimeMs: 7 * HOUR,
      slaAttainment: 9 / 10,
      escalationRate: 1 / 6,
      reopenRate: 1 / 2,
      justifiedRate: 2 / 3,
      compensationCostPerComplaint: Math.floor((2 * 24_000) / 6),
    })
  })

  it('has no rates before any complaint', () => {
    expect(complaintMetrics(project(complaintMetricsProjection, []))).toMatchObject({
      complaints: 0,
      slaAttainment: null,
      escalationRate: null,
      compensationCostPerComplaint: null,
    })
  })
})
