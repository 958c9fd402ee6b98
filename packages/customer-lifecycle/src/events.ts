import { type EventOf, eventRegistry, eventType, personal } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
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
import { CustomerId, FamilyMemberId, RepairOrderNumber, StaffId, SurveyId, TouchpointId } from './ids.js'
import {
  AccountFlag,
  Channel,
  ConsentSource,
  ContactStyle,
  CustomerKind,
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

/** Why a customer is in a stage: enough to explain and audit it (DOMAIN.md §5). */
export const StageEvidence = t.type({
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
export type StageEvidence = t.TypeOf<typeof StageEvidence>

export const stageChanged = eventType(
  'StageChanged',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    from: Stage,
    to: Stage,
    cause: StageCause,
    evidence: StageEvidence,
    probationEndsAt: Nullable(IsoDateTime),
  }),
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
export type TouchpointPlanned = EventOf<typeof touchpointPlanned>
export type TouchpointDone = EventOf<typeof touchpointDone>
export type TouchpointCancelled = EventOf<typeof touchpointCancelled>
export type ConsentGranted = EventOf<typeof consentGranted>
export type ConsentWithdrawn = EventOf<typeof consentWithdrawn>
export type SatisfactionRecorded = EventOf<typeof satisfactionRecorded>

/** Every event of a customer's stream. */
export type CustomerLifecycleEvent = NonNullable<(typeof customerLifecycleEvents)['_E']>
