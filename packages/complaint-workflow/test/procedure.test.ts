import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { defaultComplaintPolicy } from '../src/index.js'
import {
  accept,
  acknowledge,
  advisor,
  analyse,
  approve,
  callBack,
  close,
  complaintId,
  confirm,
  customerId,
  decider,
  director,
  discount,
  execute,
  expected,
  followUp,
  historyOf,
  mondayAt,
  propose,
  receive,
  reject,
  serviceManager,
  throughAnalysis,
  throughExecution,
} from './fixtures.js'

const spec = deciderSpec(decider)

describe('receiving a complaint (docs/domain.md §3 step 1)', () => {
  it('records the account, the remedy sought, the owner and starts the SLA clocks', () => {
    spec
      .given([])
      .when(receive(mondayAt(0)))
      .then(
        expected([
          {
            type: 'ComplaintReceived',
            data: {
              complaintId,
              customerId,
              channel: 'phone',
              account: 'The air conditioner still makes a noise after the service',
              remedySought: 'Fix it properly',
              vehicleId: null,
              repairOrderId: null,
              owner: advisor.id,
              severity: 'general',
              safetyRelated: false,
              handlingLevel: 1,
              slaTargets: defaultComplaintPolicy.slaTargets.general,
              by: advisor,
              at: mondayAt(0),
              policyVersion: defaultComplaintPolicy.policyVersion,
            },
          },
        ]),
      )
  })

  it('refuses to receive the same complaint twice', () => {
    spec
      .given(historyOf(receive(mondayAt(0))))
      .when(receive(mondayAt(1)))
      .thenError('ComplaintAlreadyReceived')
  })

  it('refuses any step on a complaint that was never received', () => {
    spec
      .given([])
      .when(acknowledge(mondayAt(0)))
      .thenError('ComplaintNotFound')
  })
})

