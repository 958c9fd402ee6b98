import {
  businessDate,
  CalendarDate,
  CustomerId,
  command,
  commandUnion,
  Fen,
  Instant,
  isBefore,
  PhoneHash,
  PositiveInt,
  StaffId,
  Text,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { Kilometres, LicencePlate, PhoneNumber, RfmScore, SurveyScore, Vin } from './codecs.js'
import { withRule } from './field-rule.js'
import {
  ContactId,
  FamilyMemberId,
  lifecycleStream,
  RepairOrderNumber,
  SurveyId,
  TouchpointId,
} from './ids.js'
import { LifecycleActor } from './roles.js'
import {
  AccountFlag,
  ConsentSource,
  ContactChannel,
  ContactTopic,
  CustomerKind,
  InboundChannel,
  OwnerStage,
  PersonalityType,
  ProspectSource,
  Purpose,
  ReferralPotential,
  TouchpointKind,
  TouchpointOutcome,
} from './vocabulary.js'

const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

/** A birthday cannot lie after the day the command is made (the day in the business zone, docs/domain.md §1). */
const birthdayNotInFuture = (d: { at: Instant; birthday: string | null }) =>
  d.birthday !== null && d.birthday > businessDate(d.at)
    ? {
        field: 'birthday',
        message: `a birthday cannot be in the future (${d.birthday} is after ${businessDate(d.at)})`,
      }
    : null

export const RegisterProspect = command(
  'RegisterProspect',
  withRule(
    t.type({
      customerId: CustomerId,
      at: Instant,
      by: LifecycleActor,
      source: ProspectSource,
      kind: CustomerKind,
      name: Text,
      phone: PhoneNumber,
      phoneHash: PhoneHash,
      birthday: Nullable(CalendarDate),
    }),
    birthdayNotInFuture,
  ),
)

export const RecordFamilyMember = command(
  'RecordFamilyMember',
  withRule(
    t.type({
      customerId: CustomerId,
      memberId: FamilyMemberId,
      at: Instant,
      by: LifecycleActor,
      relation: Text,
      name: Text,
      birthday: Nullable(CalendarDate),
    }),
    birthdayNotInFuture,
  ),
)

export const RecordDelivery = command(
  'RecordDelivery',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    vin: Vin,
    model: Text,
    colour: Text,
    plate: Nullable(LicencePlate),
    mileageKm: Kilometres,
    previousOwnerId: Nullable(CustomerId),
  }),
)

export const RecordServiceVisit = command(
  'RecordServiceVisit',
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

export const TransferOwnership = command(
  'TransferOwnership',
  t.type({ customerId: CustomerId, at: Instant, by: LifecycleActor, vin: Vin, newOwnerId: CustomerId }),
)

export const SetAccountFlag = command(
  'SetAccountFlag',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    flag: AccountFlag,
    value: t.boolean,
    reason: Text,
  }),
)

export const AssignCustomerManager = command(
  'AssignCustomerManager',
  t.type({ customerId: CustomerId, at: Instant, by: LifecycleActor, managerId: StaffId }),
)

export const ReassignCustomerManager = command(
  'ReassignCustomerManager',
  t.type({ customerId: CustomerId, at: Instant, by: LifecycleActor, managerId: StaffId, reason: Text }),
)

/** Sent by the scheduler with the current time; the only way time moves a stage (docs/domain.md §1). */
export const EvaluateCustomer = command(
  'EvaluateCustomer',
  t.type({ customerId: CustomerId, at: Instant, by: LifecycleActor }),
)

export const OverrideStage = command(
  'OverrideStage',
  withRule(
    t.type({
      customerId: CustomerId,
      at: Instant,
      by: LifecycleActor,
      stage: OwnerStage,
      reason: Text,
      expiresAt: Instant,
    }),
    (d) =>
      !isBefore(d.at, d.expiresAt)
        ? { field: 'expiresAt', message: `an override must expire after it is made (${d.at})` }
        : null,
  ),
)

