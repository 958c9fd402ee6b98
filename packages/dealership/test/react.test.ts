import { recorded } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import {
  type DealershipEvent,
  dealershipProcessManagers,
  defaultDealershipPolicies,
  loyaltyEarnings,
  referralPotential,
} from '../src/index.js'

const goodwill: DealershipEvent = {
  type: 'GoodwillPointsGranted',
  data: {
    complaintId: 'cmp-9',
    customerId: 'wang-wu',
    points: 300,
    by: { id: 'manager-li', role: 'service-manager' },
    at: '2026-03-05T10:00:00+08:00',
  },
} as DealershipEvent

describe('process managers react to an event with the same commands every time', () => {
  it('dates each command with the triggering event, never a clock', () => {
    const [event] = recorded([goodwill], { streamName: 'complaint-cmp-9', fromPosition: 40n })
    if (event === undefined) throw new Error('no event')
    const pm = loyaltyEarnings(defaultDealershipPolicies)
    const commands = pm.react(event)
    expect(commands).toEqual(pm.react(event))
    // The event's own instant; the domain's codec reads it in UTC when the command is sent.
    expect(commands.map((c) => [c.command.type, c.command.data.at])).toEqual([
      ['EnrolMember', '2026-03-05T10:00:00+08:00'],
      ['AwardPoints', '2026-03-05T10:00:00+08:00'],
    ])
    expect(commands[1]?.command.data).toMatchObject({
      document: { category: 'goodwill', documentId: 'cmp-9#1' },
      points: 300,
    })
  })

  it('handles only what it reacts to, and a null policy sends nothing', () => {
    const policies = {
      ...defaultDealershipPolicies,
      processes: {
        ...defaultDealershipPolicies.processes,
        referralPotential: { verified: null, faked: 'low' as const },
      },
    }
    const verified = recorded([
      {
        type: 'ReferralVerified',
        data: {
          referralId: 'r-1',
          referrerId: 'zhang',
          wrongAnswers: 0,
          at: '2026-03-05T10:00:00+08:00',
          policyVersion: 'p',
        },
      } as DealershipEvent,
    ])
    expect(verified.flatMap(referralPotential(policies).react)).toEqual([])
    const others = dealershipProcessManagers(defaultDealershipPolicies).filter(
      (pm) => !pm.handles.includes('GoodwillPointsGranted'),
    )
    expect(others.map((pm) => pm.name)).toEqual([
      'delivery-membership',
      'complaint-touchpoint',
      'referral-potential',
    ])
    for (const pm of others) expect(recorded([goodwill]).flatMap((e) => pm.react(e))).toEqual([])
  })
})
