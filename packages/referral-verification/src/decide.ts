import { isErased } from '@dealer-crm/eventsourcing'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type {
  CheckAtDelivery,
  CloseManualReview,
  RecordCallBackAnswers,
  RecordCallBackUnreachable,
  RecordSaleReturned,
  ReferralCommand,
  RegisterReferral,
  ReleaseReward,
  ReopenReferral,
  ScheduleCallBack,
  ScreenReferral,
} from './commands.js'
import { type ReferralError, referralError } from './errors.js'
import type { ReferralEvent } from './events.js'
import { defaultReportingRoles, type ReferralPolicy, type RewardTier, tierFor } from './policy.js'
import type { AssertedVehicle, Question } from './questions.js'
import type { Reward, RewardKind } from './rewards.js'
import type { Referral, ReferralState } from './state.js'
import { type At, daysBetween, isBefore, type Role, type Staff, samePhone, type Vehicle } from './values.js'

type Decision = Either<ReferralError, ReadonlyArray<ReferralEvent>>

/** The rules of referral verification, one function per command (docs/domain.md §2, §5 Referrals). */
export const decide =
  (policy: ReferralPolicy) =>
  (command: ReferralCommand, state: ReferralState): Decision => {
    if (command.type === 'RegisterReferral') return registerReferral(command, state, policy)
    if (state.stage === 'unregistered' || state.stage === 'late-claim')
      return left(
        referralError(
          'NotRegistered',
          state.stage === 'late-claim'
            ? `referral ${state.referralId} was refused as a late claim; nothing more can be done on it`
            : `referral ${command.data.referralId} has not been registered`,
        ),
      )
    if (command.data.referralId !== state.referralId)
      return left(
        referralError(
          'WrongReferral',
          `the command is for referral ${command.data.referralId} but this is referral ${state.referralId}`,
        ),
      )
    if (isBefore(command.data.at, state.registeredAt))
      return left(
        referralError(
          'BeforeRegistration',
          `${command.data.at} is before the referral was registered (${state.registeredAt})`,
        ),
      )
    switch (command.type) {
      case 'ScreenReferral':
        return screenReferral(command, state)
      case 'CheckAtDelivery':
        return checkAtDelivery(command, state)
      case 'ScheduleCallBack':
        return scheduleCallBack(command, state)
      case 'RecordCallBackAnswers':
        return recordCallBackAnswers(command, state)
      case 'RecordCallBackUnreachable':
        return recordCallBackUnreachable(command, state)
      case 'ReleaseReward':
        return releaseReward(command, state)
      case 'RecordSaleReturned':
        return recordSaleReturned(command, state)
      case 'ReopenReferral':
        return reopenReferral(command, state)
      case 'CloseManualReview':
        return closeManualReview(command, state)
    }
  }

const stageInWords: Record<Referral['stage'], string> = {
  registered: 'registered and awaiting screening',
  screened: 'screened and awaiting the delivery check',
  delivered: 'delivered and awaiting a call-back',
  'call-back-scheduled': 'waiting for its call-back',
  verified: 'verified',
  faked: 'faked',
  inconclusive: 'inconclusive, in manual review',
  rejected: 'rejected',
  voided: 'voided',
}

const wrongStage = (code: ReferralError['code'], s: Referral, expected: string) =>
  left(referralError(code, `referral ${s.referralId} is ${stageInWords[s.stage]}; ${expected}`))

const roleNotAllowed = (who: Staff, what: string, roles: ReadonlyArray<Role>) =>
  left(
    referralError(
      'RoleNotAllowed',
      `${who.id} acts as ${who.role}; only ${roles.join(', ') || 'nobody'} may ${what}`,
    ),
  )

