import { decodeCommand } from '@dealer-crm/eventsourcing'
import { rewriteInstants } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ComplaintCommand,
  complaintCommandTypes,
  complaintDecider,
  complaintDomain,
  complaintEvents,
  complaintStreamOf,
  defaultComplaintPolicy,
} from '../src/index.js'
import { complaintCommandInputArb } from '../src/testing.js'
import { acknowledge, decider, historyOf, receive } from './fixtures.js'

// Issue #19: the complaint package speaks the kernel's vocabulary (one instant codec, one id codec,
// commands built one way, one Domain value).

describe('one instant with +08:00 is accepted by every complaint command', () => {
  it('every command type, written in China time, decodes to the same command as in UTC', () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(complaintCommandInputArb, (input) => {
        seen.add(input.type)
        const utc = decodeCommand(ComplaintCommand, input)
        const china = decodeCommand(ComplaintCommand, rewriteInstants(input))
        expect(china._tag).toBe('Right')
        expect(china).toEqual(utc)
      }),
      { numRuns: 400 },
    )
    expect([...seen].sort()).toEqual([...complaintCommandTypes].sort())
  })

  it('an instant without an offset is refused naming its field', () => {
    const decoded = decodeCommand(ComplaintCommand, {
      ...acknowledge('2026-03-02T01:00:00.000Z'),
      data: { ...acknowledge('2026-03-02T01:00:00.000Z').data, at: '2026-03-02T09:00:00' },
    })
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.at'])
  })

  it('events hold the instant in UTC, whatever offset the command used', () => {
    const [received] = historyOf(receive('2026-03-02T09:00:00+08:00'))
    expect(received?.data.at).toBe('2026-03-02T01:00:00.000Z')
  })
})

describe('ids and actors are the kernel vocabulary', () => {
  it('a complaint id with a space, or empty, is refused naming data.complaintId', () => {
    for (const complaintId of ['complaint 1', '']) {
      const decoded = decodeCommand(ComplaintCommand, {
        type: 'AcknowledgeComplaint',
        data: { ...acknowledge('2026-03-02T01:00:00.000Z').data, complaintId },
      })
      expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.complaintId'])
    }
  })

  it('the actor is { id, role } with a role of complaintRoles, the SLA scheduler acting as system', () => {
    const decoded = decodeCommand(ComplaintCommand, {
      type: 'EvaluateComplaint',
      data: {
        complaintId: 'complaint-0001',
        by: { id: 'sla-scheduler', role: 'scheduler' },
        at: '2026-03-02T09:00:00+08:00',
      },
    })
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.by.role'])
  })
})

describe('the complaint domain in one value', () => {
  it('binds the decider, the default policy, the command codec, the events and the stream of each command', () => {
    const command = receive('2026-03-02T09:00:00+08:00')
    expect(complaintDomain.name).toBe('complaint-workflow')
    expect(complaintDomain.defaultPolicy).toBe(defaultComplaintPolicy)
    expect(complaintDomain.events).toBe(complaintEvents)
    expect(complaintDomain.command).toBe(ComplaintCommand)
    expect(complaintDomain.streamOf(command)).toBe('complaint-complaint-0001')
    expect(complaintStreamOf(command)).toBe('complaint-complaint-0001')
    expect(complaintDomain.decider(defaultComplaintPolicy).decide(command, decider.initialState)).toEqual(
      complaintDecider().decide(command, complaintDecider().initialState),
    )
  })
})