describe('the steps happen in order and record who did them (docs/domain.md §3 rules)', () => {
  it('acknowledges and stops the response clock', () => {
    spec
      .given(historyOf(receive(mondayAt(0))))
      .when(acknowledge(mondayAt(2)))
      .then(
        expected([
          { type: 'ComplaintAcknowledged', data: { complaintId, by: advisor, at: mondayAt(2) } },
          {
            type: 'SlaClockStopped',
            data: {
              complaintId,
              clock: 'response',
              spentMs: 2 * 3_600_000,
              targetMinutes: 24 * 60,
              at: mondayAt(2),
            },
          },
        ]),
      )
  })

  it('confirms the problem only after acknowledging', () => {
    const error = spec
      .given(historyOf(receive(mondayAt(0))))
      .when(confirm(mondayAt(1)))
      .thenError('StepOutOfOrder')
    expect(error.message).toContain('acknowledged first')
    const [event] = spec
      .given(historyOf(receive(mondayAt(0)), acknowledge(mondayAt(1))))
      .when(confirm(mondayAt(2)))
      .events()
    expect(event).toMatchObject({
      type: 'ProblemConfirmed',
      data: { customerId, cause: 'Blower motor broken' },
    })
  })

  it('analyses only a confirmed problem and stops the investigation clock', () => {
    spec
      .given(historyOf(receive(mondayAt(0)), acknowledge(mondayAt(1))))
      .when(analyse(mondayAt(2)))
      .thenError('StepOutOfOrder')
    const events = spec
      .given(historyOf(receive(mondayAt(0)), acknowledge(mondayAt(1)), confirm(mondayAt(2))))
      .when(analyse(mondayAt(3), { justified: true, wantsBeyondMoney: ['an apology'] }))
      .events()
    expect(events.map((e) => e.type)).toEqual(['ComplaintAnalysed', 'SlaClockStopped'])
    expect(events[0]).toMatchObject({ data: { justified: true, by: serviceManager } })
  })

  it('raises the severity the analysis finds, keeping the clocks', () => {
    const events = spec
      .given(historyOf(receive(mondayAt(0)), acknowledge(mondayAt(1)), confirm(mondayAt(2))))
      .when(analyse(mondayAt(3), { severity: 'escalated' }))
      .events()
    expect(events[2]).toMatchObject({
      type: 'SeverityRaised',
      data: { from: 'general', to: 'escalated', reason: 'assessment' },
    })
  })

  it('negotiates only after the analysis, with some compensation or explanation', () => {
    spec
      .given(historyOf(receive(mondayAt(0)), acknowledge(mondayAt(1)), confirm(mondayAt(2))))
      .when(propose(mondayAt(3), [discount]))
      .thenError('StepOutOfOrder')
    spec
      .given(historyOf(...throughAnalysis()))
      .when(propose(mondayAt(4), []))
      .thenError('EmptyProposal')
  })

  it('values the compensation and names the lowest role that may approve it', () => {
    const [event] = spec
      .given(historyOf(...throughAnalysis()))
      .when(
        propose(mondayAt(4), [
          { kind: 'apology', givenBy: 'service-manager' },
          { kind: 'discount', percent: 15, onAmount: 100_001 },
          { kind: 'price-correction', amount: 80_000 },
          { kind: 'service-voucher', amount: 20_000 },
          { kind: 'goodwill-points', points: 5_000 },
        ]),
      )
      .events()
    expect(event).toMatchObject({
      type: 'ResolutionProposed',
      data: {
        proposalNo: 1,
        compensationValue: 15_000 + 80_000 + 20_000 + 5_000,
        requiredApprover: 'after-sales-director',
      },
    })
  })

  it('needs approval by a role at or above the tier of the compensation', () => {
    const bigOffer = historyOf(
      ...throughAnalysis(),
      propose(mondayAt(4), [{ kind: 'price-correction', amount: 300_000 }]),
    )
    const error = spec
      .given(bigOffer)
      .when(approve(mondayAt(5), serviceManager))
      .thenError('ApproverRoleTooLow')
    expect(error.message).toContain('by.role')
    expect(error.message).toContain('¥3,000.00')
    spec
      .given(bigOffer)
      .when(approve(mondayAt(5), director))
      .then(
        expected([
          { type: 'ResolutionApproved', data: { complaintId, proposalNo: 1, by: director, at: mondayAt(5) } },
        ]),
      )
  })

  it('lets a service advisor approve nothing, not even an apology', () => {
    spec
      .given(
        historyOf(
          ...throughAnalysis(),
          propose(mondayAt(4), [{ kind: 'apology', givenBy: 'service-manager' }]),
        ),
      )
      .when(approve(mondayAt(5), advisor))
      .thenError('ApproverRoleTooLow')
  })

  it("records the customer's decision only on an approved resolution", () => {
    spec
      .given(historyOf(...throughAnalysis(), propose(mondayAt(4), [discount])))
      .when(accept(mondayAt(5)))
      .thenError('StepOutOfOrder')
  })

  it('keeps the complaint open and escalates when the customer rejects the resolution', () => {
    const history = historyOf(...throughAnalysis(), propose(mondayAt(4), [discount]), approve(mondayAt(5)))
    const events = spec
      .given(history)
      .when(reject(mondayAt(6), 'wants the repair for free'))
      .events()
    expect(events.map((e) => e.type)).toEqual([
      'CustomerRejectedResolution',
      'ComplaintEscalated',
      'SeverityRaised',
    ])
    expect(spec.stateAfter([...history, ...events])).toMatchObject({ stage: 'negotiating', handlingLevel: 2 })
    spec
      .given([...history, ...events])
      .when(execute(mondayAt(7)))
      .thenError('StepOutOfOrder')
    const [second] = spec
      .given([...history, ...events])
      .when(propose(mondayAt(7), [{ kind: 'discount', percent: 30, onAmount: 120_000 }]))
      .events()
    expect(second).toMatchObject({ data: { proposalNo: 2 } })
  })

  it("records the customer's acceptance of the approved resolution", () => {
    spec
      .given(historyOf(...throughAnalysis(), propose(mondayAt(4), [discount]), approve(mondayAt(5))))
      .when(accept(mondayAt(6), advisor))
      .then(
        expected([
          {
            type: 'CustomerAcceptedResolution',
            data: { complaintId, proposalNo: 1, by: advisor, at: mondayAt(6) },
          },
        ]),
      )
  })

  it('carries out only an accepted resolution and stops the resolution clock', () => {
    const events = spec
      .given(
        historyOf(
          ...throughAnalysis(),
          propose(mondayAt(4), [discount]),
          approve(mondayAt(5)),
          accept(mondayAt(6)),
        ),
      )
      .when(execute(mondayAt(7)))
      .events()
    expect(events.map((e) => e.type)).toEqual(['ResolutionExecuted', 'SlaClockStopped'])
    expect(events[0]).toMatchObject({ data: { compensationValue: 24_000, by: advisor } })
  })

  it('emits goodwill points for the loyalty package to book', () => {
    const events = spec
      .given(
        historyOf(
          ...throughAnalysis(),
          propose(mondayAt(4), [{ kind: 'goodwill-points', points: 2_000 }]),
          approve(mondayAt(5)),
          accept(mondayAt(6)),
        ),
      )
      .when(execute(mondayAt(7)))
      .events()
    expect(events[2]).toEqual({
      type: 'GoodwillPointsGranted',
      data: { complaintId, customerId, points: 2_000, by: advisor, at: mondayAt(7) },
    })
  })

  it('makes the follow-up call after the resolution; an unsatisfied customer means negotiating again', () => {
    spec
      .given(historyOf(...throughAnalysis()))
      .when(followUp(mondayAt(4)))
      .thenError('StepOutOfOrder')
    const unsatisfied = historyOf(...throughExecution(), followUp(mondayAt(8), false))
    expect(spec.stateAfter(unsatisfied)).toMatchObject({ stage: 'negotiating' })
    spec
      .given(unsatisfied)
      .when(close(mondayAt(9)))
      .thenError('StepOutOfOrder')
  })

  it('records a satisfied follow-up call by the call-back staff', () => {
    spec
      .given(historyOf(...throughExecution()))
      .when(followUp(mondayAt(8)))
      .then(
        expected([
          {
            type: 'FollowUpCallMade',
            data: {
              complaintId,
              customerId,
              satisfied: true,
              customerSaid: 'The noise is gone',
              by: callBack,
              at: mondayAt(8),
            },
          },
        ]),
      )
  })

  it('closes with lessons learned only after a satisfied follow-up call', () => {
    spec
      .given(historyOf(...throughExecution()))
      .when(close(mondayAt(8)))
      .thenError('StepOutOfOrder')
    spec
      .given(historyOf(...throughExecution(), followUp(mondayAt(8))))
      .when(close(mondayAt(9)))
      .then(
        expected([
          {
            type: 'ComplaintClosed',
            data: {
              complaintId,
              rootCause: 'incomplete-inspection',
              lessonsLearned: 'Check the blower on every air-conditioner noise report',
              correctiveActions: ['add the blower to the A/C inspection checklist'],
              internalNotice: null,
              by: serviceManager,
              at: mondayAt(9),
            },
          },
        ]),
      )
  })

  it('refuses steps on a closed complaint', () => {
    const closed = historyOf(...throughExecution(), followUp(mondayAt(8), true, callBack), close(mondayAt(9)))
    spec
      .given(closed)
      .when(approve(mondayAt(10)))
      .thenError('ComplaintClosed')
  })
})
