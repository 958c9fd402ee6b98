import { isDeepStrictEqual } from 'node:util'
import { epochMs, type Instant } from '@dealer-crm/eventsourcing'
import { checkCommandSequences, checkReplayDeterminism, runCommands, type Step } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultReferralPolicy,
  type ReferralCommand,
  type ReferralError,
  type ReferralEvent,
  type ReferralState,
  referralDecider,
  referralEvents,
  referralTierFor,
} from '../src/index.js'
import { referralCommandArb, referralHistoryArb, referralPolicyArb } from '../src/testing.js'
import {
  callBackScheduled,
  checkAtDelivery,
  decider,
  delivered,
  faked,
  historyOf,
  inconclusive,
  paid,
  referralId,
  register,
  reopenedFake,
  scheduleCallBack,
  screen,
  unreachable,
  verified,
  withinTier,
} from './fixtures.js'

// Longer sequences than fast-check's small default, so random commands walk deep into the process.
fc.configureGlobal({ baseSize: 'large' })

const commands = referralCommandArb({ referralIds: [referralId] })

/** Where random sequences start: every stage of the process, so each rule is reached often. */
const startingPoints: ReadonlyArray<ReadonlyArray<ReferralEvent>> = [
  [],
  historyOf(register()),
  delivered(),
  callBackScheduled(),
  historyOf(register(), screen(), checkAtDelivery(), scheduleCallBack(), unreachable(), unreachable()),
  verified(),
  paid(),
  faked(),
  reopenedFake(),
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

// docs/domain.md §2.6: no reward without a passed verification — the last outcome before every reward is a pass.
const noRewardWithoutPassedVerification = (step: ReferralStep) =>
  step.history.every(
    (event, index) =>
      event.type !== 'RewardReleased' ||
      step.history
        .slice(0, index)
        .filter((e) => outcomes.has(e.type))
        .at(-1)?.type === 'ReferralVerified',
  )

// docs/domain.md §2.7, §5 Referrals: a faked or voided referral never pays, and ends with nothing paid.
const fakedOrVoidedNeverPays = (step: ReferralStep) => {
  if (step.before.stage === 'faked' || step.before.stage === 'voided')
    if (produced(step).some((e) => e.type === 'RewardReleased')) return false
  if (step.after.stage !== 'faked' && step.after.stage !== 'voided') return true
  const paid = step.history.filter((e) => e.type === 'RewardReleased').length
  const clawedBack = step.history.filter((e) => e.type === 'RewardClawedBack').length
  return paid === clawedBack
}

// docs/domain.md §5 Referrals: a reward never exceeds what the policy gives the referrer's tier.
const rewardWithinTier = (step: ReferralStep) =>
  produced(step).every((e) => {
    if (e.type !== 'RewardReleased' || step.command.type !== 'ReleaseReward' || !('policy' in step.before))
      return true
    const nth = step.command.data.referrerStanding.successfulReferralsBefore + 1
    const tier = referralTierFor(step.before.policy, nth)
    if (tier === undefined || e.data.nthSuccessfulReferral !== nth) return false
    return withinTier(e.data.reward, tier)
  })

const count = (events: ReadonlyArray<ReferralEvent>, type: ReferralEvent['type']) =>
  events.filter((e) => e.type === type).length

// docs/domain.md §2.7 with §2 reopen: a referral fines its consultant at most once at a time; the fine and the
// block stand while it is faked and are gone once it is verified (a fake overturned by a new call-back).
const penaltyStandsOnceWhileFaked = (step: ReferralStep) => {
  const fines = count(step.history, 'FraudPenaltyRecorded') - count(step.history, 'FraudPenaltyLifted')
  const blocks = count(step.history, 'ReferrerBlocked') - count(step.history, 'ReferrerUnblocked')
  if (fines < 0 || fines > 1 || blocks < 0 || blocks > 1) return false
  if (!('policy' in step.after)) return fines === 0 && blocks === 0
  if (step.after.stage === 'verified') return fines === 0 && blocks === 0
  if (step.after.stage === 'faked')
    return fines === 1 && blocks === (step.after.policy.blockReferrerOnFraud ? 1 : 0)
  return true
}

const callBackOutcomes = new Set(['ReferralVerified', 'ReferralFaked', 'VerificationInconclusive'])

// docs/domain.md §2: a verification outcome is final; a new one needs a recorded reopen in between.
// §5 Referrals: a voided referral cannot be un-voided, nor a closed manual review reopened; §2.2: a late
// claim admits nothing more.
const outcomesAreFinal = (step: ReferralStep) => {
  let decided = false
  for (const [index, event] of step.history.entries()) {
    if (callBackOutcomes.has(event.type)) {
      if (decided) return false
      decided = true
    }
    if (event.type === 'ReferralReopened') decided = false
    const rest = step.history.slice(index + 1)
    if ((event.type === 'LateClaimRejected' || event.type === 'ManualReviewClosed') && rest.length > 0)
      return false
    if (event.type === 'ReferralVoided' && rest.some((e) => e.type !== 'RewardClawedBack')) return false
  }
  return true
}

// docs/domain.md §5 Referrals, §2.5: each time and count bound is decided on the right side of the bound. The
// arbitraries aim returns and rewards at 1 ms either side of the window and hold, and wrong answers one either
// side of the threshold, so a bound moved by one (">" for ">=") is found, not left to chance.
/** Days of 24 hours, with the fraction, from `from` to `to`: the oracle the decider's bounds are checked against. */
const daysBetween = (from: Instant, to: Instant): number => (epochMs(to) - epochMs(from)) / 86_400_000

const boundsDecidedExactly = (step: ReferralStep) => {
  const s = step.before
  if (!('policy' in s)) return true
  const c = step.command
  const refused = step.outcome.ok ? null : step.outcome.error.code
  if (c.type === 'RecordSaleReturned' && s.deliveredAt !== null) {
    const days = daysBetween(s.deliveredAt, c.data.at)
    if (step.outcome.ok) return days <= s.policy.returnWindowDays
    return refused !== 'ReturnWindowClosed' || days > s.policy.returnWindowDays
  }
  if (c.type === 'ReleaseReward' && s.deliveredAt !== null) {
    const days = daysBetween(s.deliveredAt, c.data.at)
    if (step.outcome.ok) return days >= s.policy.rewardHoldDays
    return refused !== 'RewardOnHold' || days < s.policy.rewardHoldDays
  }
  if (c.type === 'RecordCallBackAnswers' && step.outcome.ok) {
    const wrong = c.data.answers.filter((a) => a === 'wrong').length
    const outcome = step.outcome.events.find(
      (e) => e.type === 'ReferralFaked' || e.type === 'ReferralVerified',
    )
    return outcome?.type === (wrong >= s.policy.wrongAnswersForFake ? 'ReferralFaked' : 'ReferralVerified')
  }
  if (c.type === 'RecordCallBackUnreachable' && step.outcome.ok && s.callBack !== null) {
    const inconclusive = step.outcome.events.some((e) => e.type === 'VerificationInconclusive')
    return inconclusive === s.callBack.unreachableAttempts + 1 >= s.policy.callBackAttempts
  }
  return true
}

const invariants = (step: ReferralStep) =>
  boundsDecidedExactly(step) &&
  noRewardWithoutPassedVerification(step) &&
  fakedOrVoidedNeverPays(step) &&
  rewardWithinTier(step) &&
  penaltyStandsOnceWhileFaked(step) &&
  outcomesAreFinal(step)

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
      'FraudPenaltyLifted',
      'ReferrerUnblocked',
      'ManualReviewClosed',
    ])
      expect(seen).toContain(type)
  })

  it('random sequences do reach each bound: returns and rewards 1 ms around the window and hold, wrong answers at the threshold', () => {
    const seen = new Set<string>()
    const window = defaultReferralPolicy.returnWindowDays
    const DAY = 86_400_000
    for (const history of startingPoints)
      for (const sequence of fc.sample(fc.array(commands, { maxLength: 40 }), { numRuns: 50, seed: 18 }))
        for (const step of runCommands(decider, sequence, history)) {
          const s = step.before
          if (!('policy' in s) || s.deliveredAt === null) continue
          const c = step.command
          const offset = Date.parse(c.data.at) - Date.parse(s.deliveredAt)
          if (c.type === 'RecordSaleReturned' && Math.abs(offset - window * DAY) <= 1)
            seen.add(`return ${offset - window * DAY}`)
          if (c.type === 'ReleaseReward' && s.stage === 'verified' && Math.abs(offset) <= 1)
            seen.add(`reward ${offset}`)
          if (c.type === 'RecordCallBackAnswers' && step.outcome.ok)
            seen.add(`wrong ${c.data.answers.filter((a) => a === 'wrong').length}`)
        }
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'return -1',
        'return 0',
        'return 1',
        'reward -1',
        'reward 0',
        'reward 1',
        'wrong 1',
        'wrong 2',
        'wrong 3',
      ]),
    )
  })

  it('no reward without a prior passed verification; faked or voided never pays; rewards within the tier; one standing fine while faked; outcomes final; replay reproduces the state', () => {
    for (const history of startingPoints)
      checkCommandSequences({ decider, commands, invariant: invariants, history, numRuns: 40 })
  })

  it('the same holds under policies a dealer might set', () => {
    for (const policy of fc.sample(referralPolicyArb, { numRuns: 8, seed: 11 }))
      checkCommandSequences({
        decider: referralDecider(policy),
        commands: referralCommandArb({ referralIds: [referralId], policy }),
        invariant: invariants,
        numRuns: 40,
      })
  })

  it('stored events read back through their codecs reproduce the state (lossless JSON)', () => {
    fc.assert(
      fc.property(referralHistoryArb(), (history) => {
        const readBack = history.map((event) => {
          const type = referralEvents.get(event.type)
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

describe('replaying the stored events (docs/domain.md §2: "tests and replays are deterministic")', () => {
  it('folding the events a store holds, written as JSON and read back through the registry, gives the state the handler returned', async () => {
    for (const history of [[], delivered(), faked()])
      await checkReplayDeterminism({
        decider,
        registry: referralEvents,
        streamName: `referral-${referralId}`,
        commands: fc.array(commands, { maxLength: 25 }),
        history,
        numRuns: 25,
      })
  })
})
