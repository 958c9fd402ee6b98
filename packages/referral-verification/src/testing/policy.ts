import fc from 'fast-check'
import { referralDecider } from '../decide.js'
import type { ReferralEvent } from '../events.js'
import { checkedPolicy, defaultReferralPolicy, type ReferralPolicy } from '../policy.js'
import { referralCommandsArb } from './commands.js'

/** Policies a dealer might set: fewer or more questions, stricter thresholds, holds, tiers. */
export const referralPolicyArb: fc.Arbitrary<ReferralPolicy> = fc
  .record({
    questionsAtLeast: fc.integer({ min: 1, max: 4 }),
    extraQuestions: fc.integer({ min: 0, max: 2 }),
    falseStatementsAtLeast: fc.integer({ min: 0, max: 2 }),
    wrongAnswersForFake: fc.integer({ min: 1, max: 4 }),
    callBackAttempts: fc.integer({ min: 1, max: 5 }),
    // Now and then the longest a policy may wait (36,500 days), where delivery plus the days must still be an instant.
    rewardHoldDays: fc.oneof({ weight: 7, arbitrary: fc.integer({ min: 0, max: 14 }) }, fc.constant(36_500)),
    returnWindowDays: fc.oneof(
      { weight: 7, arbitrary: fc.integer({ min: 0, max: 60 }) },
      fc.constant(36_500),
    ),
    fraudPenaltyFen: fc.integer({ min: 0, max: 200_000 }),
    blockReferrerOnFraud: fc.boolean(),
    tierStarts: fc.uniqueArray(fc.integer({ min: 2, max: 10 }), { maxLength: 3 }),
  })
  .map((p) =>
    checkedPolicy({
      ...defaultReferralPolicy,
      policyVersion: `generated-${p.questionsAtLeast}-${p.wrongAnswersForFake}-${p.rewardHoldDays}`,
      questionsAtLeast: p.questionsAtLeast,
      questionsAtMost: p.questionsAtLeast + p.extraQuestions,
      falseStatementsAtLeast: Math.min(p.falseStatementsAtLeast, p.questionsAtLeast),
      wrongAnswersForFake: p.wrongAnswersForFake,
      callBackAttempts: p.callBackAttempts,
      rewardHoldDays: p.rewardHoldDays,
      returnWindowDays: p.returnWindowDays,
      fraudPenaltyFen: p.fraudPenaltyFen,
      blockReferrerOnFraud: p.blockReferrerOnFraud,
      rewardTiers: [1, ...p.tierStarts].map((from, i) => ({
        name: `tier-${i + 1}`,
        fromSuccessfulReferral: from,
        giftFen: 10_000 * (i + 1),
        cashBackFen: 20_000 * (i + 1),
        purchaseVoucherFen: 30_000 * (i + 1),
        loyaltyPoints: 1_000 * (i + 1),
      })),
    }),
  )

/**
 * Event histories of one referral under a policy: the events the decider accepted for random commands aimed at
 * the policy's bounds.
 */
export const referralHistoryArb = (
  policy: ReferralPolicy = defaultReferralPolicy,
): fc.Arbitrary<ReadonlyArray<ReferralEvent>> =>
  referralCommandsArb({ policy }).map((commands) => {
    const decider = referralDecider(policy)
    const history: ReferralEvent[] = []
    let state = decider.initialState
    for (const command of commands) {
      const decision = decider.decide(command, state)
      if (decision._tag === 'Left') continue
      for (const event of decision.right) {
        history.push(event)
        state = decider.evolve(state, event)
      }
    }
    return history
  })
