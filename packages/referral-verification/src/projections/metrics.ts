import { epochMs, type Instant, type Projection } from '@dealer-crm/eventsourcing'
import type { ReferralEvent } from '../events.js'

/** Counts and sums behind the referral metrics; `referralMetricsSummary` turns them into rates. */
export interface ReferralMetrics {
  readonly claims: number
  readonly lateClaims: number
  readonly screenedOut: number
  readonly licenceMismatches: number
  /**
   * Referrals whose current call-back outcome is verified, faked or inconclusive: a reopen takes the
   * referral out of its outcome until the new call-back decides (docs/domain.md §2), so an overturned fake
   * counts once, as verified.
   */
  readonly verified: number
  readonly faked: number
  readonly inconclusive: number
  /** Final outcomes a manager reopened. */
  readonly reopened: number
  readonly voided: number
  readonly rewarded: number
  readonly clawedBack: number
  /** Sum over rewarded referrals of the time from delivery to reward, in milliseconds. */
  readonly deliveryToRewardMs: number
  readonly deliveredAt: Record<string, Instant>
}

type Counter = Exclude<keyof ReferralMetrics, 'deliveredAt'>

const bump = (s: ReferralMetrics, counter: Counter, by = 1): ReferralMetrics => ({
  ...s,
  [counter]: s[counter] + by,
})

export const referralMetricsProjection: Projection<ReferralMetrics, ReferralEvent> = {
  name: 'referral-verification.metrics',
  version: 2,
  handles: [
    'ReferralRegistered',
    'LateClaimRejected',
    'ReferralScreened',
    'DeliveryChecked',
    'ReferralVerified',
    'ReferralFaked',
    'VerificationInconclusive',
    'ReferralVoided',
    'RewardReleased',
    'RewardClawedBack',
    'ReferralReopened',
  ],
  init: () => ({
    claims: 0,
    lateClaims: 0,
    screenedOut: 0,
    licenceMismatches: 0,
    verified: 0,
    faked: 0,
    inconclusive: 0,
    reopened: 0,
    voided: 0,
    rewarded: 0,
    clawedBack: 0,
    deliveryToRewardMs: 0,
    deliveredAt: {},
  }),
  apply: (s, e) => {
    switch (e.type) {
      case 'ReferralRegistered':
        return bump(s, 'claims')
      case 'LateClaimRejected':
        return bump(bump(s, 'claims'), 'lateClaims')
      case 'ReferralScreened':
        return e.data.outcome === 'screened-out' ? bump(s, 'screenedOut') : s
      case 'DeliveryChecked':
        s.deliveredAt[e.data.referralId] = e.data.deliveredAt
        return e.data.outcome === 'licence-mismatch' ? bump(s, 'licenceMismatches') : s
      case 'ReferralVerified':
        return bump(s, 'verified')
      case 'ReferralFaked':
        return bump(s, 'faked')
      case 'VerificationInconclusive':
        return bump(s, 'inconclusive')
      case 'ReferralVoided':
        return bump(s, 'voided')
      case 'RewardReleased': {
        const delivered = s.deliveredAt[e.data.referralId]
        const waited = delivered === undefined ? 0 : epochMs(e.data.at) - epochMs(delivered)
        return bump(bump(s, 'rewarded'), 'deliveryToRewardMs', waited)
      }
      case 'RewardClawedBack':
        return bump(s, 'clawedBack')
      case 'ReferralReopened':
        return bump(bump(s, 'reopened'), e.data.previousOutcome, -1)
      default:
        return s
    }
  },
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole)

/**
 * The referral metrics of the issue: conversion (claims that ended in a reward kept), verification pass
 * rate and fraud rate (of call-back outcomes), and the mean days from delivery to reward.
 */
export const referralMetricsSummary = (m: ReferralMetrics) => {
  const callBackOutcomes = m.verified + m.faked + m.inconclusive
  return {
    conversion: ratio(m.rewarded - m.clawedBack, m.claims),
    verificationPassRate: ratio(m.verified, callBackOutcomes),
    fraudRate: ratio(m.faked, callBackOutcomes),
    meanDaysFromDeliveryToReward: ratio(m.deliveryToRewardMs / 86_400_000, m.rewarded),
  }
}