// docs/domain.md §2.1 advance registration; §2.2 late claims; §2 + §5 one referrer per referee, no self-referral.
const registerReferral = (c: RegisterReferral, s: ReferralState, policy: ReferralPolicy): Decision => {
  const d = c.data
  if (s.stage !== 'unregistered')
    return left(referralError('AlreadyRegistered', `referral ${d.referralId} is already on file`))
  if (!policy.registeringRoles.includes(d.registeredBy.role))
    return roleNotAllowed(d.registeredBy, 'register a referral', policy.registeringRoles)
  const reportingRoles = policy.reportingRoles ?? defaultReportingRoles
  if (!reportingRoles.includes(d.reportedBy.role))
    return roleNotAllowed(d.reportedBy, 'report a referral', reportingRoles)
  // Both phones are in the command: compared normalised, not only through the caller's hashes.
  if (
    samePhone(d.referee.phone, d.referrer.phone) ||
    d.referee.phoneHash === d.referrer.phoneHash ||
    d.referee.customerId === d.referrer.customerId
  )
    return left(
      referralError(
        'SelfReferral',
        'the referrer and the referee are the same person; nobody can refer themself',
      ),
    )
  if (d.refereeLiveReferralId !== null && d.refereeLiveReferralId !== d.referralId)
    return left(
      referralError(
        'RefereeAlreadyReferred',
        `the referee is already registered under referral ${d.refereeLiveReferralId}; the earliest registration wins`,
      ),
    )
  if (d.refereeDeliveredAt !== null && !isBefore(d.at, d.refereeDeliveredAt))
    return right([
      {
        type: 'LateClaimRejected',
        data: {
          referralId: d.referralId,
          refereeId: d.referee.customerId,
          referrerId: d.referrer.customerId,
          reportedBy: d.reportedBy,
          registeredBy: d.registeredBy,
          claimedAt: d.at,
          deliveredAt: d.refereeDeliveredAt,
          reason: 'late-claim',
        },
      },
    ])
  return right([
    {
      type: 'ReferralRegistered',
      data: {
        referralId: d.referralId,
        registeredAt: d.at,
        reportedBy: d.reportedBy,
        registeredBy: d.registeredBy,
        referee: {
          subjectId: d.referee.customerId,
          phoneHash: d.referee.phoneHash,
          name: d.referee.name,
          phone: d.referee.phone,
          purchase: d.referee.purchase,
        },
        referrer: {
          subjectId: d.referrer.customerId,
          phoneHash: d.referrer.phoneHash,
          name: d.referrer.name,
          phone: d.referrer.phone,
          vehicle: d.referrer.vehicle,
        },
        policy,
      },
    },
  ])
}

// docs/domain.md §2.3 preliminary screening: an owner's referral, and the referrer helped.
const screenReferral = (c: ScreenReferral, s: Referral): Decision => {
  if (s.stage !== 'registered')
    return wrongStage('NotAwaitingScreening', s, 'only a newly registered referral is screened')
  if (!s.policy.screeningRoles.includes(c.data.by.role))
    return roleNotAllowed(c.data.by, 'screen a referral', s.policy.screeningRoles)
  return right([
    {
      type: 'ReferralScreened',
      data: {
        referralId: s.referralId,
        by: c.data.by,
        ownersReferral: c.data.ownersReferral,
        referrerHelped: c.data.referrerHelped,
        outcome: c.data.ownersReferral && c.data.referrerHelped ? 'passed' : 'screened-out',
        at: c.data.at,
      },
    },
  ])
}

// docs/domain.md §2.4 delivery check against the referrer's licence; §5: keep the outcome, never the document.
const checkAtDelivery = (c: CheckAtDelivery, s: Referral): Decision => {
  if (s.stage !== 'screened')
    return wrongStage('NotAwaitingDeliveryCheck', s, 'the delivery check follows screening')
  if (!s.policy.deliveryCheckRoles.includes(c.data.by.role))
    return roleNotAllowed(c.data.by, 'check a referral at delivery', s.policy.deliveryCheckRoles)
  return right([
    {
      type: 'DeliveryChecked',
      data: {
        referralId: s.referralId,
        by: c.data.by,
        licenceMatches: c.data.licenceMatches,
        outcome: c.data.licenceMatches ? 'matches' : 'licence-mismatch',
        deliveredAt: c.data.at,
      },
    },
  ])
}

const verifierIsSeller = (s: Referral) =>
  left(
    referralError('VerifierIsSeller', `${s.sellingConsultant} sold this car and may not verify its referral`),
  )

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

