import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { type Complaint, defaultComplaintPolicy, elapsedMs } from '../src/index.js'
import {
  acknowledge,
  close,
  complaintId,
  contact,
  decider,
  escalate,
  evaluateAt,
  expected,
  followUp,
  historyOf,
  mondayAt,
  pause,
  receive,
  resume,
  throughExecution,
} from './fixtures.js'

const HOUR = 3_600_000
const spec = deciderSpec(decider)
const calendar = defaultComplaintPolicy.calendar
const complaintAfter = (history: Parameters<typeof spec.stateAfter>[0]): Complaint => {
  const state = spec.stateAfter(history)
  if (state.stage === 'not-received') throw new Error('no complaint')
  return state
}

describe('SLA clocks computed from events (docs/domain.md §5 Complaints)', () => {
  it('records a breach through EvaluateComplaint(now), never from a clock inside the domain', () => {
    spec
      .given(historyOf(receive(mondayAt(0))))
      .when(evaluateAt(mondayAt(25)))
      .then(
        expected([
          {
            type: 'SlaBreached',
            data: {
              complaintId,
              clock: 'response',
              severity: 'general',
              spentMs: 25 * HOUR,
              targetMinutes: 24 * 60,
              at: mondayAt(25),
            },
          },
        ]),
      )
  })

  it('records nothing while every clock is within its target', () => {
    spec
      .given(historyOf(receive(mondayAt(0))))
      .when(evaluateAt(mondayAt(23)))
      .then(expected([]))
  })

  it('records a breach once, and it stays a breach after the late step', () => {
    const history = historyOf(receive(mondayAt(0)), evaluateAt(mondayAt(25)))
    spec
      .given(history)
      .when(evaluateAt(mondayAt(26)))
      .then(expected([]))
    const late = spec
      .given(history)
      .when(acknowledge(mondayAt(27)))
      .events()
    expect(late.map((e) => e.type)).toEqual(['ComplaintAcknowledged', 'SlaClockStopped'])
    expect(complaintAfter([...history, ...late]).clocks.response).toMatchObject({
      breached: true,
      stopped: true,
    })
  })

  it('records the breach of a late step even without an EvaluateAt before it', () => {
    const events = spec
      .given(historyOf(receive(mondayAt(0))))
      .when(acknowledge(mondayAt(30)))
      .events()
    expect(events.map((e) => e.type)).toEqual(['SlaBreached', 'ComplaintAcknowledged', 'SlaClockStopped'])
  })

  it('does not run the clock over the weekend', () => {
    // Friday 09:00 received; Monday 08:00 is only 15 business hours later.
    const friday = '2026-03-06T09:00:00+08:00'
    spec
      .given(historyOf(receive(friday)))
      .when(evaluateAt('2026-03-09T08:00:00+08:00'))
      .then(expected([]))
  })

  it('really stops the clock while waiting for parts', () => {
    const history = historyOf(receive(mondayAt(0)), pause(mondayAt(10)), evaluateAt(mondayAt(40)))
    expect(history.filter((e) => e.type === 'SlaBreached')).toEqual([])
    const complaint = complaintAfter(history)
    expect(elapsedMs(calendar, complaint.clocks.response, mondayAt(40))).toBe(10 * HOUR)
    const resumed = historyOf(receive(mondayAt(0)), pause(mondayAt(10)), resume(mondayAt(40)))
    expect(elapsedMs(calendar, complaintAfter(resumed).clocks.response, mondayAt(45))).toBe(15 * HOUR)
  })

  it('refuses a pause on a paused complaint and a resume on a running one', () => {
    spec
      .given(historyOf(receive(mondayAt(0)), pause(mondayAt(1))))
      .when(pause(mondayAt(2)))
      .thenError('AlreadyPaused')
    spec
      .given(historyOf(receive(mondayAt(0))))
      .when(resume(mondayAt(2)))
      .thenError('NotPaused')
  })

  it('keeps the time already spent when the severity changes, and takes the new target', () => {
    const history = historyOf(receive(mondayAt(0)), evaluateAt(mondayAt(10)), escalate(mondayAt(11)))
    const complaint = complaintAfter(history)
    expect(complaint.clocks.response.targetMinutes).toBe(12 * 60)
    expect(elapsedMs(calendar, complaint.clocks.response, mondayAt(11))).toBe(11 * HOUR)
    const events = spec
      .given(history)
      .when(evaluateAt(mondayAt(13)))
      .events()
    expect(events).toMatchObject([
      { type: 'SlaBreached', data: { clock: 'response', severity: 'escalated' } },
    ])
  })

  it('a clock stopped within its target is never breached later, even when a raised severity tightens the target', () => {
    // Acknowledged after 10 h as 一般 (24 h); the customer then threatens the media: 重大, response target 4 h.
    const history = historyOf(receive(mondayAt(0)), acknowledge(mondayAt(10)))
    const events = spec
      .given(history)
      .when(contact(mondayAt(11), '我要找媒体曝光'))
      .events()
    expect(events.map((e) => e.type)).toContain('SeverityRaised')
    expect(events.filter((e) => e.type === 'SlaBreached')).toEqual([])
    const later = spec
      .given([...history, ...events])
      .when(evaluateAt(mondayAt(11.5)))
      .events()
    expect(later.filter((e) => e.type === 'SlaBreached')).toEqual([])
  })

  it('lets a step come from before an EvaluateAt that recorded nothing: the last recorded moment counts', () => {
    // The scheduler looked at 10:00 and found nothing due; a clerk then records the
    // acknowledgement made at 05:00. Nothing was recorded at 10:00, so nothing contradicts it.
    const history = historyOf(receive(mondayAt(0)))
    spec
      .given(history)
      .when(evaluateAt(mondayAt(10)))
      .then(expected([]))
    const events = spec
      .given(history)
      .when(acknowledge(mondayAt(5)))
      .events()
    expect(events[1]).toMatchObject({ type: 'SlaClockStopped', data: { spentMs: 5 * HOUR } })
    // Once the scheduler records a breach at 25:00, an acknowledgement from 24:00 is refused.
    spec
      .given(historyOf(receive(mondayAt(0)), evaluateAt(mondayAt(25))))
      .when(acknowledge(mondayAt(24)))
      .thenError('TimeWentBackwards')
  })

  it('refuses a command from before the last recorded moment', () => {
    spec
      .given(historyOf(receive(mondayAt(0)), acknowledge(mondayAt(5))))
      .when(evaluateAt(mondayAt(4)))
      .thenError('TimeWentBackwards')
  })

  it('restarts the resolution clock, with the time spent, when a closed complaint is reopened', () => {
    const closed = historyOf(...throughExecution(), followUp(mondayAt(8)), close(mondayAt(9)))
    const events = spec
      .given(closed)
      .when(contact(mondayAt(30), 'The noise is back'))
      .events()
    expect(events).toMatchObject([{ type: 'ComplaintReopened', data: { reopenNo: 1 } }])
    const reopened = complaintAfter([...closed, ...events])
    expect(reopened.stage).toBe('acknowledged')
    expect(elapsedMs(calendar, reopened.clocks.resolution, mondayAt(31))).toBe(8 * HOUR)
  })
})
