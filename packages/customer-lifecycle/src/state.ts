import { type CustomerId, type Instant, later, type Personal, type StaffId } from '@dealer-crm/eventsourcing'
import type { LifecycleEvent, StageEvidence } from './events.js'
import type {
  AccountFlag,
  ContactChannel,
  ContactStyle,
  ContactTopic,
  LifecycleStage,
  OwnerStage,
  PersonalityType,
  Purpose,
  RfmSegment,
  SatisfactionClass,
  TouchpointKind,
  TouchpointOutcome,
  ValueTier,
} from './vocabulary.js'

export interface Vehicle {
  readonly vin: string
  readonly model: string
  readonly colour: string
  readonly plate: Personal<string> | null
  readonly deliveredAt: Instant
  /** False once the vehicle is transferred to another owner. */
  readonly owned: boolean
  /** Odometer readings, oldest first: the delivery and every visit. */
  readonly readings: ReadonlyArray<{ readonly at: Instant; readonly km: number }>
}

export interface ServiceVisit {
  readonly at: Instant
  readonly vin: string
  readonly repairOrderNumber: string
  readonly mileageKm: number
  readonly rework: boolean
  readonly amountFen: number
}

export interface Touchpoint {
  readonly touchpointId: string
  readonly kind: TouchpointKind
  readonly purpose: Purpose
  readonly channel: ContactChannel
  readonly dueAt: Instant
  readonly familyMemberId: string | null
  readonly status: 'planned' | 'done' | 'cancelled'
  readonly outcome: TouchpointOutcome | null
}

export interface Consent {
  readonly status: 'granted' | 'withdrawn'
  readonly at: Instant
  readonly source: string
}

export interface FamilyMember {
  readonly relation: string
  readonly name: Personal<string>
  readonly birthday: Personal<string> | null
}

export interface StageOverride {
  readonly stage: OwnerStage
  readonly reason: string
  readonly expiresAt: Instant
}

/** What the lifecycle decider knows of one customer. */
export interface LifecycleState {
  readonly customerId: CustomerId | null
  readonly name: Personal<string> | null
  readonly phoneHash: string | null
  readonly birthday: Personal<string> | null
  readonly familyMembers: Readonly<Record<string, FamilyMember>>
  readonly vehicles: Readonly<Record<string, Vehicle>>
  readonly visits: ReadonlyArray<ServiceVisit>
  readonly flags: Readonly<Record<AccountFlag, boolean>>
  readonly managerId: StaffId | null
  readonly stage: LifecycleStage
  readonly stageSince: Instant | null
  readonly stageEvidence: StageEvidence | null
  readonly probationEndsAt: Instant | null
  readonly override: StageOverride | null
  /** The time of the latest fact or evaluation that moved the lifecycle clock. */
  readonly lastEvaluatedAt: Instant | null
  readonly valueTier: ValueTier | null
  readonly rfm: {
    readonly recency: number
    readonly frequency: number
    readonly monetary: number
    readonly segment: RfmSegment
  } | null
  readonly personality: { readonly type: PersonalityType; readonly contactStyle: ContactStyle } | null
  readonly referralPotential: 'high' | 'medium' | 'low' | null
  readonly touchpoints: Readonly<Record<string, Touchpoint>>
  /** Inbound contacts by id: what each was about. */
  readonly inboundContacts: Readonly<Record<string, ContactTopic>>
  /** The latest time the customer said they went elsewhere (docs/domain.md §1 stage 7). */
  readonly saidWentElsewhereAt: Instant | null
  /** Keyed by `${purpose}/${channel}`. */
  readonly consents: Readonly<Record<string, Consent>>
  readonly surveys: Readonly<Record<string, SatisfactionClass>>
}

export const consentKey = (purpose: Purpose, channel: ContactChannel): string => `${purpose}/${channel}`

export const initialLifecycleState: LifecycleState = {
  customerId: null,
  name: null,
  phoneHash: null,
  birthday: null,
  familyMembers: {},
  vehicles: {},
  visits: [],
  flags: { vip: false, 'big-account': false },
  managerId: null,
  stage: 'prospect',
  stageSince: null,
  stageEvidence: null,
  probationEndsAt: null,
  override: null,
  lastEvaluatedAt: null,
  valueTier: null,
  rfm: null,
  personality: null,
  referralPotential: null,
  touchpoints: {},
  inboundContacts: {},
  saidWentElsewhereAt: null,
  consents: {},
  surveys: {},
}

const laterOf = (a: Instant | null, b: Instant): Instant => (a === null ? b : later(a, b))

const withVehicle = (s: LifecycleState, vin: string, change: (v: Vehicle) => Vehicle): LifecycleState => {
  const v = s.vehicles[vin]
  return v === undefined ? s : { ...s, vehicles: { ...s.vehicles, [vin]: change(v) } }
}

const withTouchpoint = (
  s: LifecycleState,
  id: string,
  change: (tp: Touchpoint) => Touchpoint,
): LifecycleState => {
  const tp = s.touchpoints[id]
  return tp === undefined ? s : { ...s, touchpoints: { ...s.touchpoints, [id]: change(tp) } }
}