/** A statement is false when at least one part it asserts differs from the registered car. */
const isFalseStatement = (asserted: AssertedVehicle, registered: Vehicle): boolean =>
  (asserted.model !== null && !same(asserted.model, registered.model)) ||
  (asserted.colour !== null && !same(asserted.colour, registered.colour)) ||
  (asserted.gearbox !== null && registered.gearbox !== null && asserted.gearbox !== registered.gearbox)

const falseStatements = (questions: ReadonlyArray<Question>) =>
  questions.flatMap((q) => (q.kind === 'false-statement' ? [q.asserted] : []))

// docs/domain.md §2.5 call-back: drawn callee, 3–4 questions from the registered facts, at least one false
// statement; §5: the verifier is not the seller.
const scheduleCallBack = (c: ScheduleCallBack, s: Referral): Decision => {
  const { draw, verifierId } = c.data
  if (s.stage !== 'delivered')
    return wrongStage('NotReadyForCallBack', s, 'a call-back follows a passed delivery check')
  if (verifierId === s.sellingConsultant) return verifierIsSeller(s)
  const { questionsAtLeast, questionsAtMost, falseStatementsAtLeast } = s.policy
  if (draw.questions.length < questionsAtLeast || draw.questions.length > questionsAtMost)
    return left(
      referralError(
        'QuestionCountOutsidePolicy',
        `a call-back asks ${questionsAtLeast}–${questionsAtMost} questions, not ${draw.questions.length}`,
      ),
    )
  const statements = falseStatements(draw.questions)
  if (statements.length < falseStatementsAtLeast)
    return left(
      referralError(
        'TooFewFalseStatements',
        `at least ${falseStatementsAtLeast} question(s) must be a false statement the callee corrects`,
      ),
    )
  const about = draw.callee === 'referee' ? s.referrer : s.referee
  if (isErased(about.vehicle))
    return left(
      referralError('FactsErased', 'the registered car was erased; no question can be checked against it'),
    )
  const registered = about.vehicle
  if (!statements.every((asserted) => isFalseStatement(asserted, registered)))
    return left(
      referralError(
        'StatementNotFalse',
        'a "false statement" matches the registered car; the callee would have nothing to correct',
      ),
    )
  const callee = draw.callee === 'referee' ? s.referee : s.referrer
  return right([
    {
      type: 'CallBackScheduled',
      data: {
        referralId: s.referralId,
        by: c.data.by,
        verifierId,
        callee: draw.callee,
        calleeId: callee.subjectId,
        questions: draw.questions,
        at: c.data.at,
        policyVersion: s.policy.policyVersion,
      },
    },
  ])
}

// docs/domain.md §2.5: two wrong answers mark the referral faked; §2.7 penalty and referrer block, recorded once per
// referral; §2: a reopened fake that now passes is overturned, and its penalty and block are lifted.
const recordCallBackAnswers = (c: RecordCallBackAnswers, s: Referral): Decision => {
  const { answers, verifier, at } = c.data
  if (s.stage !== 'call-back-scheduled' || s.callBack === null)
    return wrongStage('NoCallBackScheduled', s, 'answers are recorded for a scheduled call-back')
  if (verifier.id === s.sellingConsultant) return verifierIsSeller(s)
  if (answers.length !== s.callBack.questions.length)
    return left(
      referralError(
        'AnswersDoNotMatchQuestions',
        `${s.callBack.questions.length} questions were asked but ${answers.length} answers were given`,
      ),
    )
  const wrongAnswers = answers.filter((a) => a === 'wrong').length
  const answered: ReferralEvent = {
    type: 'CallBackAnswered',
    data: { referralId: s.referralId, verifier, answers, wrongAnswers, at },
  }
  return right(
    wrongAnswers < s.policy.wrongAnswersForFake
      ? [answered, ...verifiedEvents(s, wrongAnswers, at)]
      : [answered, ...fakedEvents(s, wrongAnswers, at)],
  )
}

