import {
  businessDate,
  type CustomerId,
  defaultBusinessZone,
  epochMs,
  type Instant,
  type Personal,
  type Projection,
  type StaffId,
} from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from '../events.js'
import type { ReferralId } from '../ids.js'
import type { Phone } from '../phone.js'
import type { CallBackQuestion, Callee } from '../questions.js'
import type { PersonName } from '../text.js'
import type { DescribedVehicle } from '../vehicle.js'

interface Person {
  readonly customerId: CustomerId
  readonly name: Personal<PersonName>
  readonly phone: Personal<Phone>
  readonly vehicle: Personal<DescribedVehicle>
}

/** One call to make: whom to phone, about whom, and the drawn questions (docs/domain.md §2.5). */
export interface CallToMake {
  readonly referralId: ReferralId
  readonly callee: Callee
  readonly phone: Person
  /** The other party, whose registered facts the verifier checks the answers against. */
  readonly about: Person
  readonly questions: ReadonlyArray<CallBackQuestion>
  readonly verifierId: StaffId
  readonly scheduledAt: Instant
  readonly unreachableAttempts: number
  readonly lastAttemptAt: Instant | null
}

/**
 * The call-back queue: calls still to make, and the inconclusive referrals waiting for manual review
 * (docs/domain.md §5 Referrals). Personal values show as `Erased` once a person is forgotten.
 */
export interface CallBackQueue {
  readonly parties: Record<string, { readonly referee: Person; readonly referrer: Person }>
  readonly calls: Record<string, CallToMake>
  readonly manualReview: Record<
    string,
    { readonly referralId: ReferralId; readonly attempts: number; readonly since: Instant }
  >
}

export const callBackQueueProjection: Projection<CallBackQueue, ReferralEvent> = {
  name: 'referral-verification.call-back-queue',
  version: 2,
  handles: [
    'ReferralRegistered',
    'CallBackScheduled',
    'CallBackUnreachable',
    'CallBackAnswered',
    'VerificationInconclusive',
    'ReferralVoided',
    'ReferralReopened',
    'ManualReviewClosed',
  ],
  init: () => ({ parties: {}, calls: {}, manualReview: {} }),
  apply: (s, e) => {
    switch (e.type) {
      case 'ReferralRegistered': {
        const { referee, referrer } = e.data
        s.parties[e.data.referralId] = {
          referee: {
            customerId: referee.subjectId,
            name: referee.name,
            phone: referee.phone,
            vehicle: referee.purchase,
          },
          referrer: {
            customerId: referrer.subjectId,
            name: referrer.name,
            phone: referrer.phone,
            vehicle: referrer.vehicle,
          },
        }
        return s
      }
      case 'CallBackScheduled': {
        const parties = s.parties[e.data.referralId]
        if (parties === undefined) return s
        s.calls[e.data.referralId] = {
          referralId: e.data.referralId,
          callee: e.data.callee,
          phone: e.data.callee === 'referee' ? parties.referee : parties.referrer,
          about: e.data.callee === 'referee' ? parties.referrer : parties.referee,
          questions: e.data.questions,
          verifierId: e.data.verifierId,
          scheduledAt: e.data.at,
          unreachableAttempts: 0,
          lastAttemptAt: null,
        }
        return s
      }
      case 'CallBackUnreachable': {
        const call = s.calls[e.data.referralId]
        if (call !== undefined)
          s.calls[e.data.referralId] = {
            ...call,
            unreachableAttempts: e.data.attempt,
            lastAttemptAt: e.data.at,
          }
        return s
      }
      case 'VerificationInconclusive':
        delete s.calls[e.data.referralId]
        s.manualReview[e.data.referralId] = {
          referralId: e.data.referralId,
          attempts: e.data.attempts,
          since: e.data.at,
        }
        return s
      case 'CallBackAnswered':
      case 'ReferralVoided':
      case 'ReferralReopened':
      case 'ManualReviewClosed':
        delete s.calls[e.data.referralId]
        delete s.manualReview[e.data.referralId]
        return s
      default:
        return s
    }
  },
}

/**
 * Calls to make on the showroom's day of `at` (the day in the business zone, Asia/Shanghai unless told
 * otherwise): every queued call not already tried that day, the longest waiting first.
 */
export const callsDueOn = (
  queue: CallBackQueue,
  at: Instant,
  zone: string = defaultBusinessZone,
): ReadonlyArray<CallToMake> => {
  const today = businessDate(at, zone)
  return Object.values(queue.calls)
    .filter((call) => call.lastAttemptAt === null || businessDate(call.lastAttemptAt, zone) !== today)
    .sort((a, b) => epochMs(a.scheduledAt) - epochMs(b.scheduledAt))
}