/** Total: every event folds; an event about something unknown leaves the state as it was. */
export const evolve = (s: LifecycleState, e: LifecycleEvent): LifecycleState => {
  switch (e.type) {
    case 'ProspectRegistered':
      return {
        ...s,
        customerId: e.data.customerId,
        name: e.data.name,
        phoneHash: e.data.phoneHash,
        birthday: e.data.birthday,
        stage: 'prospect',
        stageSince: e.data.at,
      }
    case 'FamilyMemberRecorded':
      return {
        ...s,
        familyMembers: {
          ...s.familyMembers,
          [e.data.memberId]: { relation: e.data.relation, name: e.data.name, birthday: e.data.birthday },
        },
      }
    case 'VehicleDelivered':
      return {
        ...s,
        vehicles: {
          ...s.vehicles,
          [e.data.vin]: {
            vin: e.data.vin,
            model: e.data.model,
            colour: e.data.colour,
            plate: e.data.plate,
            deliveredAt: e.data.at,
            owned: true,
            readings: [{ at: e.data.at, km: e.data.mileageKm }],
          },
        },
        lastEvaluatedAt: laterOf(s.lastEvaluatedAt, e.data.at),
      }
    case 'ServiceVisitRecorded': {
      const { customerId: _c, by: _b, ...visit } = e.data
      return withVehicle(
        {
          ...s,
          visits: [...s.visits, visit],
          lastEvaluatedAt: laterOf(s.lastEvaluatedAt, e.data.at),
        },
        e.data.vin,
        (v) => ({ ...v, readings: [...v.readings, { at: e.data.at, km: e.data.mileageKm }] }),
      )
    }
    case 'VehicleOwnershipTransferred':
      return withVehicle(
        { ...s, lastEvaluatedAt: laterOf(s.lastEvaluatedAt, e.data.at) },
        e.data.vin,
        (v) => ({
          ...v,
          owned: false,
        }),
      )
    case 'AccountFlagSet':
      return { ...s, flags: { ...s.flags, [e.data.flag]: e.data.value } }
    case 'CustomerManagerAssigned':
    case 'CustomerManagerReassigned':
      return { ...s, managerId: e.data.managerId }
    case 'StageChanged':
      return {
        ...s,
        stage: e.data.to,
        stageSince: e.data.at,
        stageEvidence: e.data.evidence,
        probationEndsAt: e.data.probationEndsAt,
      }
    case 'StageOverridden':
      return {
        ...s,
        stage: e.data.to,
        stageSince: e.data.at,
        override: { stage: e.data.to, reason: e.data.reason, expiresAt: e.data.expiresAt },
        probationEndsAt: null,
        lastEvaluatedAt: laterOf(s.lastEvaluatedAt, e.data.at),
      }
    case 'StageOverrideExpired':
      return { ...s, override: null }
    case 'LifecycleEvaluated':
      return { ...s, lastEvaluatedAt: laterOf(s.lastEvaluatedAt, e.data.at) }
    case 'ValueTierAssigned':
      return { ...s, valueTier: e.data.tier }
    case 'RfmScored':
      return {
        ...s,
        rfm: {
          recency: e.data.recency,
          frequency: e.data.frequency,
          monetary: e.data.monetary,
          segment: e.data.segment,
        },
      }
    case 'PersonalityTypeRecorded':
      return { ...s, personality: { type: e.data.personalityType, contactStyle: e.data.contactStyle } }
    case 'ReferralPotentialAssessed':
      return { ...s, referralPotential: e.data.potential }
    case 'InboundContactRecorded':
      return e.data.topic === 'went-elsewhere'
        ? {
            ...s,
            inboundContacts: { ...s.inboundContacts, [e.data.contactId]: e.data.topic },
            saidWentElsewhereAt: laterOf(s.saidWentElsewhereAt, e.data.at),
            lastEvaluatedAt: laterOf(s.lastEvaluatedAt, e.data.at),
          }
        : { ...s, inboundContacts: { ...s.inboundContacts, [e.data.contactId]: e.data.topic } }
    case 'TouchpointPlanned':
      return {
        ...s,
        touchpoints: {
          ...s.touchpoints,
          [e.data.touchpointId]: {
            touchpointId: e.data.touchpointId,
            kind: e.data.kind,
            purpose: e.data.purpose,
            channel: e.data.channel,
            dueAt: e.data.dueAt,
            familyMemberId: e.data.familyMemberId,
            status: 'planned',
            outcome: null,
          },
        },
      }
    case 'TouchpointDone':
      return withTouchpoint(s, e.data.touchpointId, (tp) => ({
        ...tp,
        status: 'done',
        outcome: e.data.outcome,
      }))
    case 'TouchpointCancelled':
      return withTouchpoint(s, e.data.touchpointId, (tp) => ({ ...tp, status: 'cancelled' }))
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
      return {
        ...s,
        consents: {
          ...s.consents,
          [consentKey(e.data.purpose, e.data.channel)]: {
            status: e.type === 'ConsentGranted' ? 'granted' : 'withdrawn',
            at: e.data.at,
            source: e.data.source,
          },
        },
      }
    case 'SatisfactionRecorded':
      return { ...s, surveys: { ...s.surveys, [e.data.surveyId]: e.data.classification } }
  }
}
