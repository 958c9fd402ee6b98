import { type EventOf, eventRegistry, eventType, personal } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { daysBetween, latest } from './calendar.js'
import {
  Actor,
  Fen,
  IsoDate,
  IsoDateTime,
  Kilometres,
  LicencePlate,
  NonEmptyString,
  PhoneHash,
  PhoneNumber,
  RfmScore,
  SurveyScore,
  Vin,
  WholeNumber,
} from './codecs.js'
import {
  ContactId,
  CustomerId,
  FamilyMemberId,
  RepairOrderNumber,
  StaffId,
  SurveyId,
  TouchpointId,
} from './ids.js'
import {
  AccountFlag,
  Channel,
  ConsentSource,
  ContactStyle,
  ContactTopic,
  CustomerKind,
  InboundChannel,
  IntervalBasis,
  OwnerStage,
  PersonalityType,
  ProspectSource,
  Purpose,
  ReferralPotential,
  RfmSegment,
  SatisfactionClass,
  Stage,
  StageCause,
  TouchpointKind,
  TouchpointOutcome,
  ValueTier,
} from './vocabulary.js'

const bySubject = { subject: (d: { customerId: string }) => d.customerId }
const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])
const Days = WholeNumber

export const prospectRegistered = eventType(
  'ProspectRegistered',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    source: ProspectSource,
    kind: CustomerKind,
    name: personal(NonEmptyString),
    phone: personal(PhoneNumber),
    phoneHash: PhoneHash,
    birthday: Nullable(personal(IsoDate)),
  }),
  bySubject,
)

export const familyMemberRecorded = eventType(
  'FamilyMemberRecorded',
  t.type({
    customerId: CustomerId,
    memberId: FamilyMemberId,
    at: IsoDateTime,
    by: Actor,
    relation: NonEmptyString,
    name: personal(NonEmptyString),
    birthday: Nullable(personal(IsoDate)),
  }),
  bySubject,
)

export const vehicleDelivered = eventType(
  'VehicleDelivered',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    vin: Vin,
    model: NonEmptyString,
    colour: NonEmptyString,
    plate: Nullable(personal(LicencePlate)),
    mileageKm: Kilometres,
    previousOwnerId: Nullable(CustomerId),
  }),
  bySubject,
)

export const serviceVisitRecorded = eventType(
  'ServiceVisitRecorded',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    vin: Vin,
    repairOrderNumber: RepairOrderNumber,
    mileageKm: Kilometres,
    rework: t.boolean,
    amountFen: Fen,
  }),
)

export const vehicleOwnershipTransferred = eventType(
  'VehicleOwnershipTransferred',
  t.type({ customerId: CustomerId, at: IsoDateTime, by: Actor, vin: Vin, newOwnerId: CustomerId }),
)

export const accountFlagSet = eventType(
  'AccountFlagSet',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    flag: AccountFlag,
    value: t.boolean,
    reason: NonEmptyString,
  }),
)

export const customerManagerAssigned = eventType(
  'CustomerManagerAssigned',
  t.type({ customerId: CustomerId, at: IsoDateTime, by: Actor, managerId: StaffId }),
)

export const customerManagerReassigned = eventType(
  'CustomerManagerReassigned',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    previousManagerId: StaffId,
    managerId: StaffId,
    reason: NonEmptyString,
  }),
)

const StageEvidenceV1 = t.type({
  lastVisitAt: Nullable(IsoDateTime),
  lastDeliveryAt: Nullable(IsoDateTime),
  projectedDueDate: Nullable(IsoDateTime),
  daysSinceLastVisit: Nullable(Days),
  daysOverdue: Days,
  expectedIntervalDays: Nullable(Days),
  intervalBasis: IntervalBasis,
  atRiskAfterDays: Days,
  lostAfterDays: Days,
  vehiclesOwned: Days,
  policyVersion: t.string,
})

/**
 * Why a customer is in a stage: enough to explain and audit it (docs/domain.md §5). The thresholds
 * are measured from `lastSeenAt`, the later of the last visit and the last delivery.
 */
