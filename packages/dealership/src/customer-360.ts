import {
  type BusinessCalendar,
  type SlaBoard,
  type SlaBoardRow,
  slaBoardAt,
  slaBoardProjection,
} from '@dealer-crm/complaint-workflow'
import {
  type CustomerProfile,
  type CustomerProfiles,
  customerProfileProjection,
  type ProfileVehicle,
  type TouchpointKind,
  type TouchpointOutcome,
} from '@dealer-crm/customer-lifecycle'
import { handlesEvent, idOf, instantOf, type Projection, type RecordedEvent } from '@dealer-crm/eventsourcing'
import { type Member, memberLedgers, pendingPoints, spendablePoints } from '@dealer-crm/loyalty-points'
import type { ReferralReward } from '@dealer-crm/referral-verification'
import type { DealershipEvent } from './registry.js'

/** Where one referral a customer made stands, as the referrer sees it. */
export interface ReferralMade {
  readonly referralId: string
  readonly refereeId: string
  readonly registeredAt: string
  outcome:
    | 'registered'
    | 'late-claim'
    | 'screened'
    | 'screened-out'
    | 'delivered'
    | 'licence-mismatch'
    | 'call-back-scheduled'
    | 'verified'
    | 'faked'
    | 'inconclusive'
    | 'review-closed'
    | 'reopened'
    | 'voided'
  reward: ReferralReward | null
  rewardStatus: 'none' | 'released' | 'clawed-back'
  updatedAt: string
}

/** One care touchpoint of the customer (docs/domain.md §1): planned, then done with an outcome, or cancelled. */
export interface TouchpointSeen {
  readonly touchpointId: string
  readonly kind: TouchpointKind
  readonly channel: string
  readonly dueAt: string
  status: 'planned' | 'done' | 'cancelled'
  outcome: TouchpointOutcome | null
  note: string | null
  lastAt: string
}

/**
 * The folds behind the customer 360. Each domain's part is folded by that domain's own read
 * model (profiles, the SLA board, the member ledgers), so the 360 and the domains never disagree;
 * the indexes tie complaints, cards and referrals to their customer.
 */
export interface Customer360State {
  readonly profiles: CustomerProfiles
  readonly complaints: SlaBoard
  readonly members: Map<string, Member>
  readonly referrals: Map<string, ReferralMade>
  readonly touchpoints: Map<string, Map<string, TouchpointSeen>>
  readonly complaintsOf: Map<string, Set<string>>
  readonly memberOf: Map<string, string>
  readonly referralsOf: Map<string, Set<string>>
}

const referralTypes = [
  'ReferralRegistered',
  'LateClaimRejected',
  'ReferralScreened',
  'DeliveryChecked',
  'CallBackScheduled',
  'ReferralVerified',
  'ReferralFaked',
  'VerificationInconclusive',
  'RewardReleased',
  'ReferralVoided',
  'RewardClawedBack',
  'ReferralReopened',
  'ManualReviewClosed',
] as const satisfies ReadonlyArray<DealershipEvent['type']>

const touchpointTypes = [
  'TouchpointPlanned',
  'TouchpointDone',
  'TouchpointCancelled',
] as const satisfies ReadonlyArray<DealershipEvent['type']>

const addTo = (index: Map<string, Set<string>>, key: string, value: string) => {
  const set = index.get(key) ?? new Set<string>()
  set.add(value)
  index.set(key, set)
}

