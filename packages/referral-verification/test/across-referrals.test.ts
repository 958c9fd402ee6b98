import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  isLiveReferral,
  liveReferralOf,
  type ReferralCommand,
  type ReferralEvent,
  type ReferralState,
  refereeReferralsProjection,
  referralTierFor,
  referrerLedgerProjection,
  referrerStanding,
} from '../src/index.js'
import { referralCommandArb } from '../src/testing.js'
import {
  answers,
  checkAtDelivery,
  command,
  decider,
  historyOf,
  liSi,
  recorded,
  register,
  reopen,
  scheduleCallBack,
  screen,
  withinTier,
} from './fixtures.js'

// Longer sequences than fast-check's small default, so random commands walk deep into the process.
fc.configureGlobal({ baseSize: 'large' })

describe('one referrer per referee, across referrals (docs/domain.md §2, §5 Referrals)', () => {
  it('a referee never has two live referrals when the application passes the lookup in', () => {
    const referralIds = ['referral-1', 'referral-2', 'referral-3']
    fc.assert(
      fc.property(fc.array(referralCommandArb({ referralIds }), { maxLength: 60 }), (commands) => {
        const states = new Map<string, ReferralState>()
        const lookup = refereeReferralsProjection.init()
        let position = 1
        for (const raw of commands) {
          const command = withLookup(raw, lookup)
          const before = states.get(command.data.referralId) ?? decider.initialState
          const decision = decider.decide(command, before)
          if (decision._tag === 'Left') continue
          states.set(command.data.referralId, decision.right.reduce(decider.evolve, before))
          for (const e of recorded(
            decision.right,
            `referral-${command.data.referralId}`,
            undefined,
            position,
          ))
            refereeReferralsProjection.apply(lookup, e)
          position += decision.right.length
          const liveByReferee = new Map<string, number>()
          for (const state of states.values())
            if (isLiveReferral(state) && 'referee' in state)
              liveByReferee.set(
                state.referee.subjectId,
                (liveByReferee.get(state.referee.subjectId) ?? 0) + 1,
              )
          if ([...liveByReferee.values()].some((n) => n > 1)) return false
        }
        return true
      }),
      { numRuns: 200 },
    )
  })
})

/** What the application does: fill the referee's live referral from the `refereeReferralsProjection` read model. */
const withLookup = (
  command: ReferralCommand,
  lookup: ReturnType<typeof refereeReferralsProjection.init>,
): ReferralCommand => {
  if (command.type === 'RegisterReferral')
    return {
      ...command,
      data: { ...command.data, refereeLiveReferralId: liveReferralOf(lookup, command.data.referee) },
    }
  if (command.type === 'ReopenReferral') {
    const referee = lookup.referees[command.data.referralId]
    return {
      ...command,
      data: {
        ...command.data,
        refereeLiveReferralId:
          referee === undefined
            ? null
            : liveReferralOf(lookup, { customerId: referee.refereeId, phoneHash: referee.phoneHash }),
      },
    }
  }
  return command
}

