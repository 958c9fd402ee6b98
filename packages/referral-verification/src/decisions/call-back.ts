import { type Count, type Instant, isErased } from '@dealer-crm/eventsourcing'
import { left, right } from 'fp-ts/lib/Either.js'
import type { RecordCallBackAnswers, RecordCallBackUnreachable, ScheduleCallBack } from '../commands.js'
import { referralError } from '../errors.js'
import type { ReferralEvent } from '../events.js'
import type { AssertedVehicle, CallBackQuestion } from '../questions.js'
import type { Referral } from '../state.js'
import type { DescribedVehicle } from '../vehicle.js'
import { type Decision, verifierIsSeller, wrongStage } from './refusals.js'

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

/** A statement is false when at least one part it asserts differs from the registered car. */
const isFalseStatement = (asserted: AssertedVehicle, registered: DescribedVehicle): boolean =>
  (asserted.model !== null && !same(asserted.model, registered.model)) ||
  (asserted.colour !== null && !same(asserted.colour, registered.colour)) ||
  (asserted.gearbox !== null && registered.gearbox !== null && asserted.gearbox !== registered.gearbox)

const falseStatements = (questions: ReadonlyArray<CallBackQuestion>) =>
  questions.flatMap((q) => (q.kind === 'false-statement' ? [q.asserted] : []))

// docs/domain.md §2.5 call-back: drawn callee, 3–4 questions from the registered facts, at least one false
// statement; §5: the verifier is not the seller.
export const scheduleCallBack = (c: ScheduleCallBack, s: Referral): Decision => {
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
export const recordCallBackAnswers = (c: RecordCallBackAnswers, s: Referral): Decision => {
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
  const wrongAnswers = answers.filter((a) => a === 'wrong').length as Count // a length: whole, never negative
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

const verifiedEvents = (s: Referral, wrongAnswers: Count, at: Instant): ReadonlyArray<ReferralEvent> => {
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

const fakedEvents = (s: Referral, wrongAnswers: Count, at: Instant): ReadonlyArray<ReferralEvent> => {
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
export const recordCallBackUnreachable = (c: RecordCallBackUnreachable, s: Referral): Decision => {
  const { verifier, at } = c.data
  if (s.stage !== 'call-back-scheduled' || s.callBack === null)
    return wrongStage('NoCallBackScheduled', s, 'only a scheduled call-back can fail to reach the callee')
  if (verifier.id === s.sellingConsultant) return verifierIsSeller(s)
  const attempt = (s.callBack.unreachableAttempts + 1) as Count // one more than a count
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
