import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import type { ComplaintId } from '../src/index.js'
import {
  accept,
  acknowledge,
  advisor,
  analyse,
  approve,
  close,
  complaintId,
  confirm,
  contact,
  customerId,
  decider,
  discount,
  escalate,
  evaluateAt,
  execute,
  expected,
  followUp,
  historyOf,
  mondayAt,
  pause,
  propose,
  receive,
  resume,
  throughAnalysis,
  throughExecution,
} from './fixtures.js'

const spec = deciderSpec(decider)

// Guards besides the order of the steps: the complaint a command names, revisions, closed complaints,
// contacts, pauses and reopenings (docs/domain.md §3 rules, §5 Complaints).

describe('guards besides the order of the steps', () => {
  it('refuses a command meant for another complaint', () => {
    spec
      .given(historyOf(receive(mondayAt(0))))
      .when({
        type: 'AcknowledgeComplaint',
        data: { complaintId: 'complaint-9999' as ComplaintId, by: advisor, at: mondayAt(1) },
      })
      .thenError('WrongComplaint')
  })

  it('lets the dealer revise a proposal before it is approved', () => {
    const [revised] = spec
      .given(historyOf(...throughAnalysis(), propose(mondayAt(4), [discount])))
      .when(propose(mondayAt(5), [{ kind: 'service-voucher', amount: 30_000 }]))
      .events()
    expect(revised).toMatchObject({
      type: 'ResolutionProposed',
      data: { proposalNo: 2, compensationValue: 30_000 },
    })
  })

  it('refuses escalation and pauses on a closed complaint, and evaluates it to nothing', () => {
    const closed = historyOf(...throughExecution(), followUp(mondayAt(8)), close(mondayAt(9)))
    spec
      .given(closed)
      .when(escalate(mondayAt(10)))
      .thenError('ComplaintClosed')
    spec
      .given(closed)
      .when(pause(mondayAt(10)))
      .thenError('ComplaintClosed')
    spec
      .given(closed)
      .when(evaluateAt(mondayAt(500)))
      .then(expected([]))
  })

  it('records a contact about an open complaint without changing its step', () => {
    const history = historyOf(...throughAnalysis())
    spec
      .given(history)
      .when(contact(mondayAt(4), 'When will it be fixed?'))
      .then(
        expected([
          {
            type: 'CustomerContacted',
            data: {
              complaintId,
              customerId,
              channel: 'phone',
              note: 'When will it be fixed?',
              by: advisor,
              at: mondayAt(4),
            },
          },
        ]),
      )
  })

  it('pauses the running clocks with the time each had spent, and resumes them', () => {
    const history = historyOf(receive(mondayAt(0)), acknowledge(mondayAt(1)))
    spec
      .given(history)
      .when(pause(mondayAt(3), 'waiting-for-customer'))
      .then(
        expected([
          {
            type: 'ComplaintPaused',
            data: {
              complaintId,
              reason: 'waiting-for-customer',
              spent: [
                { clock: 'investigation', spentMs: 3 * 3_600_000 },
                { clock: 'resolution', spentMs: 3 * 3_600_000 },
              ],
              by: advisor,
              at: mondayAt(3),
            },
          },
        ]),
      )
    spec
      .given(historyOf(receive(mondayAt(0)), pause(mondayAt(1))))
      .when(resume(mondayAt(2)))
      .then(expected([{ type: 'ComplaintResumed', data: { complaintId, by: advisor, at: mondayAt(2) } }]))
  })

  it('refuses to resume a closed complaint', () => {
    const closed = historyOf(...throughExecution(), followUp(mondayAt(8)), close(mondayAt(9)))
    spec
      .given(closed)
      .when(resume(mondayAt(10)))
      .thenError('ComplaintClosed')
  })

  it('counts every reopening', () => {
    const reopenedTwice = historyOf(
      ...throughExecution(),
      followUp(mondayAt(8)),
      close(mondayAt(9)),
      contact(mondayAt(10)),
      confirm(mondayAt(11)),
      analyse(mondayAt(12)),
      propose(mondayAt(13), [{ kind: 'apology', givenBy: 'service-manager' }]),
      approve(mondayAt(14)),
      accept(mondayAt(15)),
      execute(mondayAt(16)),
      followUp(mondayAt(17)),
      close(mondayAt(18)),
    )
    const [event] = spec
      .given(reopenedTwice)
      .when(contact(mondayAt(19)))
      .events()
    expect(event).toMatchObject({ type: 'ComplaintReopened', data: { reopenNo: 2 } })
  })
})
