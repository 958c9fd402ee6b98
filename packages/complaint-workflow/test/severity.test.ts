import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import {
  type Complaint,
  type ComplaintCommand,
  type ComplaintEvent,
  complaintDecider,
  defaultComplaintPolicy,
  elapsedMs,
} from '../src/index.js'
import {
  acknowledge,
  advisor,
  analyse,
  approve,
  command,
  complaintId,
  confirm,
  decider,
  escalate,
  execute,
  followUp,
  historyOf,
  mondayAt,
  propose,
  receive,
  reject,
  serviceManager,
  throughExecution,
} from './fixtures.js'

const HOUR = 3_600_000
const spec = deciderSpec(decider)
const { calendar } = defaultComplaintPolicy
const complaintAfter = (history: ReadonlyArray<ComplaintEvent>): Complaint => {
  const state = spec.stateAfter(history)
  if (state.stage === 'not-received') throw new Error('no complaint')
  return state
}
const types = (events: ReadonlyArray<ComplaintEvent>) => events.map((e) => e.type)

/** Received, acknowledged and confirmed an hour apart, then analysed at hour 3. */
const upToAnalysis = (receiveOverrides: Parameters<typeof receive>[1] = {}) => [
  receive(mondayAt(0), receiveOverrides),
  acknowledge(mondayAt(1)),
  confirm(mondayAt(2)),
]

describe('the analysis sets the severity, up or down, never below its floor (docs/domain.md §3 step 3, §5)', () => {
  it('lowers a complaint taken in as 重大 to the 一般 the analysis finds, keeping the time spent', () => {
    const history = historyOf(...upToAnalysis({ severity: 'major' }))
    const events = spec
      .given(history)
      .when(analyse(mondayAt(3), { severity: 'general' }))
      .events()
    expect(types(events)).toEqual(['ComplaintAnalysed', 'SlaClockStopped', 'SeverityLowered'])
    expect(events[2]).toEqual({
      type: 'SeverityLowered',
      data: {
        complaintId,
        from: 'major',
        to: 'general',
        reason: 'assessment',
        slaTargets: defaultComplaintPolicy.slaTargets.general,
        by: serviceManager,
        at: mondayAt(3),
        policyVersion: defaultComplaintPolicy.policyVersion,
      },
    })
    const lowered = complaintAfter([...history, ...events])
    expect(lowered.severity).toBe('general')
    expect(lowered.clocks.resolution.targetMinutes).toBe(5 * 24 * 60)
    expect(elapsedMs(calendar, lowered.clocks.resolution, mondayAt(3))).toBe(3 * HOUR)
  })

  it('keeps a breach recorded under the tighter target after the severity is lowered', () => {
    // 重大: respond within 4 h; acknowledged at 5 h, so the response clock was breached.
    const history = historyOf(
      receive(mondayAt(0), { severity: 'major' }),
      acknowledge(mondayAt(5)),
      confirm(mondayAt(6)),
      analyse(mondayAt(7), { severity: 'general' }),
    )
    expect(types(history)).toContain('SeverityLowered')
    expect(complaintAfter(history).clocks.response).toMatchObject({
      breached: true,
      targetMinutes: 24 * 60,
    })
    expect(history.filter((e) => e.type === 'SlaBreached')).toHaveLength(1)
  })

  it('never lowers a safety issue below 重大', () => {
    const events = spec
      .given(historyOf(...upToAnalysis({ safetyRelated: true })))
      .when(analyse(mondayAt(3), { severity: 'general' }))
      .events()
    expect(types(events)).toEqual(['ComplaintAnalysed', 'SlaClockStopped'])
  })

  it('never lowers an escalated complaint below 升级', () => {
    const history = historyOf(
      receive(mondayAt(0), { severity: 'major' }),
      escalate(mondayAt(0.5)),
      acknowledge(mondayAt(1)),
      confirm(mondayAt(2)),
    )
    const events = spec
      .given(history)
      .when(analyse(mondayAt(3), { severity: 'general' }))
      .events()
    expect(events.at(-1)).toMatchObject({ type: 'SeverityLowered', data: { from: 'major', to: 'escalated' } })
  })

  it('never lowers a complaint that threatens the media below 重大, even one taken in as 重大', () => {
    const history = historyOf(...upToAnalysis({ severity: 'major', account: '不解决就找媒体曝光' }))
    expect(history[1]).toMatchObject({
      type: 'ComplaintEscalated',
      data: { trigger: 'keyword', fromLevel: 1, toLevel: 2 },
    })
    const events = spec
      .given(history)
      .when(analyse(mondayAt(3), { severity: 'general' }))
      .events()
    expect(types(events)).toEqual(['ComplaintAnalysed', 'SlaClockStopped'])
  })

  it('raises the severity for a safety issue the analysis finds, in one step', () => {
    const events = spec
      .given(historyOf(...upToAnalysis()))
      .when(analyse(mondayAt(3), { severity: 'escalated', safetyRelated: true }))
      .events()
    expect(events.slice(2)).toMatchObject([
      { type: 'SeverityRaised', data: { from: 'general', to: 'major', reason: 'safety' } },
    ])
  })

  it('lets a reopened complaint be analysed again, up or down to its floor', () => {
    const reopened = historyOf(
      ...throughExecution(),
      followUp(mondayAt(8)),
      command({
        type: 'CloseComplaint',
        data: {
          complaintId,
          rootCause: 'repair-workmanship',
          lessonsLearned: 'Check the repair',
          correctiveActions: [],
          internalNotice: null,
          by: serviceManager,
          at: mondayAt(9),
        },
      }),
      command({
        type: 'RecordCustomerContact',
        data: { complaintId, channel: 'phone', note: 'The noise is back', by: advisor, at: mondayAt(10) },
      }),
      confirm(mondayAt(11)),
      analyse(mondayAt(12), { severity: 'major' }),
    )
    expect(complaintAfter(reopened).severity).toBe('major')
  })
})