const verifiedEvents = (s: Referral, wrongAnswers: number, at: At): ReadonlyArray<ReferralEvent> => {
  const { referralId, policy } = s
  const { policyVersion } = policy
  const referrerId = s.referrer.subjectId
  return [
    { type: 'ReferralVerified', data: { referralId, referrerId, wrongAnswers, at, policyVersion } },
    ...(s.standingPenalty === null
      ? []
      : [
          {
            type: 'FraudPenaltyLifted' as const,
            data: { referralId, ...s.standingPenalty, reason: 'fake-overturned' as const, at, policyVersion },
          },
        ]),
    ...(s.blocksReferrer
      ? [{ type: 'ReferrerUnblocked' as const, data: { referralId, referrerId, at, policyVersion } }]
      : []),
  ]
}

const fakedEvents = (s: Referral, wrongAnswers: number, at: At): ReadonlyArray<ReferralEvent> => {
  const { referralId, policy, sellingConsultant } = s
  const { policyVersion } = policy
  const referrerId = s.referrer.subjectId
  return [
    {
      type: 'ReferralFaked',
      data: {
        referralId,
        referrerId,
        reportedBy: sellingConsultant,
        wrongAnswers,
        threshold: policy.wrongAnswersForFake,
        at,
        policyVersion,
      },
    },
    // A fake found again after a reopen does not fine or block twice: the first penalty still stands.
    ...(s.standingPenalty === null
      ? [
          {
            type: 'FraudPenaltyRecorded' as const,
            data: {
              referralId,
              consultantId: sellingConsultant,
              amountFen: policy.fraudPenaltyFen,
              at,
              policyVersion,
            },
          },
        ]
      : []),
    ...(policy.blockReferrerOnFraud && !s.blocksReferrer
      ? [{ type: 'ReferrerBlocked' as const, data: { referralId, referrerId, at, policyVersion } }]
      : []),
  ]
}

// docs/domain.md §5 Referrals: unreachable callee — retries up to the budget, then inconclusive and manual review.
const recordCallBackUnreachable = (c: RecordCallBackUnreachable, s: Referral): Decision => {
  const { verifier, at } = c.data
  if (s.stage !== 'call-back-scheduled' || s.callBack === null)
    return wrongStage('NoCallBackScheduled', s, 'only a scheduled call-back can fail to reach the callee')
  if (verifier.id === s.sellingConsultant) return verifierIsSeller(s)
  const attempt = s.callBack.unreachableAttempts + 1
  const unreachable: ReferralEvent = {
    type: 'CallBackUnreachable',
    data: { referralId: s.referralId, verifier, attempt, at },
  }
  return attempt < s.policy.callBackAttempts
    ? right([unreachable])
    : right([
        unreachable,
        {
          type: 'VerificationInconclusive',
          data: {
            referralId: s.referralId,
            attempts: attempt,
            queue: 'manual-review',
            at,
            policyVersion: s.policy.policyVersion,
          },
        },
      ])
}

const rewardOf = (kind: RewardKind, tier: RewardTier): Reward => {
  switch (kind) {
    case 'gift':
      return { kind, valueFen: tier.giftFen }
    case 'cash-back':
      return { kind, valueFen: tier.cashBackFen }
    case 'purchase-voucher':
      return { kind, valueFen: tier.purchaseVoucherFen }
    case 'loyalty-points':
      return { kind, points: tier.loyaltyPoints }
  }
}

// docs/domain.md §2.6 reward only after verification; §5 hold period, tiers, blocked referrers.
const releaseReward = (c: ReleaseReward, s: Referral): Decision => {
  const { referrerStanding, kind, at, by } = c.data
  if (s.stage !== 'verified')
    return wrongStage('NotVerified', s, 'a reward is paid only after a passed call-back')
  if (s.reward.status !== 'none')
    return left(
      referralError('RewardAlreadyReleased', `the reward for referral ${s.referralId} was already paid`),
    )
  if (referrerStanding.blocked)
    return left(
      referralError('ReferrerBlocked', 'the referrer is blocked from rewards after a faked referral'),
    )
  const holdEnds = s.deliveredAt === null ? at : s.deliveredAt
  if (daysBetween(holdEnds, at) < s.policy.rewardHoldDays)
    return left(
      referralError(
        'RewardOnHold',
        `the reward is held for ${s.policy.rewardHoldDays} days after delivery (${holdEnds}) to cover returns`,
      ),
    )
  const nth = referrerStanding.successfulReferralsBefore + 1
  const tier = tierFor(s.policy, nth)
  if (tier === undefined)
    return left(
      referralError(
        'NoRewardTier',
        `policy ${s.policy.policyVersion} has no reward tier for referral ${nth}`,
      ),
    )
  return right([
    {
      type: 'RewardReleased',
      data: {
        referralId: s.referralId,
        referrerId: s.referrer.subjectId,
        by,
        tier: tier.name,
        nthSuccessfulReferral: nth,
        reward: rewardOf(kind, tier),
        at,
        policyVersion: s.policy.policyVersion,
      },
    },
  ])
}

