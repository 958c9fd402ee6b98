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
  PositiveInt,
  RfmScore,
  SurveyScore,
  Vin,
} from './codecs.js'
import { withRule } from './field-rule.js'
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

const dayOf = (at: string): string => new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10)

/** A birthday cannot lie after the day the command is made (days in China time). */
const birthdayNotInFuture = (d: { at: string; birthday: string | null }) =>
  d.birthday !== null && d.birthday > dayOf(d.at)
    ? {
        field: 'birthday',
        message: `a birthday cannot be in the future (${d.birthday} is after ${dayOf(d.at)})`,
      }
    : null

const command = <T extends string, C extends t.Mixed>(type: T, data: C) =>
  t.type({ type: t.literal(type), data }, type)

export const RegisterProspect = command(
  'RegisterProspect',
  withRule(
    t.type({
      customerId: CustomerId,
      at: IsoDateTime,
      by: Actor,
      source: ProspectSource,
      kind: CustomerKind,
      name: NonEmptyString,
      phone: PhoneNumber,
      phoneHash: PhoneHash,
      birthday: Nullable(IsoDate),
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
      at: IsoDateTime,
      by: Actor,
      relation: NonEmptyString,
      name: NonEmptyString,
      birthday: Nullable(IsoDate),
    }),
    birthdayNotInFuture,
  ),
)

export const RecordDelivery = command(
  'RecordDelivery',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    vin: Vin,
    model: NonEmptyString,
    colour: NonEmptyString,
    plate: Nullable(LicencePlate),
    mileageKm: Kilometres,
    previousOwnerId: Nullable(CustomerId),
  }),
)

export const RecordServiceVisit = command(
  'RecordServiceVisit',
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

export const TransferOwnership = command(
  'TransferOwnership',
  t.type({ customerId: CustomerId, at: IsoDateTime, by: Actor, vin: Vin, newOwnerId: CustomerId }),
)

export const SetAccountFlag = command(
  'SetAccountFlag',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    flag: AccountFlag,
    value: t.boolean,
    reason: NonEmptyString,
  }),
)

export const AssignCustomerManager = command(
  'AssignCustomerManager',
  t.type({ customerId: CustomerId, at: IsoDateTime, by: Actor, managerId: StaffId }),
)

export const ReassignCustomerManager = command(
  'ReassignCustomerManager',
  t.type({ customerId: CustomerId, at: IsoDateTime, by: Actor, managerId: StaffId, reason: NonEmptyString }),
)

/** Sent by the scheduler with the current time; the only way time moves a stage. */
export const EvaluateAt = command(
  'EvaluateAt',
  t.type({ customerId: CustomerId, at: IsoDateTime, by: Actor }),
)

export const OverrideStage = command(
  'OverrideStage',
  withRule(
    t.type({
      customerId: CustomerId,
      at: IsoDateTime,
      by: Actor,
      stage: OwnerStage,
      reason: NonEmptyString,
      expiresAt: IsoDateTime,
    }),
    (d) =>
      Date.parse(d.expiresAt) <= Date.parse(d.at)
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
      at: IsoDateTime,
      by: Actor,
      valueFen: Fen,
      rank: PositiveInt,
      portfolioSize: PositiveInt,
      windowFrom: IsoDateTime,
      windowTo: IsoDateTime,
    }),
    (d) =>
      d.rank > d.portfolioSize
        ? { field: 'rank', message: `rank ${d.rank} is beyond the portfolio of ${d.portfolioSize}` }
        : Date.parse(d.windowFrom) >= Date.parse(d.windowTo)
          ? { field: 'windowTo', message: 'the value window must end after it starts' }
          : Date.parse(d.windowTo) > Date.parse(d.at)
            ? { field: 'windowTo', message: `the value window cannot end in the future (after ${d.at})` }
            : null,
  ),
)

/** RFM scores (1–5 each) computed by the application over the portfolio. */
export const ScoreRfm = command(
  'ScoreRfm',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    recency: RfmScore,
    frequency: RfmScore,
    monetary: RfmScore,
  }),
)

export const RecordPersonalityType = command(
  'RecordPersonalityType',
  t.type({ customerId: CustomerId, at: IsoDateTime, by: Actor, personalityType: PersonalityType }),
)

export const AssessReferralPotential = command(
  'AssessReferralPotential',
  t.type({
    customerId: CustomerId,
    at: IsoDateTime,
    by: Actor,
    potential: ReferralPotential,
    reason: NonEmptyString,
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
    at: IsoDateTime,
    by: Actor,
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
    at: IsoDateTime,
    by: Actor,
    kind: TouchpointKind,
    channel: Channel,
    dueAt: IsoDateTime,
    familyMemberId: Nullable(FamilyMemberId),
  }),
)

export const RecordTouchpointOutcome = command(
  'RecordTouchpointOutcome',
  t.type({
    customerId: CustomerId,
    touchpointId: TouchpointId,
    at: IsoDateTime,
    by: Actor,
    outcome: TouchpointOutcome,
    note: t.string,
  }),
)

export const CancelTouchpoint = command(
  'CancelTouchpoint',
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

export const GrantConsent = command('GrantConsent', ConsentChange)
export const WithdrawConsent = command('WithdrawConsent', ConsentChange)

export const RecordSatisfaction = command(
  'RecordSatisfaction',
  t.type({
    customerId: CustomerId,
    surveyId: SurveyId,
    at: IsoDateTime,
    by: Actor,
    touchpointId: Nullable(TouchpointId),
    channel: Channel,
    expectation: SurveyScore,
    score: SurveyScore,
  }),
)

const commandCodecs = [
  RegisterProspect,
  RecordFamilyMember,
  RecordDelivery,
  RecordServiceVisit,
  TransferOwnership,
  SetAccountFlag,
  AssignCustomerManager,
  ReassignCustomerManager,
  EvaluateAt,
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

export type Command = t.TypeOf<(typeof commandCodecs)[number]>
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>

/**
 * Every command, chosen by its `type`: errors name the fields of that one command
 * ("data.vin: …"), not of every member of a union.
 */
export const Command = new t.Type<Command, unknown, unknown>(
  'CustomerLifecycleCommand',
  (u): u is Command => commandCodecs.some((c) => c.is(u)),
  (u, c) => {
    const type = typeof u === 'object' && u !== null ? (u as { type?: unknown }).type : undefined
    const codec = commandCodecs.find((k) => k.name === type)
    return codec === undefined
      ? t.failure(
          type,
          t.appendContext(c, 'type', t.string, type),
          `expected one of ${commandCodecs.map((k) => k.name).join(', ')}`,
        )
      : codec.validate(u, c)
  },
  (a) => a,
)
