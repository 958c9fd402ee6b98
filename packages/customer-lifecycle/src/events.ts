import {
  CalendarDate,
  CustomerId,
  type EventOf,
  type EventsIn,
  eventRegistry,
  eventType,
  Fen,
  Instant,
  PhoneHash,
  personal,
  StaffId,
  Text,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { Kilometres, LicencePlate, PhoneNumber, RfmScore, SurveyScore, Vin, WholeNumber } from './codecs.js'
import { ContactId, FamilyMemberId, RepairOrderNumber, SurveyId, TouchpointId } from './ids.js'
import { LifecycleActor } from './roles.js'
import {
  lifecycleEvaluated,
  StageEvidence,
  stageChanged,
  stageOverridden,
  stageOverrideExpired,
} from './stage-events.js'
import {
  AccountFlag,
  ConsentSource,
  ContactChannel,
  ContactStyle,
  ContactTopic,
  CustomerKind,
  InboundChannel,
  PersonalityType,
  ProspectSource,
  Purpose,
  ReferralPotential,
  RfmSegment,
  SatisfactionClass,
  TouchpointKind,
  TouchpointOutcome,
  ValueTier,
} from './vocabulary.js'

export { lifecycleEvaluated, StageEvidence, stageChanged, stageOverridden, stageOverrideExpired }

const bySubject = { subject: (d: { customerId: string }) => d.customerId }
const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

export const prospectRegistered = eventType(
  'ProspectRegistered',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    source: ProspectSource,
    kind: CustomerKind,
    name: personal(Text),
    phone: personal(PhoneNumber),
    phoneHash: PhoneHash,
    birthday: Nullable(personal(CalendarDate)),
  }),
  bySubject,
)

export const familyMemberRecorded = eventType(
  'FamilyMemberRecorded',
  t.type({
    customerId: CustomerId,
    memberId: FamilyMemberId,
    at: Instant,
    by: LifecycleActor,
    relation: Text,
    name: personal(Text),
    birthday: Nullable(personal(CalendarDate)),
  }),
  bySubject,
)

export const vehicleDelivered = eventType(
  'VehicleDelivered',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    vin: Vin,
    model: Text,
    colour: Text,
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
    at: Instant,
    by: LifecycleActor,
    vin: Vin,
    repairOrderNumber: RepairOrderNumber,
    mileageKm: Kilometres,
    rework: t.boolean,
    amountFen: Fen,
  }),
)

export const vehicleOwnershipTransferred = eventType(
  'VehicleOwnershipTransferred',
  t.type({ customerId: CustomerId, at: Instant, by: LifecycleActor, vin: Vin, newOwnerId: CustomerId }),
)

export const accountFlagSet = eventType(
  'AccountFlagSet',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    flag: AccountFlag,
    value: t.boolean,
    reason: Text,
  }),
)

export const customerManagerAssigned = eventType(
  'CustomerManagerAssigned',
  t.type({ customerId: CustomerId, at: Instant, by: LifecycleActor, managerId: StaffId }),
)

export const customerManagerReassigned = eventType(
  'CustomerManagerReassigned',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    previousManagerId: StaffId,
    managerId: StaffId,
    reason: Text,
  }),
)

export const valueTierAssigned = eventType(
  'ValueTierAssigned',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    tier: ValueTier,
    valueFen: Fen,
    rank: WholeNumber,
    portfolioSize: WholeNumber,
    windowFrom: Instant,
    windowTo: Instant,
    policyVersion: t.string,
  }),
)

export const rfmScored = eventType(
  'RfmScored',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
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
    at: Instant,
    by: LifecycleActor,
    personalityType: PersonalityType,
    contactStyle: ContactStyle,
  }),
)

export const referralPotentialAssessed = eventType(
  'ReferralPotentialAssessed',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    potential: ReferralPotential,
    reason: Text,
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
    at: Instant,
    by: LifecycleActor,
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
    at: Instant,
    by: LifecycleActor,
    kind: TouchpointKind,
    purpose: Purpose,
    channel: ContactChannel,
    dueAt: Instant,
    familyMemberId: Nullable(FamilyMemberId),
    policyVersion: t.string,
  }),
)

export const touchpointDone = eventType(
  'TouchpointDone',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: Instant,
    by: LifecycleActor,
    kind: TouchpointKind,
    purpose: Purpose,
    channel: ContactChannel,
    outcome: TouchpointOutcome,
    note: t.string,
  }),
)

export const touchpointCancelled = eventType(
  'TouchpointCancelled',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: Instant,
    by: LifecycleActor,
    reason: Text,
  }),
)

const ConsentChange = t.type({
  customerId: CustomerId,
  at: Instant,
  by: LifecycleActor,
  purpose: Purpose,
  channel: ContactChannel,
  source: ConsentSource,
})

export const consentGranted = eventType('ConsentGranted', ConsentChange)
export const consentWithdrawn = eventType('ConsentWithdrawn', ConsentChange)

export const satisfactionRecorded = eventType(
  'SatisfactionRecorded',
  t.type({
    customerId: CustomerId,
    surveyId: SurveyId,
    at: Instant,
    by: LifecycleActor,
    touchpointId: Nullable(TouchpointId),
    channel: ContactChannel,
    expectation: SurveyScore,
    score: SurveyScore,
    classification: SatisfactionClass,
  }),
)

/** Every event type of a customer's stream, for a store's registry. */
export const lifecycleEvents = eventRegistry([
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
export type LifecycleEvent = EventsIn<typeof lifecycleEvents>