export const StageEvidence = t.type({
  ...StageEvidenceV1.props,
  lastSeenAt: Nullable(IsoDateTime),
  daysSinceLastSeen: Nullable(Days),
  /** The latest time the customer said they went elsewhere (docs/domain.md §1 stage 7), or null. */
  saidWentElsewhereAt: Nullable(IsoDateTime),
  /** Null on events recorded before v2, which did not carry it (the policy version names it). */
  neverServicedAfterDays: Nullable(Days),
})
export type StageEvidence = t.TypeOf<typeof StageEvidence>

const stageChangedV1 = eventType(
  'StageChanged',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    from: Stage,
    to: Stage,
    cause: t.keyof({ delivery: null, 'service-visit': null, evaluation: null, 'ownership-transfer': null }),
    evidence: StageEvidenceV1,
    probationEndsAt: Nullable(IsoDateTime),
  }),
)

/**
 * v2 adds `lastSeenAt`, `daysSinceLastSeen`, `saidWentElsewhereAt` and `neverServicedAfterDays` to
 * the evidence, and the cause `inbound-contact`. A v1 event is read with the point the thresholds
 * were measured from (the later of its last visit and last delivery, as v1 measured them), no
 * statement of going elsewhere (v1 had none), and the never-serviced threshold unknown.
 */
export const stageChanged = stageChangedV1.upgrade(
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    from: Stage,
    to: Stage,
    cause: StageCause,
    evidence: StageEvidence,
    probationEndsAt: Nullable(IsoDateTime),
  }),
  (v1) => {
    const { lastVisitAt, lastDeliveryAt } = v1.evidence
    const lastSeenAt = latest([lastVisitAt, lastDeliveryAt].filter((at): at is string => at !== null))
    return {
      ...v1,
      evidence: {
        ...v1.evidence,
        lastSeenAt,
        daysSinceLastSeen: lastSeenAt === null ? null : daysBetween(lastSeenAt, v1.at),
        saidWentElsewhereAt: null,
        neverServicedAfterDays: null,
      },
    }
  },
)

export const stageOverridden = eventType(
  'StageOverridden',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    from: Stage,
    to: OwnerStage,
    reason: NonEmptyString,
    expiresAt: IsoDateTime,
  }),
)

export const stageOverrideExpired = eventType(
  'StageOverrideExpired',
  t.type({ customerId: CustomerId, at: IsoDateTime, stage: Stage, expiredAt: IsoDateTime }),
)

export const lifecycleEvaluated = eventType(
  'LifecycleEvaluated',
  t.type({ customerId: CustomerId, at: IsoDateTime, stage: Stage, policyVersion: t.string }),
)

export const valueTierAssigned = eventType(
  'ValueTierAssigned',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    tier: ValueTier,
    valueFen: Fen,
    rank: WholeNumber,
    portfolioSize: WholeNumber,
    windowFrom: IsoDateTime,
    windowTo: IsoDateTime,
    policyVersion: t.string,
  }),
)

export const rfmScored = eventType(
  'RfmScored',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    recency: RfmScore,
    frequency: RfmScore,
    monetary: RfmScore,
    segment: RfmSegment,
    policyVersion: t.string,
  }),
)

export const personalityTypeRecorded = eventType(
  'PersonalityTypeRecorded',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    personalityType: PersonalityType,
    contactStyle: ContactStyle,
  }),
)

export const referralPotentialAssessed = eventType(
  'ReferralPotentialAssessed',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    potential: ReferralPotential,
    reason: NonEmptyString,
  }),
)

/**
 * A contact the customer started; no consent is needed to hear from them (docs/domain.md §1, §5
 * Consent). The note is free text about a person, so it is personal data.
 */
export const inboundContactRecorded = eventType(
  'InboundContactRecorded',
  t.type({
    customerId: CustomerId,
    contactId: ContactId,
    at: IsoDateTime,
    by: Actor,
    channel: InboundChannel,
    topic: ContactTopic,
    note: personal(t.string),
  }),
  bySubject,
)

