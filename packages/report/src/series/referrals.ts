import type { Projection } from '@dealer-crm/eventsourcing'
import { businessTime, type CallBackOutcome, type ReferralReportEvent } from '../events.js'
import { bucket, type Month, monthOf } from '../months.js'

export const callBackOutcomes: ReadonlyArray<CallBackOutcome> = ['verified', 'faked', 'inconclusive']

export interface ReferralMonth {
  /** Claims raised: registered in advance, and late claims (rejected at delivery). */
  claims: number
  lateClaims: number
  /** Call-back outcomes recorded in the month (docs/domain.md §2.5). */
  readonly outcomes: Record<CallBackOutcome, number>
  /** Outcomes a manager reopened in the month, by the outcome reopened. */
  readonly reopened: Record<CallBackOutcome, number>
  rewards: number
  /** Rewards paid in money or vouchers (fen), and in loyalty points. */
  rewardsFen: number
  rewardPoints: number
  clawedBackFen: number
  clawedBackPoints: number
  penalties: number
  penaltiesFen: number
  /** Fines lifted when a fake was overturned (docs/domain.md §2.7). */
  penaltiesLiftedFen: number
}

export type ReferralSeriesState = Map<Month, ReferralMonth>

const outcomes = (): Record<CallBackOutcome, number> => ({ verified: 0, faked: 0, inconclusive: 0 })
const freshMonth = (): ReferralMonth => ({
  claims: 0,
  lateClaims: 0,
  outcomes: outcomes(),
  reopened: outcomes(),
  rewards: 0,
  rewardsFen: 0,
  rewardPoints: 0,
  clawedBackFen: 0,
  clawedBackPoints: 0,
  penalties: 0,
  penaltiesFen: 0,
  penaltiesLiftedFen: 0,
})

/** Referrals month by month (docs/domain.md §2, §5 Referrals): claims, call-back outcomes, rewards, fines. */
export const referralSeriesProjection: Projection<ReferralSeriesState, ReferralReportEvent> = {
  name: 'report.referral-series',
  version: 1,
  handles: [
    'ReferralRegistered',
    'LateClaimRejected',
    'ReferralVerified',
    'ReferralFaked',
    'VerificationInconclusive',
    'ReferralReopened',
    'RewardReleased',
    'RewardClawedBack',
    'FraudPenaltyRecorded',
    'FraudPenaltyLifted',
  ],
  init: () => new Map(),
  apply: (s, e) => {
    const b = bucket(s, monthOf(businessTime(e)), freshMonth)
    switch (e.type) {
      case 'ReferralRegistered':
        b.claims += 1
        break
      case 'LateClaimRejected':
        b.claims += 1
        b.lateClaims += 1
        break
      case 'ReferralVerified':
        b.outcomes.verified += 1
        break
      case 'ReferralFaked':
        b.outcomes.faked += 1
        break
      case 'VerificationInconclusive':
        b.outcomes.inconclusive += 1
        break
      case 'ReferralReopened':
        b.reopened[e.data.previousOutcome] += 1
        break
      case 'RewardReleased':
        b.rewards += 1
        b.rewardsFen += e.data.reward.valueFen ?? 0
        b.rewardPoints += e.data.reward.points ?? 0
        break
      case 'RewardClawedBack':
        b.clawedBackFen += e.data.reward.valueFen ?? 0
        b.clawedBackPoints += e.data.reward.points ?? 0
        break
      case 'FraudPenaltyRecorded':
        b.penalties += 1
        b.penaltiesFen += e.data.amountFen
        break
      case 'FraudPenaltyLifted':
        b.penaltiesLiftedFen += e.data.amountFen
        break
    }
    return s
  },
}