const applyReferral = (state: Customer360State, e: RecordedEvent<DealershipEvent>) => {
  const made = (referralId: string, change: (r: ReferralMade) => void) => {
    const r = state.referrals.get(referralId)
    if (r === undefined) return
    change(r)
  }
  switch (e.type) {
    case 'ReferralRegistered': {
      const { referralId, referrer, referee, registeredAt } = e.data
      state.referrals.set(referralId, {
        referralId,
        refereeId: referee.subjectId,
        registeredAt,
        outcome: 'registered',
        reward: null,
        rewardStatus: 'none',
        updatedAt: registeredAt,
      })
      addTo(state.referralsOf, referrer.subjectId, referralId)
      return
    }
    case 'LateClaimRejected': {
      const { referralId, referrerId, refereeId, claimedAt } = e.data
      state.referrals.set(referralId, {
        referralId,
        refereeId,
        registeredAt: claimedAt,
        outcome: 'late-claim',
        reward: null,
        rewardStatus: 'none',
        updatedAt: claimedAt,
      })
      addTo(state.referralsOf, referrerId, referralId)
      return
    }
    case 'ReferralScreened':
      return made(e.data.referralId, (r) => {
        r.outcome = e.data.outcome === 'passed' ? 'screened' : 'screened-out'
        r.updatedAt = e.data.at
      })
    case 'DeliveryChecked':
      return made(e.data.referralId, (r) => {
        r.outcome = e.data.outcome === 'matches' ? 'delivered' : 'licence-mismatch'
        r.updatedAt = e.data.deliveredAt
      })
    case 'CallBackScheduled':
    case 'ReferralVerified':
    case 'ReferralFaked':
    case 'VerificationInconclusive':
    case 'ReferralReopened':
    case 'ManualReviewClosed':
    case 'ReferralVoided': {
      const outcome = {
        CallBackScheduled: 'call-back-scheduled',
        ReferralVerified: 'verified',
        ReferralFaked: 'faked',
        VerificationInconclusive: 'inconclusive',
        ReferralReopened: 'reopened',
        ManualReviewClosed: 'review-closed',
        ReferralVoided: 'voided',
      } as const
      return made(e.data.referralId, (r) => {
        r.outcome = outcome[e.type]
        r.updatedAt = e.data.at
      })
    }
    case 'RewardReleased':
      return made(e.data.referralId, (r) => {
        r.reward = e.data.reward
        r.rewardStatus = 'released'
        r.updatedAt = e.data.at
      })
    case 'RewardClawedBack':
      return made(e.data.referralId, (r) => {
        r.rewardStatus = 'clawed-back'
        r.updatedAt = e.data.at
      })
    default:
      return
  }
}

const applyTouchpoint = (state: Customer360State, e: RecordedEvent<DealershipEvent>) => {
  if (e.type === 'TouchpointPlanned') {
    const { customerId, touchpointId, kind, channel, dueAt, at } = e.data
    const mine = state.touchpoints.get(customerId) ?? new Map<string, TouchpointSeen>()
    mine.set(touchpointId, {
      touchpointId,
      kind,
      channel,
      dueAt,
      status: 'planned',
      outcome: null,
      note: null,
      lastAt: at,
    })
    state.touchpoints.set(customerId, mine)
    return
  }
  if (e.type !== 'TouchpointDone' && e.type !== 'TouchpointCancelled') return
  const tp = state.touchpoints.get(e.data.customerId)?.get(e.data.touchpointId)
  if (tp === undefined) return
  tp.lastAt = e.data.at
  if (e.type === 'TouchpointDone') {
    tp.status = 'done'
    tp.outcome = e.data.outcome
    tp.note = e.data.note
  } else {
    tp.status = 'cancelled'
    tp.note = e.data.reason
  }
}

const handles: ReadonlyArray<DealershipEvent['type']> = [
  ...new Set<DealershipEvent['type']>([
    ...customerProfileProjection.handles,
    ...slaBoardProjection.handles,
    ...memberLedgers.handles,
    ...referralTypes,
    ...touchpointTypes,
  ]),
]

