import { decodeCommand } from '@dealer-crm/eventsourcing'
import { deciderSpec, rewriteInstants } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultLoyaltyPolicy,
  LoyaltyCommand,
  loyaltyCommandTypes,
  loyaltyDecider,
  loyaltyDomain,
  loyaltyEvents,
  loyaltyRoles,
  loyaltyStreamOf,
} from '../src/index.js'
import { loyaltyCommandInputArb, loyaltyHistoryArb } from '../src/testing.js'
import { enrol, evaluate, memberId } from './fixtures.js'

// Issue #19: the loyalty package speaks the kernel's vocabulary (one instant codec, one id codec, one actor
// codec with the roles declared once, commands built one way and each naming its member, one Domain value).

describe('one instant with +08:00 is accepted by every loyalty command', () => {
  it('every command type, written in China time, decodes to the same command as in UTC', () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(loyaltyCommandInputArb(), (input) => {
        seen.add(input.type)
        const utc = decodeCommand(LoyaltyCommand, input)
        const china = decodeCommand(LoyaltyCommand, rewriteInstants(input))
        expect(china._tag).toBe('Right')
        expect(china).toEqual(utc)
      }),
      { numRuns: 300 },
    )
    expect([...seen].sort()).toEqual([...loyaltyCommandTypes].sort())
  })

  it('an instant without an offset is refused naming its field', () => {
    const decoded = decodeCommand(LoyaltyCommand, {
      type: 'EvaluateMember',
      data: { memberId, at: '2026-03-20T10:00:00', by: { id: 'scheduler', role: 'scheduler' } },
    })
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.at'])
  })

  it('events hold the instant in UTC, whatever offset the command used', () => {
    const [enrolled] = deciderSpec(loyaltyDecider())
      .given([])
      .when(enrol('standard', '2026-01-10T17:00:00+08:00'))
      .events()
    expect(enrolled?.type === 'MemberEnrolled' && enrolled.data.at).toBe('2026-01-10T09:00:00.000Z')
  })
})

describe('every command names its member card', () => {
  it('a command without a member id, or with a space in it, is refused naming data.memberId', () => {
    const { memberId: _, ...data } = evaluate('2026-03-01T09:00:00Z').data
    for (const input of [
      { type: 'EvaluateMember', data },
      { type: 'EvaluateMember', data: { ...data, memberId: 'member 1' } },
    ]) {
      const decoded = decodeCommand(LoyaltyCommand, input)
      expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.memberId'])
    }
  })

  it('no event records the member id: the stream names it, and stored shapes stay as they were', () => {
    fc.assert(
      fc.property(loyaltyHistoryArb(), (history) => {
        for (const event of history) expect(event.data).not.toHaveProperty('memberId')
      }),
      { numRuns: 100 },
    )
  })

  it('the stream of a command is its member card: member-<memberId>', () => {
    expect(loyaltyStreamOf(enrol())).toBe(`member-${memberId}`)
    expect(loyaltyStreamOf(evaluate('2026-03-01T09:00:00Z'))).toBe(`member-${memberId}`)
  })
})

describe('actors act in one of the declared loyalty roles', () => {
  it('every declared role is accepted; another role is refused naming data.by.role', () => {
    const command = (role: string) => ({
      type: 'EvaluateMember',
      data: { memberId, at: '2026-03-01T09:00:00Z', by: { id: 'staff-1', role } },
    })
    for (const role of loyaltyRoles) expect(decodeCommand(LoyaltyCommand, command(role))._tag).toBe('Right')
    const refused = decodeCommand(LoyaltyCommand, command('janitor'))
    expect(refused._tag === 'Left' && refused.left.errors.map((e) => e.path)).toEqual(['data.by.role'])
  })

  it('events recorded with a role outside the list, before the roles were declared, still read', () => {
    const stored = {
      reason: 'card reported lost',
      at: '2026-01-10T09:00:00Z',
      by: { id: 'clerk 1', role: 'clerk' },
    }
    expect(loyaltyEvents.get('MemberSuspended')?.decodeVersion(1, stored)._tag).toBe('Right')
  })
})

describe('the loyalty domain in one value', () => {
  it('binds the decider, the default policy, the command codec, the events and the stream of each command', () => {
    expect(loyaltyDomain.name).toBe('loyalty-points')
    expect(loyaltyDomain.defaultPolicy).toBe(defaultLoyaltyPolicy)
    expect(loyaltyDomain.events).toBe(loyaltyEvents)
    expect(loyaltyDomain.command).toBe(LoyaltyCommand)
    expect(loyaltyDomain.streamOf(enrol())).toBe('member-member-1')
    const decider = loyaltyDomain.decider(defaultLoyaltyPolicy)
    expect(decider.decide(enrol(), decider.initialState)).toEqual(
      loyaltyDecider().decide(enrol(), loyaltyDecider().initialState),
    )
  })
})

describe('months are counted in the business zone of the policy (Asia/Shanghai by default)', () => {
  // 2026-01-30T20:00Z is 31 January, 04:00, in Shanghai: a month later there is 28 February, 04:00
  // (27 February, 20:00 UTC), where counting in UTC would give 28 February, 20:00.
  const at = '2026-01-30T20:00:00Z'
  const reviewAt = (businessZone: string) => {
    const policy = {
      ...defaultLoyaltyPolicy,
      businessZone,
      levels: { ...defaultLoyaltyPolicy.levels, reviewEveryMonths: 1 },
    }
    const [enrolled] = deciderSpec(loyaltyDecider(policy)).given([]).when(enrol('standard', at)).events()
    return enrolled?.type === 'MemberEnrolled' ? enrolled.data.reviewAt : null
  }

  it('a month after the evening of 30 January UTC is the end of February in Shanghai', () => {
    expect(reviewAt('Asia/Shanghai')).toBe('2026-02-27T20:00:00.000Z')
    expect(reviewAt('UTC')).toBe('2026-02-28T20:00:00.000Z')
  })
})
