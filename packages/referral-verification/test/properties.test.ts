import { isDeepStrictEqual } from 'node:util'
import { checkCommandSequences, runCommands, type Step } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decider,
  isLive,
  liveReferralOf,
  type ReferralCommand,
  type ReferralError,
  type ReferralEvent,
  type ReferralState,
  type Reward,
  type RewardTier,
  refereeReferrals,
  referralDecider,
  referralVerificationEvents,
  tierFor,
} from '../src/index.js'
import {
  referralCommandArbitrary,
  referralHistoryArbitrary,
  referralPolicyArbitrary,
} from '../src/testing.js'
import {
  callBackScheduled,
  delivered,
  faked,
  historyOf,
  inconclusive,
  paid,
  recorded,
  referralId,
  register,
  verified,
} from './fixtures.js'

// Longer sequences than fast-check's small default, so random commands walk deep into the process.
fc.configureGlobal({ baseSize: 'large' })

const commands = referralCommandArbitrary({ referralIds: [referralId] })

/** Where random sequences start: every stage of the process, so each rule is reached often. */
const startingPoints: ReadonlyArray<ReadonlyArray<ReferralEvent>> = [
  [],
  historyOf(register()),
  delivered(),
  callBackScheduled(),
  verified(),
  paid(),
  faked(),
  inconclusive(),
]

type ReferralStep = Step<ReferralCommand, ReferralEvent, ReferralState, ReferralError>

const produced = (step: ReferralStep): ReadonlyArray<ReferralEvent> =>
  step.outcome.ok ? step.outcome.events : []

const outcomes = new Set([
  'ReferralVerified',
  'ReferralFaked',
  'VerificationInconclusive',
  'ReferralReopened',
  'ReferralVoided',
])

// DOMAIN.md §2.6: no reward without a passed verification — the last outcome before every reward is a pass.
const noRewardWithoutPassedVerification = (step: ReferralStep) =>
  step.history.every(
    (event, index) =>
      event.type !== 'RewardReleased' ||
      step.history
        .slice(0, index)
        .filter((e) => outcomes.has(e.type))
        .at(-1)?.type === 'ReferralVerified',
  )

// DOMAIN.md §2.7, §5 Referrals: a faked or voided referral never pays, and ends with nothing paid.
const fakedOrVoidedNeverPays = (step: ReferralStep) => {
  if (step.before.stage === 'faked' || step.before.stage === 'voided')
    if (produced(step).some((e) => e.type === 'RewardReleased')) return false
  if (step.after.stage !== 'faked' && step.after.stage !== 'voided') return true
  const paid = step.history.filter((e) => e.type === 'RewardReleased').length
  const clawedBack = step.history.filter((e) => e.type === 'RewardClawedBack').length
  return paid === clawedBack
}

const withinTier = (reward: Reward, tier: RewardTier): boolean => {
  switch (reward.kind) {
    case 'gift':
      return reward.valueFen <= tier.giftFen
    case 'cash-back':
      return reward.valueFen <= tier.cashBackFen
    case 'purchase-voucher':
      return reward.valueFen <= tier.purchaseVoucherFen
    case 'loyalty-points':
      return reward.points <= tier.loyaltyPoints
  }
}

// DOMAIN.md §5 Referrals: a reward never exceeds what the policy gives the referrer's tier.
const rewardWithinTier = (step: ReferralStep) =>
  produced(step).every((e) => {
    if (e.type !== 'RewardReleased' || step.command.type !== 'ReleaseReward' || !('policy' in step.before))
      return true
    const nth = step.command.data.referrerStanding.successfulReferralsBefore + 1
    const tier = tierFor(step.before.policy, nth)
    if (tier === undefined || e.data.nthSuccessfulReferral !== nth) return false
    return withinTier(e.data.reward, tier)
  })

const invariants = (step: ReferralStep) =>
  noRewardWithoutPassedVerification(step) && fakedOrVoidedNeverPays(step) && rewardWithinTier(step)

describe('properties over random command sequences', () => {
  it('random sequences reach every outcome, so the properties are not vacuous', () => {
    const seen = new Set<string>()
    for (const history of startingPoints)
      for (const sequence of fc.sample(fc.array(commands, { maxLength: 40 }), { numRuns: 50, seed: 7 }))
        for (const step of runCommands(decider, sequence, history))
          for (const e of produced(step)) seen.add(e.type)
    for (const type of [
      'RewardReleased',
      'ReferralFaked',
      'VerificationInconclusive',
      'RewardClawedBack',
      'ReferralReopened',
    ])
      expect(seen).toContain(type)
  })

  it('no reward without a prior passed verification; faked or voided never pays; rewards within the tier; replay reproduces the state', () => {
    for (const history of startingPoints)
      checkCommandSequences({ decider, commands, invariant: invariants, history, numRuns: 40 })
  })

  it('the same holds under policies a dealer might set', () => {
    for (const policy of fc.sample(referralPolicyArbitrary, { numRuns: 8, seed: 11 }))
      checkCommandSequences({
        decider: referralDecider(policy),
        commands,
        invariant: invariants,
        numRuns: 40,
      })
  })

  it('stored events read back through their codecs reproduce the state (lossless JSON)', () => {
    fc.assert(
      fc.property(referralHistoryArbitrary(), (history) => {
        const readBack = history.map((event) => {
          const type = referralVerificationEvents.get(event.type)
          if (type === undefined) throw new Error(`${event.type} is not registered`)
          const stored = JSON.parse(JSON.stringify(type.codec.encode(event.data)))
          const decoded = type.decodeVersion(type.schemaVersion, stored)
          if (decoded._tag === 'Left') throw new Error(`${event.type} does not read back`)
          return { type: event.type, data: decoded.right } as ReferralEvent
        })
        const replay = (events: ReadonlyArray<ReferralEvent>) =>
          events.reduce(decider.evolve, decider.initialState)
        return isDeepStrictEqual(readBack, history) && isDeepStrictEqual(replay(readBack), replay(history))
      }),
      { numRuns: 100 },
    )
  })
})

describe('one referrer per referee, across referrals (DOMAIN.md §2, §5 Referrals)', () => {
  it('a referee never has two live referrals when the application passes the lookup in', () => {
    const referralIds = ['referral-1', 'referral-2', 'referral-3']
    fc.assert(
      fc.property(fc.array(referralCommandArbitrary({ referralIds }), { maxLength: 60 }), (commands) => {
        const states = new Map<string, ReferralState>()
        const lookup = refereeReferrals.init()
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
            refereeReferrals.apply(lookup, e)
          position += decision.right.length
          const liveByReferee = new Map<string, number>()
          for (const state of states.values())
            if (isLive(state) && 'referee' in state)
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

/** What the application does: fill the referee's live referral from the `refereeReferrals` read model. */
const withLookup = (
  command: ReferralCommand,
  lookup: ReturnType<typeof refereeReferrals.init>,
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