/** The customer 360 over the dealership's whole log (a kernel `Projection`: catch-up, rebuild, as-of). */
export const customer360Projection: Projection<Customer360State, DealershipEvent> = {
  name: 'dealership.customer-360',
  version: 1,
  handles,
  init: () => ({
    profiles: customerProfileProjection.init(),
    complaints: slaBoardProjection.init(),
    members: memberLedgers.init(),
    referrals: new Map(),
    touchpoints: new Map(),
    complaintsOf: new Map(),
    memberOf: new Map(),
    referralsOf: new Map(),
  }),
  apply: (state, e) => {
    if (handlesEvent(customerProfileProjection, e)) customerProfileProjection.apply(state.profiles, e)
    if (handlesEvent(slaBoardProjection, e)) {
      slaBoardProjection.apply(state.complaints, e)
      if (e.type === 'ComplaintReceived') addTo(state.complaintsOf, e.data.customerId, e.data.complaintId)
    }
    if (handlesEvent(memberLedgers, e)) {
      memberLedgers.apply(state.members, e)
      if (e.type === 'MemberEnrolled' && !state.memberOf.has(e.data.customerId))
        state.memberOf.set(e.data.customerId, idOf(e.metadata.streamName))
    }
    applyReferral(state, e)
    applyTouchpoint(state, e)
    return state
  },
}

export interface Membership {
  readonly memberId: string
  readonly cardNumber: string | null
  readonly status: Member['status']
  readonly level: string | null
  /** Points the member may redeem at the moment asked about. */
  readonly balance: number
  readonly pendingPoints: number
  readonly debt: number
  readonly prepaidFen: number
}

/** One customer across the four domains, at a moment. */
export interface Customer360 {
  readonly customerId: string
  readonly profile: CustomerProfile
  readonly stage: CustomerProfile['stage']
  readonly segment: {
    readonly valueTier: CustomerProfile['valueTier']
    readonly rfmSegment: CustomerProfile['rfmSegment']
    readonly flags: CustomerProfile['flags']
    readonly personality: CustomerProfile['personality']
    readonly referralPotential: CustomerProfile['referralPotential']
  }
  readonly vehicles: ReadonlyArray<ProfileVehicle>
  readonly membership: Membership | null
  readonly openComplaints: ReadonlyArray<SlaBoardRow>
  readonly referralsMade: ReadonlyArray<ReferralMade>
  readonly recentTouchpoints: ReadonlyArray<TouchpointSeen>
}

export interface Customer360Options {
  /** The complaint policy's business calendar, for the SLA clocks. */
  readonly calendar: BusinessCalendar
  /** How many touchpoints to show, latest first (default 10). */
  readonly touchpoints?: number
}

/** The customer 360 of one customer at `at` (ISO-8601 UTC), or undefined if the lifecycle does not know them. */
export const customer360Of = (
  state: Customer360State,
  customerId: string,
  at: string,
  options: Customer360Options,
): Customer360 | undefined => {
  const profile = state.profiles.get(customerId)
  if (profile === undefined) return undefined
  const memberId = state.memberOf.get(customerId)
  const member = memberId === undefined ? undefined : state.members.get(memberId)
  const complaints: SlaBoard = new Map()
  for (const id of state.complaintsOf.get(customerId) ?? []) {
    const complaint = state.complaints.get(id)
    if (complaint !== undefined) complaints.set(id, complaint)
  }
  const referralsMade = [...(state.referralsOf.get(customerId) ?? [])].flatMap((id) => {
    const r = state.referrals.get(id)
    return r === undefined ? [] : [{ ...r }]
  })
  const recentTouchpoints = [...(state.touchpoints.get(customerId)?.values() ?? [])]
    .sort((a, b) => Date.parse(b.lastAt) - Date.parse(a.lastAt))
    .slice(0, options.touchpoints ?? 10)
    .map((tp) => ({ ...tp }))
  return {
    customerId,
    profile,
    stage: profile.stage,
    segment: {
      valueTier: profile.valueTier,
      rfmSegment: profile.rfmSegment,
      flags: profile.flags,
      personality: profile.personality,
      referralPotential: profile.referralPotential,
    },
    vehicles: Object.values(profile.vehicles).filter((v) => v.owned),
    membership:
      memberId === undefined || member === undefined
        ? null
        : {
            memberId,
            cardNumber: member.cardNumber,
            status: member.status,
            level: member.level,
            balance: spendablePoints(member, at),
            pendingPoints: pendingPoints(member),
            debt: member.debt,
            prepaidFen: member.prepaidFen,
          },
    openComplaints: slaBoardAt(complaints, options.calendar, instantOf(Date.parse(at))),
    referralsMade,
    recentTouchpoints,
  }
}
