import { decodeCommand } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import type * as t from 'io-ts'
import { LifecycleCommand } from '../commands.js'
import { defaultLifecyclePolicy } from '../policy.js'
import type {
  ContactChannel,
  ContactTopic,
  InboundChannel,
  OwnerStage,
  Purpose,
  TouchpointKind,
  TouchpointOutcome,
} from '../vocabulary.js'
import {
  china,
  DAY,
  lifecycleActorArb,
  lifecycleAnyHourArb,
  lifecycleAtArb,
  lifecycleCustomerIdArb,
  lifecycleOtherCustomerArb,
  lifecyclePhoneArb,
  lifecycleVinArb,
} from './values.js'

/** A lifecycle command as untrusted JSON carries it, before decoding. */
export type LifecycleCommandInput = t.OutputOf<typeof LifecycleCommand>

/** A generated command decoded as the application decodes it; one that does not decode is a broken arbitrary. */
export const decodedLifecycleCommand = (input: LifecycleCommandInput): LifecycleCommand => {
  const decoded = decodeCommand(LifecycleCommand, input)
  if (decoded._tag === 'Left')
    throw new Error(`generated ${input.type} does not decode: ${decoded.left.message}`)
  return decoded.right
}

/** The value window of the default policy ending at `windowTo`, as raw instants. */
const valueWindowOf = (windowTo: string) => ({
  windowFrom: new Date(Date.parse(windowTo) - defaultLifecyclePolicy.valueWindowDays * DAY).toISOString(),
  windowTo,
})

const kinds: ReadonlyArray<TouchpointKind> = [
  'maintenance-reminder',
  'annual-inspection-reminder',
  'insurance-renewal-reminder',
  'birthday-greeting',
  'holiday-greeting',
  'event-invitation',
  'offer',
  'periodic-call-back',
  'vip-gift',
  'annual-reception',
]
const channels: ReadonlyArray<ContactChannel> = ['sms', 'call', 'wechat']
/** Mostly WeChat, so that consents and touchpoints meet on the same channel often enough. */
const channelArb = fc.oneof(
  { arbitrary: fc.constant<ContactChannel>('wechat'), weight: 3 },
  fc.constantFrom(...channels),
)
const purposes: ReadonlyArray<Purpose> = ['service-reminder', 'marketing', 'survey']
const outcomes: ReadonlyArray<TouchpointOutcome> = [
  'reached',
  'not-reached',
  'declined',
  'complaint-raised',
  'appointment-booked',
]
const ownerStages: ReadonlyArray<OwnerStage> = [
  'owner',
  'active',
  'stable',
  'declining',
  'at-risk',
  'lost',
  'won-back',
  'never-serviced',
]

const common = fc.record({ customerId: lifecycleCustomerIdArb, at: lifecycleAtArb, by: lifecycleActorArb })
const touchpointIdArb = fc.constantFrom('tp-1', 'tp-2', 'tp-3', 'tp-4', 'tp-5', 'tp-6')

const registerProspectArb = fc
  .record({
    customerId: lifecycleCustomerIdArb,
    at: lifecycleAtArb,
    by: lifecycleActorArb,
    source: fc.constantFrom('showroom', 'phone', 'event', 'referral' as const),
    kind: fc.constantFrom('person', 'company' as const),
    name: fc.constantFrom('张三', '李四', '王五'),
    phone: lifecyclePhoneArb,
    phoneHash: fc.stringMatching(/^[0-9a-f]{64}$/),
    birthday: fc.constantFrom(null, '1985-06-30', '1990-02-28'),
  })
  .map((data) => ({ type: 'RegisterProspect' as const, data }))

const recordDeliveryArb = fc
  .tuple(
    common,
    fc.record({
      vin: lifecycleVinArb,
      model: fc.constantFrom('Sagitar', 'Golf', 'CT5'),
      colour: fc.constantFrom('white', 'red', 'black'),
      plate: fc.constantFrom(null, '粤B12345', '京A8K321'),
      mileageKm: fc.integer({ min: 0, max: 30_000 }),
      previousOwnerId: fc.option(lifecycleOtherCustomerArb, { nil: null }),
    }),
  )
  .map(([c, d]) => ({ type: 'RecordDelivery' as const, data: { ...c, ...d } }))

