import { decodeCommand } from '@dealer-crm/eventsourcing'
import { deciderSpec, rewriteInstants } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultReferralPolicy,
  ReferralCommand,
  ReferralPolicy,
  referralCommandTypes,
  referralDecider,
  referralDomain,
  referralEvents,
  referralStreamOf,
} from '../src/index.js'
import { referralCommandInputArb } from '../src/testing.js'
import { delivered, policyWith, register, saleReturned } from './fixtures.js'

// Issue #19: the referral package speaks the kernel's vocabulary (docs of VOCABULARY: one instant codec, one
// id codec, commands built one way, one Domain value).

describe('one instant with +08:00 is accepted by every referral command', () => {
  it('every command type, written in China time, decodes to the same command as in UTC', () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(referralCommandInputArb(), (input) => {
        seen.add(input.type)
        const utc = decodeCommand(ReferralCommand, input)
        const china = decodeCommand(ReferralCommand, rewriteInstants(input))
        expect(china).toEqual(utc)
        expect(china._tag).toBe('Right')
      }),
      { numRuns: 300 },
    )
    expect([...seen].sort()).toEqual([...referralCommandTypes].sort())
  })

  it('an instant without an offset is refused naming its field', () => {
    const decoded = decodeCommand(ReferralCommand, {
      type: 'RecordSaleReturned',
      data: { ...saleReturned().data, at: '2026-03-20T10:00:00' },
    })
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.at'])
  })

  it('events hold the instant in UTC, whatever offset the command used', () => {
    const [registered] = delivered()
    expect(registered?.type === 'ReferralRegistered' && registered.data.registeredAt).toBe(
      '2026-03-01T02:00:00.000Z',
    )
  })
})

describe('ids are the kernel identifiers', () => {
  it('a referral id with a space, or empty, is refused naming data.referralId', () => {
    for (const referralId of ['referral 1', ''])
      expect(
        decodeCommand(ReferralCommand, { type: 'RegisterReferral', data: { ...register().data, referralId } })
          ._tag,
      ).toBe('Left')
    const decoded = decodeCommand(ReferralCommand, {
      type: 'RegisterReferral',
      data: { ...register().data, referralId: 'referral 1' },
    })
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.referralId'])
  })
})

describe('the referral domain in one value', () => {
  it('binds the decider, the default policy, the command codec, the events and the stream of each command', () => {
    expect(referralDomain.name).toBe('referral-verification')
    expect(referralDomain.defaultPolicy).toBe(defaultReferralPolicy)
    expect(referralDomain.events).toBe(referralEvents)
    expect(referralDomain.command).toBe(ReferralCommand)
    expect(referralDomain.streamOf(register())).toBe('referral-referral-0001')
    expect(referralStreamOf(register())).toBe('referral-referral-0001')
    expect(
      referralDomain.decider(defaultReferralPolicy).decide(register(), referralDecider().initialState),
    ).toEqual(referralDecider().decide(register(), referralDecider().initialState))
  })
})

describe('the policy through its codec', () => {
  it('the default policy is what its codec accepts', () => {
    expect(ReferralPolicy.is(defaultReferralPolicy)).toBe(true)
  })

  it('a hold or a return window longer than 36,500 days is refused naming the setting', () => {
    for (const setting of ['rewardHoldDays', 'returnWindowDays'] as const) {
      const decoded = ReferralPolicy.decode({ ...defaultReferralPolicy, [setting]: 36_501 })
      expect(decoded._tag, setting).toBe('Left')
      expect(() => policyWith({ [setting]: 36_501 })).toThrow(setting)
    }
  })

  it('at the longest window a return is decided, not thrown: delivery plus 36,500 days is an instant', () => {
    const policy = policyWith({ returnWindowDays: 36_500 })
    const decider = referralDecider(policy)
    const history = delivered().map((e) =>
      e.type === 'ReferralRegistered' ? { ...e, data: { ...e.data, policy } } : e,
    )
    expect(deciderSpec(decider).given(history).when(saleReturned()).events()).toMatchObject([
      { type: 'ReferralVoided' },
    ])
  })
})