/** The application ranks the whole portfolio by value over the window and passes the rank. */
export const AssignValueTier = command(
  'AssignValueTier',
  withRule(
    t.type({
      customerId: CustomerId,
      at: Instant,
      by: LifecycleActor,
      valueFen: Fen,
      rank: PositiveInt,
      portfolioSize: PositiveInt,
      windowFrom: Instant,
      windowTo: Instant,
    }),
    (d) =>
      d.rank > d.portfolioSize
        ? { field: 'rank', message: `rank ${d.rank} is beyond the portfolio of ${d.portfolioSize}` }
        : !isBefore(d.windowFrom, d.windowTo)
          ? { field: 'windowTo', message: 'the value window must end after it starts' }
          : isBefore(d.at, d.windowTo)
            ? { field: 'windowTo', message: `the value window cannot end in the future (after ${d.at})` }
            : null,
  ),
)

/** RFM scores (1–5 each) computed by the application over the portfolio. */
export const ScoreRfm = command(
  'ScoreRfm',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    recency: RfmScore,
    frequency: RfmScore,
    monetary: RfmScore,
  }),
)

export const RecordPersonalityType = command(
  'RecordPersonalityType',
  t.type({ customerId: CustomerId, at: Instant, by: LifecycleActor, personalityType: PersonalityType }),
)

export const AssessReferralPotential = command(
  'AssessReferralPotential',
  t.type({
    customerId: CustomerId,
    at: Instant,
    by: LifecycleActor,
    potential: ReferralPotential,
    reason: Text,
  }),
)

/**
 * A contact the customer started: a call, a message or a walk-in, and what it was about. Needs no
 * consent and may come at any hour; "went-elsewhere" moves an owner to lost (docs/domain.md §1 stage 7).
 */
export const RecordInboundContact = command(
  'RecordInboundContact',
  t.type({
    customerId: CustomerId,
    contactId: ContactId,
    at: Instant,
    by: LifecycleActor,
    channel: InboundChannel,
    topic: ContactTopic,
    note: t.string,
  }),
)

export const PlanTouchpoint = command(
  'PlanTouchpoint',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: Instant,
    by: LifecycleActor,
    kind: TouchpointKind,
    channel: ContactChannel,
    dueAt: Instant,
    familyMemberId: Nullable(FamilyMemberId),
  }),
)

export const RecordTouchpointOutcome = command(
  'RecordTouchpointOutcome',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: Instant,
    by: LifecycleActor,
    outcome: TouchpointOutcome,
    note: t.string,
  }),
)

export const CancelTouchpoint = command(
  'CancelTouchpoint',
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

export const GrantConsent = command('GrantConsent', ConsentChange)
export const WithdrawConsent = command('WithdrawConsent', ConsentChange)

export const RecordSatisfaction = command(
  'RecordSatisfaction',
  t.type({
    customerId: CustomerId,
    surveyId: SurveyId,
    at: Instant,
    by: LifecycleActor,
    touchpointId: Nullable(TouchpointId),
    channel: ContactChannel,
    expectation: SurveyScore,
    score: SurveyScore,
  }),
)

const lifecycleCommands = [
  RegisterProspect,
  RecordFamilyMember,
  RecordDelivery,
  RecordServiceVisit,
  TransferOwnership,
  SetAccountFlag,
  AssignCustomerManager,
  ReassignCustomerManager,
  EvaluateCustomer,
  OverrideStage,
  AssignValueTier,
  ScoreRfm,
  RecordPersonalityType,
  AssessReferralPotential,
  RecordInboundContact,
  PlanTouchpoint,
  RecordTouchpointOutcome,
  CancelTouchpoint,
  GrantConsent,
  WithdrawConsent,
  RecordSatisfaction,
] as const

/** Every lifecycle command, chosen by its `type`; a malformed one is refused naming its own fields (`data.vin`). */
export const LifecycleCommand = commandUnion('LifecycleCommand', lifecycleCommands)
export type LifecycleCommand = t.TypeOf<typeof LifecycleCommand>

/** The lifecycle command of one type. */
export type LifecycleCommandOf<T extends LifecycleCommand['type']> = Extract<LifecycleCommand, { type: T }>

/** The type of every lifecycle command, e.g. to route untrusted input to this domain. */
export const lifecycleCommandTypes: ReadonlyArray<LifecycleCommand['type']> = lifecycleCommands.map(
  (codec) => codec.props.type.value,
)

/** The stream a command acts on: its customer's, `customer-<customerId>`. */
export const lifecycleStreamOf = (command: LifecycleCommand): string =>
  lifecycleStream(command.data.customerId)