const recordServiceVisitArb = fc
  .tuple(
    common,
    fc.record({
      vin: lifecycleVinArb,
      repairOrderNumber: fc.integer({ min: 1, max: 30 }).map((n) => `RO-${n}`),
      mileageKm: fc.integer({ min: 0, max: 120_000 }),
      rework: fc.boolean(),
      amountFen: fc.integer({ min: 0, max: 2_000_000 }),
    }),
  )
  .map(([c, d]) => ({ type: 'RecordServiceVisit' as const, data: { ...c, ...d } }))

const evaluateAtArb = common.map((c) => ({
  type: 'EvaluateCustomer' as const,
  data: { ...c, by: { id: 'scheduler', role: 'scheduler' as const } },
}))

const overrideStageArb = fc
  .tuple(
    common,
    fc.constantFrom(...ownerStages),
    fc.integer({ min: 1, max: 365 }),
    fc.constantFrom('went elsewhere', 'moved away'),
  )
  .map(([c, stage, days, reason]) => ({
    type: 'OverrideStage' as const,
    data: { ...c, stage, reason, expiresAt: china(Date.parse(c.at) + days * DAY) },
  }))

/**
 * Touchpoints due mostly within the next two months (in working hours, sometimes in the quiet
 * hours), sometimes at a random moment that may lie in the past.
 */
const planTouchpointArb = fc
  .tuple(
    common,
    touchpointIdArb,
    fc.constantFrom(...kinds),
    channelArb,
    fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 60 }).map((d) => ({ days: d, hour: 0 })), weight: 6 },
      {
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 23 }))
          .map(([d, h]) => ({ days: d, hour: h })),
        weight: 1,
      },
      { arbitrary: lifecycleAnyHourArb.map((at) => ({ at })), weight: 1 },
    ),
    fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: fc.constant('m-1'), weight: 1 }),
  )
  .map(([c, touchpointId, kind, channel, due, familyMemberId]) => ({
    type: 'PlanTouchpoint' as const,
    data: {
      ...c,
      touchpointId,
      kind,
      channel,
      dueAt: 'at' in due ? due.at : china(Date.parse(c.at) + due.days * DAY + due.hour * 3_600_000),
      familyMemberId,
    },
  }))

const consentChangeArb = fc
  .tuple(
    common,
    fc.oneof({ arbitrary: fc.constant('marketing' as const), weight: 3 }, fc.constantFrom(...purposes)),
    channelArb,
  )
  .map(([c, purpose, channel]) => ({ ...c, purpose, channel, source: 'showroom-form' as const }))
const grantConsentArb = consentChangeArb.map((data) => ({ type: 'GrantConsent' as const, data }))

const inboundChannels: ReadonlyArray<InboundChannel> = ['call', 'sms', 'wechat', 'walk-in']
const topics: ReadonlyArray<ContactTopic> = [
  'enquiry',
  'appointment-booked',
  'complaint-raised',
  'went-elsewhere',
  'other',
]

/** Contacts the customer starts, at any hour; some say they went elsewhere. */
const recordInboundContactArb = fc
  .tuple(
    common,
    lifecycleAnyHourArb,
    fc.constantFrom('in-1', 'in-2', 'in-3', 'in-4'),
    fc.constantFrom(...inboundChannels),
    fc.constantFrom(...topics),
  )
  .map(([c, at, contactId, channel, topic]) => ({
    type: 'RecordInboundContact' as const,
    data: { ...c, at, contactId, channel, topic, note: '' },
  }))
const withdrawConsentArb = fc
  .tuple(common, fc.constantFrom(...purposes), fc.constantFrom(...channels))
  .map(([c, purpose, channel]) => ({
    type: 'WithdrawConsent' as const,
    data: { ...c, purpose, channel, source: 'phone-call' as const },
  }))

/**
 * Commands for customer c-1 (with a few for other customers), valid and refused alike, as untrusted
 * JSON carries them: every instant written in China time (`+08:00`).
 */