describe('automatic escalation at the top handling level (docs/domain.md §5 Complaints)', () => {
  const oneLevel = complaintDecider({ ...defaultComplaintPolicy, maxHandlingLevel: 1 })
  const onOneLevel = (...commands: ReadonlyArray<ComplaintCommand>) => {
    const history: ComplaintEvent[] = []
    for (const command of commands) {
      const decision = oneLevel.decide(command, history.reduce(oneLevel.evolve, oneLevel.initialState))
      if (decision._tag === 'Left') throw new Error(decision.left.message)
      history.push(...decision.right)
    }
    return history
  }

  it('records the trigger without a level change when it holds the severity up', () => {
    const events = onOneLevel(receive(mondayAt(0), { severity: 'major', account: 'I will call 12315' }))
    expect(events.slice(1)).toMatchObject([
      { type: 'ComplaintEscalated', data: { trigger: 'keyword', fromLevel: 1, toLevel: 1 } },
    ])
  })

  it('records nothing when the trigger adds nothing', () => {
    const history = onOneLevel(
      receive(mondayAt(0)),
      acknowledge(mondayAt(1)),
      confirm(mondayAt(2)),
      analyse(mondayAt(3)),
      propose(mondayAt(4), [{ kind: 'apology', givenBy: 'service-manager' }]),
      approve(mondayAt(5)),
      reject(mondayAt(6), 'not enough'),
      propose(mondayAt(7), [{ kind: 'apology', givenBy: 'general-manager' }]),
      approve(mondayAt(8)),
    )
    expect(types(history).filter((t) => t === 'ComplaintEscalated')).toHaveLength(1)
    const again = deciderSpec(oneLevel)
      .given(history)
      .when(reject(mondayAt(9), 'still not enough'))
      .events()
    expect(types(again)).toEqual(['CustomerRejectedResolution'])
  })
})

describe('media and 12315 words in everything the customer says (docs/domain.md §5 OEM 重大)', () => {
  it('escalates on a rejection that threatens the media', () => {
    const history = historyOf(
      receive(mondayAt(0)),
      acknowledge(mondayAt(1)),
      confirm(mondayAt(2)),
      analyse(mondayAt(3)),
      propose(mondayAt(4), [{ kind: 'apology', givenBy: 'service-manager' }]),
      approve(mondayAt(5)),
    )
    const events = spec
      .given(history)
      .when(reject(mondayAt(6), '不赔偿我就找记者'))
      .events()
    expect(events).toMatchObject([
      { type: 'CustomerRejectedResolution' },
      { type: 'ComplaintEscalated', data: { trigger: 'rejected-resolution', toLevel: 2 } },
      { type: 'SeverityRaised', data: { to: 'escalated' } },
      { type: 'ComplaintEscalated', data: { trigger: 'keyword', toLevel: 3 } },
      { type: 'SeverityRaised', data: { to: 'major' } },
    ])
  })

  it('escalates on an unsatisfied follow-up call that mentions 12315, not on a satisfied one', () => {
    const executed = historyOf(...throughExecution())
    const unsatisfied = spec
      .given(executed)
      .when(
        command({
          type: 'RecordFollowUpCall',
          data: {
            complaintId,
            satisfied: false,
            customerSaid: 'Still noisy, I will call 12315',
            by: advisor,
            at: mondayAt(8),
          },
        }),
      )
      .events()
    expect(types(unsatisfied)).toEqual(['FollowUpCallMade', 'ComplaintEscalated', 'SeverityRaised'])
    const satisfied = spec
      .given(executed)
      .when(
        command({
          type: 'RecordFollowUpCall',
          data: {
            complaintId,
            satisfied: true,
            customerSaid: 'No need for 12315 now',
            by: advisor,
            at: mondayAt(8),
          },
        }),
      )
      .events()
    expect(types(satisfied)).toEqual(['FollowUpCallMade'])
  })

  it('escalates a complaint once for such words', () => {
    const history = historyOf(receive(mondayAt(0), { severity: 'major', account: 'my lawyer will write' }))
    expect(types(history)).toEqual(['ComplaintReceived', 'ComplaintEscalated'])
    const events = spec
      .given(history)
      .when(
        command({
          type: 'RecordCustomerContact',
          data: { complaintId, channel: 'phone', note: 'the lawyer again', by: advisor, at: mondayAt(1) },
        }),
      )
      .events()
    expect(types(events)).toEqual(['CustomerContacted'])
  })
})

describe('execution after a lowering', () => {
  it('stops the resolution clock against the looser target', () => {
    const history = historyOf(
      ...upToAnalysis({ severity: 'major' }),
      analyse(mondayAt(3), { severity: 'general' }),
      propose(mondayAt(4), [{ kind: 'apology', givenBy: 'service-manager' }]),
      approve(mondayAt(5)),
      {
        type: 'RecordCustomerDecision',
        data: { complaintId, decision: 'accept', reason: null, by: advisor, at: mondayAt(6) },
      },
      execute(mondayAt(60)),
    )
    expect(history.at(-1)).toMatchObject({
      type: 'SlaClockStopped',
      data: { clock: 'resolution', spentMs: 60 * HOUR, targetMinutes: 5 * 24 * 60 },
    })
    expect(history.some((e) => e.type === 'SlaBreached' && e.data.clock === 'resolution')).toBe(false)
  })
})