export const touchpointPlanned = eventType(
  'TouchpointPlanned',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: IsoDateTime,
    by: Actor,
    kind: TouchpointKind,
    purpose: Purpose,
    channel: Channel,
    dueAt: IsoDateTime,
    familyMemberId: Nullable(FamilyMemberId),
    policyVersion: t.string,
  }),
)

export const touchpointDone = eventType(
  'TouchpointDone',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: IsoDateTime,
    by: Actor,
    kind: TouchpointKind,
    purpose: Purpose,
    channel: Channel,
    outcome: TouchpointOutcome,
    note: t.string,
  }),
)

export const touchpointCancelled = eventType(
  'TouchpointCancelled',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: IsoDateTime,
    by: Actor,
    reason: NonEmptyString,
  }),
)

const ConsentChange = t.type({
  customerId: CustomerId,
  at: IsoDateTime,
  by: Actor,
  purpose: Purpose,
  channel: Channel,
  source: ConsentSource,
})

export const consentGranted = eventType('ConsentGranted', ConsentChange)
export const consentWithdrawn = eventType('ConsentWithdrawn', ConsentChange)

export const satisfactionRecorded = eventType(
  'SatisfactionRecorded',
  t.type({
    customerId: CustomerId,
    surveyId: SurveyId,
    at: IsoDateTime,
    by: Actor,
    touchpointId: Nullable(TouchpointId),
    channel: Channel,
    expectation: SurveyScore,
    score: SurveyScore,
    classification: SatisfactionClass,
  }),
)

export const customerLifecycleEvents = eventRegistry([
  prospectRegistered,
  familyMemberRecorded,
  vehicleDelivered,
  serviceVisitRecorded,
  vehicleOwnershipTransferred,
  accountFlagSet,
  customerManagerAssigned,
  customerManagerReassigned,
  stageChanged,
  stageOverridden,
  stageOverrideExpired,
  lifecycleEvaluated,
  valueTierAssigned,
  rfmScored,
  personalityTypeRecorded,
  referralPotentialAssessed,
  inboundContactRecorded,
  touchpointPlanned,
  touchpointDone,
  touchpointCancelled,
  consentGranted,
  consentWithdrawn,
  satisfactionRecorded,
])

export type ProspectRegistered = EventOf<typeof prospectRegistered>
export type FamilyMemberRecorded = EventOf<typeof familyMemberRecorded>
export type VehicleDelivered = EventOf<typeof vehicleDelivered>
export type ServiceVisitRecorded = EventOf<typeof serviceVisitRecorded>
export type VehicleOwnershipTransferred = EventOf<typeof vehicleOwnershipTransferred>
export type AccountFlagSet = EventOf<typeof accountFlagSet>
export type CustomerManagerAssigned = EventOf<typeof customerManagerAssigned>
export type CustomerManagerReassigned = EventOf<typeof customerManagerReassigned>
export type StageChanged = EventOf<typeof stageChanged>
export type StageOverridden = EventOf<typeof stageOverridden>
export type StageOverrideExpired = EventOf<typeof stageOverrideExpired>
export type LifecycleEvaluated = EventOf<typeof lifecycleEvaluated>
export type ValueTierAssigned = EventOf<typeof valueTierAssigned>
export type RfmScored = EventOf<typeof rfmScored>
export type PersonalityTypeRecorded = EventOf<typeof personalityTypeRecorded>
export type ReferralPotentialAssessed = EventOf<typeof referralPotentialAssessed>
export type InboundContactRecorded = EventOf<typeof inboundContactRecorded>
export type TouchpointPlanned = EventOf<typeof touchpointPlanned>
export type TouchpointDone = EventOf<typeof touchpointDone>
export type TouchpointCancelled = EventOf<typeof touchpointCancelled>
export type ConsentGranted = EventOf<typeof consentGranted>
export type ConsentWithdrawn = EventOf<typeof consentWithdrawn>
export type SatisfactionRecorded = EventOf<typeof satisfactionRecorded>

/** Every event of a customer's stream. */
export type CustomerLifecycleEvent = NonNullable<(typeof customerLifecycleEvents)['_E']>