export const lifecycleCommandInputArb = (): fc.Arbitrary<LifecycleCommandInput> =>
  fc.oneof(
    { arbitrary: registerProspectArb, weight: 2 },
    { arbitrary: recordDeliveryArb, weight: 3 },
    { arbitrary: recordServiceVisitArb, weight: 10 },
    { arbitrary: evaluateAtArb, weight: 8 },
    { arbitrary: overrideStageArb, weight: 1 },
    {
      arbitrary: fc.tuple(common, lifecycleVinArb, lifecycleOtherCustomerArb).map(([c, vin, newOwnerId]) => ({
        type: 'TransferOwnership' as const,
        data: { ...c, vin, newOwnerId },
      })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(common, fc.constantFrom('vip', 'big-account' as const), fc.boolean())
        .map(([c, flag, value]) => ({
          type: 'SetAccountFlag' as const,
          data: { ...c, flag, value, reason: 'portfolio review' },
        })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(common, fc.constantFrom('cm-1', 'cm-2'))
        .map(([c, managerId]) => ({ type: 'AssignCustomerManager' as const, data: { ...c, managerId } })),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(common, fc.constantFrom('cm-1', 'cm-2')).map(([c, managerId]) => ({
        type: 'ReassignCustomerManager' as const,
        data: { ...c, managerId, reason: 'workload' },
      })),
      weight: 1,
    },
    {
      arbitrary: common.map((c) => ({
        type: 'RecordFamilyMember' as const,
        data: { ...c, memberId: 'm-1', relation: 'spouse', name: '李梅', birthday: null },
      })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(
          common,
          fc.integer({ min: 0, max: 5_000_000 }),
          fc.integer({ min: 1, max: 50 }),
          fc.integer({ min: 50, max: 200 }),
        )
        .map(([c, valueFen, rank, portfolioSize]) => ({
          type: 'AssignValueTier' as const,
          data: {
            ...c,
            valueFen,
            rank,
            portfolioSize,
            ...valueWindowOf(c.at),
          },
        })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(
          common,
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 5 }),
        )
        .map(([c, recency, frequency, monetary]) => ({
          type: 'ScoreRfm' as const,
          data: { ...c, recency, frequency, monetary },
        })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(common, fc.constantFrom('expressive', 'driver', 'analytical', 'amiable' as const))
        .map(([c, personalityType]) => ({
          type: 'RecordPersonalityType' as const,
          data: { ...c, personalityType },
        })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(common, fc.constantFrom('high', 'medium', 'low' as const))
        .map(([c, potential]) => ({
          type: 'AssessReferralPotential' as const,
          data: { ...c, potential, reason: 'talks to friends' },
        })),
      weight: 1,
    },
    { arbitrary: planTouchpointArb, weight: 6 },
    { arbitrary: recordInboundContactArb, weight: 2 },
    {
      arbitrary: fc
        .tuple(common, touchpointIdArb, fc.constantFrom(...outcomes))
        .map(([c, touchpointId, outcome]) => ({
          type: 'RecordTouchpointOutcome' as const,
          data: { ...c, touchpointId, outcome, note: '' },
        })),
      weight: 5,
    },
    {
      arbitrary: fc.tuple(common, touchpointIdArb).map(([c, touchpointId]) => ({
        type: 'CancelTouchpoint' as const,
        data: { ...c, touchpointId, reason: 'no longer needed' },
      })),
      weight: 1,
    },
    { arbitrary: grantConsentArb, weight: 5 },
    { arbitrary: withdrawConsentArb, weight: 1 },
    {
      arbitrary: fc
        .tuple(
          common,
          fc.constantFrom('s-1', 's-2', 's-3'),
          fc.option(touchpointIdArb, { nil: null }),
          fc.constantFrom(...channels),
          fc.integer({ min: 1, max: 10 }),
          fc.integer({ min: 1, max: 10 }),
        )
        .map(([c, surveyId, touchpointId, channel, expectation, score]) => ({
          type: 'RecordSatisfaction' as const,
          data: { ...c, surveyId, touchpointId, channel, expectation, score },
        })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(common, lifecycleOtherCustomerArb)
        .map(([c, customerId]) => ({ type: 'EvaluateCustomer' as const, data: { ...c, customerId } })),
      weight: 1,
    },
  )

/** Commands for customer c-1 (with a few for other customers), valid and refused alike, decoded. */
export const lifecycleCommandArb = (): fc.Arbitrary<LifecycleCommand> =>
  lifecycleCommandInputArb().map(decodedLifecycleCommand)

/** A prospect's registration, decoded. */
export const lifecycleRegisterProspectArb: fc.Arbitrary<LifecycleCommand> =
  registerProspectArb.map(decodedLifecycleCommand)
