import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { complaintDecider, defaultComplaintPolicy } from '../src/index.js'
import {
  advisor,
  analyse,
  approve,
  complaintId,
  contact,
  decider,
  escalate,
  expected,
  historyOf,
  mondayAt,
  propose,
  receive,
  reject,
  throughAnalysis,
} from './fixtures.js'

const spec = deciderSpec(decider)

describe('manual escalation raises the handling level (docs/domain.md §3 principles: 层次高一点)', () => {
  it('goes one level up and makes the complaint at least 升级 escalated', () => {
    spec
      .given(historyOf(receive(mondayAt(0))))
      .when(escalate(mondayAt(1)))
      .then(
        expected([
          {
            type: 'ComplaintEscalated',
            data: {
              complaintId,
              trigger: 'manual',
              reason: 'the customer asks for the manager',
              fromLevel: 1,
              toLevel: 2,
              by: advisor,
              at: mondayAt(1),
              policyVersion: defaultComplaintPolicy.policyVersion,
            },
          },
          {
            type: 'SeverityRaised',
            data: {
              complaintId,
              from: 'general',
              to: 'escalated',
              reason: 'escalation',
              slaTargets: defaultComplaintPolicy.slaTargets.escalated,
              at: mondayAt(1),
              policyVersion: defaultComplaintPolicy.policyVersion,
            },
          },
        ]),
      )
  })

  it('refuses to go above the top handling level', () => {
    const atTop = historyOf(receive(mondayAt(0)), escalate(mondayAt(1)), escalate(mondayAt(2)))
    expect(spec.stateAfter(atTop)).toMatchObject({ handlingLevel: 3 })
    spec
      .given(atTop)
      .when(escalate(mondayAt(3)))
      .thenError('AlreadyAtTopLevel')
  })
})

describe('automatic escalation by policy (docs/domain.md §5 Complaints, OEM levels)', () => {
  it('escalates a repeat complaint by the same customer within the policy window', () => {
    const events = spec
      .given([])
      .when(
        receive(mondayAt(0), { priorComplaints: { count: 1, lastReceivedAt: '2026-01-20T10:00:00+08:00' } }),
      )
      .events()
    expect(events.map((e) => e.type)).toEqual(['ComplaintReceived', 'ComplaintEscalated', 'SeverityRaised'])
    expect(events[1]).toMatchObject({ data: { trigger: 'repeat-complaint', fromLevel: 1, toLevel: 2 } })
  })

  it('does not treat an old complaint as a repeat', () => {
    const events = spec
      .given([])
      .when(
        receive(mondayAt(0), { priorComplaints: { count: 3, lastReceivedAt: '2025-06-01T10:00:00+08:00' } }),
      )
      .events()
    expect(events.map((e) => e.type)).toEqual(['ComplaintReceived'])
  })

  it('makes a complaint that mentions the media or the 12315 hotline 重大 major', () => {
    const events = spec
      .given([])
      .when(receive(mondayAt(0), { account: '不解决我就打12315投诉' }))
      .events()
    expect(events.slice(1)).toMatchObject([
      { type: 'ComplaintEscalated', data: { trigger: 'keyword', toLevel: 2 } },
      { type: 'SeverityRaised', data: { to: 'major', slaTargets: defaultComplaintPolicy.slaTargets.major } },
    ])
  })

  it('escalates on a later contact that threatens the media, once', () => {
    const history = historyOf(receive(mondayAt(0)))
    const events = spec
      .given(history)
      .when(contact(mondayAt(1), '我要找媒体曝光'))
      .events()
    expect(events.map((e) => e.type)).toEqual(['CustomerContacted', 'ComplaintEscalated', 'SeverityRaised'])
    const again = spec
      .given([...history, ...events])
      .when(contact(mondayAt(2), '媒体 again'))
      .events()
    expect(again.map((e) => e.type)).toEqual(['CustomerContacted'])
  })

  it('treats a safety issue as 重大 major from intake', () => {
    const events = spec
      .given([])
      .when(receive(mondayAt(0), { safetyRelated: true }))
      .events()
    expect(events[1]).toMatchObject({ type: 'SeverityRaised', data: { to: 'major', reason: 'safety' } })
  })

  it('treats a safety issue found in the analysis as 重大 major', () => {
    const history = historyOf(...throughAnalysis().slice(0, 3))
    const events = spec
      .given(history)
      .when(analyse(mondayAt(3), { safetyRelated: true }))
      .events()
    expect(events.at(-1)).toMatchObject({ type: 'SeverityRaised', data: { to: 'major', reason: 'safety' } })
  })

  it('does not escalate a rejection when the policy says not to', () => {
    const lenient = complaintDecider({
      ...defaultComplaintPolicy,
      autoEscalation: { ...defaultComplaintPolicy.autoEscalation, onRejectedResolution: false },
    })
    const history = historyOf(
      ...throughAnalysis(),
      propose(mondayAt(4), [{ kind: 'apology', givenBy: 'service-manager' }]),
      approve(mondayAt(5)),
    )
    const events = deciderSpec(lenient)
      .given(history)
      .when(reject(mondayAt(6), 'not enough'))
      .events()
    expect(events.map((e) => e.type)).toEqual(['CustomerRejectedResolution'])
  })

  it('asks why the customer rejected the resolution', () => {
    const history = historyOf(
      ...throughAnalysis(),
      propose(mondayAt(4), [{ kind: 'apology', givenBy: 'service-manager' }]),
      approve(mondayAt(5)),
    )
    spec
      .given(history)
      .when({
        type: 'RecordCustomerDecision',
        data: { complaintId, decision: 'reject', reason: null, by: advisor, at: mondayAt(6) },
      })
      .thenError('RejectionNeedsReason')
  })
})