describe('rewards across referrals, with the referrer ledger passed in (docs/domain.md §2.7, §5 Referrals)', () => {
  // Three referrals by Zhang San, each starting at a random stage, then random commands on all three.
  const referralIds = ['referral-1', 'referral-2', 'referral-3']
  const referees = [
    liSi,
    { ...liSi, customerId: 'customer-zhao', phoneHash: 'c'.repeat(64) },
    { ...liSi, customerId: 'customer-qian', phoneHash: 'd'.repeat(64) },
  ]
  const stages: Record<string, ReadonlyArray<ReferralCommand>> = {
    delivered: [screen(), checkAtDelivery()],
    scheduled: [screen(), checkAtDelivery(), scheduleCallBack()],
    verified: [screen(), checkAtDelivery(), scheduleCallBack(), answers(['right', 'right', 'right'])],
    faked: [screen(), checkAtDelivery(), scheduleCallBack(), answers(['wrong', 'wrong', 'right'])],
    reopenedFake: [
      screen(),
      checkAtDelivery(),
      scheduleCallBack(),
      answers(['wrong', 'wrong', 'right']),
      reopen(),
    ],
  }
  const startOf = (stage: string, index: number): ReadonlyArray<ReferralEvent> => {
    const id = referralIds[index] ?? 'referral-1'
    const steps = [register({ referralId: id, referee: referees[index] }), ...(stages[stage] ?? [])]
    return historyOf(...steps.map((c) => command({ ...c, data: { ...c.data, referralId: id } })))
  }
  const stage = fc.oneof(
    { weight: 3, arbitrary: fc.constant('verified') },
    { weight: 3, arbitrary: fc.constantFrom('delivered', 'scheduled') },
    { weight: 2, arbitrary: fc.constantFrom('faked', 'reopenedFake') },
  )
  const start = fc.tuple(...referralIds.map(() => stage))

  it('a reward matches the tier of the referrer’s real count of successful referrals, and never goes to a referrer with a fake standing', () => {
    let rewards = 0
    let refusedAsBlocked = 0
    fc.assert(
      fc.property(
        start,
        fc.array(referralCommandArb({ referralIds }), { maxLength: 40 }),
        (kinds, commands) => {
          const states = new Map<string, ReferralState>()
          const lookup = refereeReferralsProjection.init()
          const ledger = referrerLedgerProjection.init()
          let position = 1
          const apply = (referralId: string, events: ReadonlyArray<ReferralEvent>) => {
            const before = states.get(referralId) ?? decider.initialState
            states.set(referralId, events.reduce(decider.evolve, before))
            for (const e of recorded(events, `referral-${referralId}`, undefined, position)) {
              refereeReferralsProjection.apply(lookup, e)
              referrerLedgerProjection.apply(ledger, e)
            }
            position += events.length
          }
          for (const [index, kind] of kinds.entries())
            apply(referralIds[index] ?? 'referral-1', startOf(kind, index))
          for (const raw of commands) {
            const command = withStanding(withLookup(raw, lookup), ledger, states)
            const before = states.get(command.data.referralId) ?? decider.initialState
            const decision = decider.decide(command, before)
            if (decision._tag === 'Left') {
              if (decision.left.code === 'ReferrerBlocked') refusedAsBlocked++
              continue
            }
            const paid = decision.right.find((e) => e.type === 'RewardReleased')
            if (paid !== undefined && 'referrer' in before) {
              rewards++
              const referrerId = before.referrer.subjectId
              const others = [...states.entries()].filter(
                ([id, s]) =>
                  id !== command.data.referralId && 'referrer' in s && s.referrer.subjectId === referrerId,
              )
              // §2.7: no fake of this referrer stands (the decider saw only the ledger's answer).
              if (others.some(([, s]) => 'blocksReferrer' in s && s.blocksReferrer)) return false
              // §5: the tier of the referrer's n-th successful referral, counted from the referrals themselves.
              const nth = others.filter(([, s]) => s.stage === 'verified').length + 1
              const tier = referralTierFor(before.policy, nth)
              if (
                tier === undefined ||
                paid.data.nthSuccessfulReferral !== nth ||
                paid.data.tier !== tier.name
              )
                return false
              if (!withinTier(paid.data.reward, tier)) return false
            }
            apply(command.data.referralId, decision.right)
          }
          return true
        },
      ),
      { numRuns: 200, seed: 4 },
    )
    // Not vacuous: rewards were paid, and some were refused because a fake stood.
    expect(rewards).toBeGreaterThan(20)
    expect(refusedAsBlocked).toBeGreaterThan(5)
  })
})

/** What the application does: fill the referrer's standing from the `referrerLedgerProjection` read model. */
const withStanding = (
  command: ReferralCommand,
  ledger: ReturnType<typeof referrerLedgerProjection.init>,
  states: ReadonlyMap<string, ReferralState>,
): ReferralCommand => {
  if (command.type !== 'ReleaseReward') return command
  const state = states.get(command.data.referralId)
  if (state === undefined || !('referrer' in state)) return command
  return {
    ...command,
    data: {
      ...command.data,
      referrerStanding: referrerStanding(ledger, state.referrer.subjectId, command.data.referralId),
    },
  }
}
