import { decodeCommand } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ComplaintCommand, complaintEventTypes, defaultComplaintPolicy } from '../src/index.js'
import { complaintCommandsArb, complaintHistoryUnder, complaintPolicyArb } from '../src/testing.js'

// The properties are only as good as the sequences they run on: these tests fail if the
// arbitraries stop reaching the late steps, or start producing input the codecs refuse.

describe('the arbitraries of @dealer-crm/complaint-workflow/testing', () => {
  const samples = fc.sample(complaintCommandsArb(), { numRuns: 300, seed: 5 })

  it('reach every event type, from receipt to reopening, lowering and breaches', () => {
    const seen = new Map<string, number>()
    for (const commands of samples)
      for (const type of new Set(complaintHistoryUnder(defaultComplaintPolicy, commands).map((e) => e.type)))
        seen.set(type, (seen.get(type) ?? 0) + 1)
    for (const type of complaintEventTypes) expect(seen.get(type) ?? 0, type).toBeGreaterThanOrEqual(5)
    expect(seen.get('ComplaintClosed')).toBeGreaterThanOrEqual(30)
  })

  it('produce commands the command codec accepts as they are', () => {
    for (const commands of samples.slice(0, 50))
      for (const command of commands)
        expect(decodeCommand(ComplaintCommand, JSON.parse(JSON.stringify(command)))).toEqual({
          _tag: 'Right',
          right: command,
        })
  })

  it('produce policies whose approval tiers rise with their limits', () => {
    for (const policy of fc.sample(complaintPolicyArb, { numRuns: 100, seed: 5 })) {
      const limits = policy.approvalTiers.map((t) => t.upToFen ?? Number.POSITIVE_INFINITY)
      expect(limits).toEqual([...limits].sort((a, b) => a - b))
    }
  })
})