const voidable: ReadonlyArray<Referral['stage']> = [
  'registered',
  'screened',
  'delivered',
  'call-back-scheduled',
  'verified',
  'inconclusive',
]

// docs/domain.md §5 Referrals: a returned or cancelled sale within the window voids the referral or claws back.
const recordSaleReturned = (c: RecordSaleReturned, s: Referral): Decision => {
  const { outcome, at } = c.data
  if (!voidable.includes(s.stage)) return wrongStage('NothingToVoid', s, 'there is no live referral to void')
  if (s.deliveredAt !== null && daysBetween(s.deliveredAt, at) > s.policy.returnWindowDays)
    return left(
      referralError(
        'ReturnWindowClosed',
        `the sale came back more than ${s.policy.returnWindowDays} days after delivery (${s.deliveredAt}); the referral stands`,
      ),
    )
  const voided: ReferralEvent = {
    type: 'ReferralVoided',
    data: {
      referralId: s.referralId,
      reason: outcome === 'returned' ? 'sale-returned' : 'sale-cancelled',
      at,
      policyVersion: s.policy.policyVersion,
    },
  }
  return s.reward.status === 'released'
    ? right([
        voided,
        {
          type: 'RewardClawedBack',
          data: { referralId: s.referralId, referrerId: s.referrer.subjectId, reward: s.reward.reward, at },
        },
      ])
    : right([voided])
}

// docs/domain.md §2: outcomes are final; a manager's explicit, recorded reopen allows a new call-back.
const reopenReferral = (c: ReopenReferral, s: Referral): Decision => {
  const { by, reason, at, refereeLiveReferralId } = c.data
  if (!s.policy.reopeningRoles.includes(by.role))
    return roleNotAllowed(by, 'reopen a referral', s.policy.reopeningRoles)
  if (s.stage !== 'verified' && s.stage !== 'faked' && s.stage !== 'inconclusive')
    return wrongStage(
      'OutcomeNotFinal',
      s,
      'only a verified, faked or inconclusive call-back can be reopened',
    )
  if (s.reward.status !== 'none')
    return left(
      referralError('RewardAlreadyPaid', 'the reward was paid; void the referral instead of reopening it'),
    )
  if (s.stage === 'faked' && refereeLiveReferralId !== null && refereeLiveReferralId !== s.referralId)
    return left(
      referralError(
        'RefereeAlreadyReferred',
        `since this referral was faked the referee was registered under referral ${refereeLiveReferralId}`,
      ),
    )
  return right([
    {
      type: 'ReferralReopened',
      data: { referralId: s.referralId, by, previousOutcome: s.stage, reason, at },
    },
  ])
}

// docs/domain.md §5 Referrals: an inconclusive referral waits in manual review; a manager closes it as not verified.
const closeManualReview = (c: CloseManualReview, s: Referral): Decision => {
  const { by, reason, at } = c.data
  if (!s.policy.reopeningRoles.includes(by.role))
    return roleNotAllowed(by, 'close a manual review', s.policy.reopeningRoles)
  if (s.stage !== 'inconclusive')
    return wrongStage('NotInManualReview', s, 'only an inconclusive referral waits in manual review')
  return right([
    {
      type: 'ManualReviewClosed',
      data: { referralId: s.referralId, by, reason, at, policyVersion: s.policy.policyVersion },
    },
  ])
}
