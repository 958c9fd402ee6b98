import fc from 'fast-check'
import { type Actor, vinCheckDigit } from './codecs.js'
import type { Command } from './commands.js'
import type { CustomerLifecycleEvent } from './events.js'
import { customerLifecycle } from './index.js'
import { defaultPolicy, type LifecyclePolicy } from './policy.js'
import { valueWindow } from './segments.js'
import type {
  Channel,
  ContactTopic,
  InboundChannel,
  OwnerStage,
  Purpose,
  TouchpointKind,
  TouchpointOutcome,
} from './vocabulary.js'

/**
 * fast-check arbitraries for the customer lifecycle: commands (valid and refused alike) for one
 * customer stream, policies, event histories, and malformed input for codec tests.
 */

export const customerIdArb = fc.constant('c-1')
const otherCustomerArb = fc.constantFrom('c-2', 'c-3')

const staff: ReadonlyArray<Actor> = [
  { id: 'sc-1', role: 'sales-consultant' },
  { id: 'cm-1', role: 'customer-manager' },
  { id: 'sa-1', role: 'service-advisor' },
  { id: 'cb-1', role: 'call-back-staff' },
]
export const actorArb = fc.constantFrom(...staff)

const START = Date.parse('2024-01-01T02:00:00Z')
const DAY = 86_400_000
const china = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('.000Z', '+08:00')

/** A working-hours moment (China time) within four years from 2024. */
export const atArb = fc.integer({ min: 0, max: 1_500 }).map((d) => china(START + d * DAY))

/** A moment that may fall in the quiet hours. */
export const anyHourArb = fc
  .tuple(fc.integer({ min: 0, max: 1_500 }), fc.integer({ min: 0, max: 23 }))
  .map(([d, h]) => china(Date.parse('2024-01-01T00:00:00Z') - 8 * 3_600_000 + d * DAY + h * 3_600_000))

/** Mostly the customer's first car, sometimes a second or a car they never had; check digits valid. */
export const vinArb = fc.oneof(
  { arbitrary: fc.constant('LSGKB54U0BA123456'), weight: 6 },
  { arbitrary: fc.constantFrom('LFV2A21K5G3045678', 'WDDGF8AB8EA912345'), weight: 1 },
)

/** Any well-formed VIN carrying its check digit at position 9 (GB 16735). */
export const anyVinArb = fc
  .stringMatching(/^[A-HJ-NPR-Z0-9]{17}$/)
  .map((v) => `${v.slice(0, 8)}${vinCheckDigit(v)}${v.slice(9)}`)

/** A well-formed VIN whose 9th character is not its check digit. */
export const wrongCheckDigitVinArb = fc
  .tuple(anyVinArb, fc.constantFrom(...'0123456789X'))
  .filter(([v, digit]) => v[8] !== digit)
  .map(([v, digit]) => `${v.slice(0, 8)}${digit}${v.slice(9)}`)
export const phoneArb = fc
  .integer({ min: 3, max: 9 })
  .chain((second) => fc.stringMatching(/^\d{9}$/).map((rest) => `1${second}${rest}`))
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
const channels: ReadonlyArray<Channel> = ['sms', 'call', 'wechat']
/** Mostly WeChat, so that consents and touchpoints meet on the same channel often enough. */
const channelArb = fc.oneof(
  { arbitrary: fc.constant<Channel>('wechat'), weight: 3 },
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

const common = fc.record({ customerId: customerIdArb, at: atArb, by: actorArb })
const touchpointIdArb = fc.constantFrom('tp-1', 'tp-2', 'tp-3', 'tp-4', 'tp-5', 'tp-6')

export const registerProspectArb = fc
  .record({
    customerId: customerIdArb,
    at: atArb,
    by: actorArb,
    source: fc.constantFrom('showroom', 'phone', 'event', 'referral' as const),
    kind: fc.constantFrom('person', 'company' as const),
    name: fc.constantFrom('张三', '李四', '王五'),
    phone: phoneArb,
    phoneHash: fc.stringMatching(/^[0-9a-f]{64}$/),
    birthday: fc.constantFrom(null, '1985-06-30', '1990-02-28'),
  })
  .map((data) => ({ type: 'RegisterProspect' as const, data }))

export const recordDeliveryArb = fc
  .tuple(
    common,
    fc.record({
      vin: vinArb,
      model: fc.constantFrom('Sagitar', 'Golf', 'CT5'),
      colour: fc.constantFrom('white', 'red', 'black'),
      plate: fc.constantFrom(null, '粤B12345', '京A8K321'),
      mileageKm: fc.integer({ min: 0, max: 30_000 }),
      previousOwnerId: fc.option(otherCustomerArb, { nil: null }),
    }),
  )
  .map(([c, d]) => ({ type: 'RecordDelivery' as const, data: { ...c, ...d } }))

export const recordServiceVisitArb = fc
  .tuple(
    common,
    fc.record({
      vin: vinArb,
      repairOrderNumber: fc.integer({ min: 1, max: 30 }).map((n) => `RO-${n}`),
      mileageKm: fc.integer({ min: 0, max: 120_000 }),
      rework: fc.boolean(),
      amountFen: fc.integer({ min: 0, max: 2_000_000 }),
    }),
  )
  .map(([c, d]) => ({ type: 'RecordServiceVisit' as const, data: { ...c, ...d } }))

export const evaluateAtArb = common.map((c) => ({
  type: 'EvaluateAt' as const,
  data: { ...c, by: { id: 'scheduler', role: 'scheduler' as const } },
}))

export const overrideStageArb = fc
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
export const planTouchpointArb = fc
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
      { arbitrary: anyHourArb.map((at) => ({ at })), weight: 1 },
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
export const recordInboundContactArb = fc
  .tuple(
    common,
    anyHourArb,
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

/** Commands for customer c-1 (with a few for other customers), valid and refused alike. */
export const commandArb = (): fc.Arbitrary<Command> =>
  fc.oneof(
    { arbitrary: registerProspectArb, weight: 2 },
    { arbitrary: recordDeliveryArb, weight: 3 },
    { arbitrary: recordServiceVisitArb, weight: 10 },
    { arbitrary: evaluateAtArb, weight: 8 },
    { arbitrary: overrideStageArb, weight: 1 },
    {
      arbitrary: fc.tuple(common, vinArb, otherCustomerArb).map(([c, vin, newOwnerId]) => ({
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
            ...valueWindow(defaultPolicy, c.at),
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
        .tuple(common, otherCustomerArb)
        .map(([c, customerId]) => ({ type: 'EvaluateAt' as const, data: { ...c, customerId } })),
      weight: 1,
    },
  )

/** A short, stable digest of a text (djb2), to name generated policies. */
const digest = (text: string): string =>
  [...text].reduce((h, ch) => (h * 33 + ch.charCodeAt(0)) >>> 0, 5381).toString(36)

/** Policies around the defaults of docs/domain.md, each valid by the `LifecyclePolicy` codec and with its own version. */
export const policyArb: fc.Arbitrary<LifecyclePolicy> = fc
  .record({
    serviceIntervalDays: fc.integer({ min: 90, max: 365 }),
    serviceIntervalKm: fc.integer({ min: 5_000, max: 15_000 }),
    atRiskIntervalFactor: fc.constantFrom(1.25, 1.5, 2),
    atRiskMinDays: fc.integer({ min: 150, max: 200 }),
    atRiskMaxDays: fc.integer({ min: 300, max: 400 }),
    atRiskFallbackShare: fc.double({ min: 0, max: 1, noNaN: true }),
    lostBeyondAtRiskDays: fc.integer({ min: 1, max: 330 }),
    neverServicedAfterDays: fc.integer({ min: 180, max: 540 }),
    wonBackProbationDays: fc.integer({ min: 30, max: 365 }),
    visitsForStable: fc.integer({ min: 2, max: 4 }),
    marketingMax: fc.integer({ min: 1, max: 6 }),
    serviceReminderOptIn: fc.boolean(),
    surveyOptIn: fc.boolean(),
    requireVinCheckDigit: fc.boolean(),
  })
  .map((p) => {
    const policy: LifecyclePolicy = {
      ...defaultPolicy,
      serviceIntervalDays: p.serviceIntervalDays,
      serviceIntervalKm: p.serviceIntervalKm,
      atRiskIntervalFactor: p.atRiskIntervalFactor,
      atRiskMinDays: p.atRiskMinDays,
      atRiskMaxDays: p.atRiskMaxDays,
      atRiskFallbackDays: Math.round(
        p.atRiskMinDays + p.atRiskFallbackShare * (p.atRiskMaxDays - p.atRiskMinDays),
      ),
      lostAfterDays: p.atRiskMaxDays + p.lostBeyondAtRiskDays,
      neverServicedAfterDays: p.neverServicedAfterDays,
      wonBackProbationDays: p.wonBackProbationDays,
      visitsForStable: p.visitsForStable,
      marketingCap: { max: p.marketingMax, withinDays: 30 },
      consentRequired: { 'service-reminder': p.serviceReminderOptIn, marketing: true, survey: p.surveyOptIn },
      requireVinCheckDigit: p.requireVinCheckDigit,
    }
    return { ...policy, policyVersion: `generated-${digest(JSON.stringify(policy))}` }
  })

/**
 * Commands as a dealership produces them: in time order, odometers only going up, so that
 * customers really move through their stages (random order mostly exercises refusals). Evaluations
 * are also aimed at the policy's thresholds on purpose: a day before, on and a day after the day each
 * time threshold (lost, at risk, never serviced, the service interval, probation, the stable window) is
 * reached from a delivery or a visit in the timeline.
 */
export const commandTimelineArb = (
  maxLength = 40,
  policy: LifecyclePolicy = defaultPolicy,
): fc.Arbitrary<ReadonlyArray<Command>> =>
  fc
    .tuple(
      fc.array(commandArb(), { minLength: Math.floor(maxLength / 4), maxLength }),
      fc.array(
        fc.record({
          fact: fc.nat(),
          days: fc.constantFrom(...thresholdDays(policy)),
          offset: fc.constantFrom(-1, 0, 1),
        }),
        { maxLength: 4 },
      ),
    )
    .map(([commands, probes]) => {
      let km = 0
      const timeline = [...commands]
        .sort((a, b) => Date.parse(a.data.at) - Date.parse(b.data.at))
        .map((c) => {
          if (c.type !== 'RecordServiceVisit') return c
          km += Math.round(c.data.mileageKm / 20)
          return { ...c, data: { ...c.data, mileageKm: km } }
        })
      return withThresholdProbes(timeline, probes)
    })

/** The time thresholds of a policy, in days from the last visit or delivery. */
export const thresholdDays = (policy: LifecyclePolicy): ReadonlyArray<number> => [
  ...new Set([
    policy.lostAfterDays,
    policy.atRiskFallbackDays,
    policy.atRiskMinDays,
    policy.atRiskMaxDays,
    policy.neverServicedAfterDays,
    policy.serviceIntervalDays,
    policy.wonBackProbationDays,
    policy.stableWindowDays,
  ]),
]

/** The timeline with `EvaluateAt` put in time order at `days + offset` days after a delivery or a visit in it. */
const withThresholdProbes = (
  timeline: ReadonlyArray<Command>,
  probes: ReadonlyArray<{ fact: number; days: number; offset: number }>,
): ReadonlyArray<Command> => {
  const facts = timeline.filter(
    (c) => c.data.customerId === 'c-1' && (c.type === 'RecordDelivery' || c.type === 'RecordServiceVisit'),
  )
  const out = [...timeline]
  for (const { fact, days, offset } of probes) {
    const from = facts[fact % Math.max(1, facts.length)]
    if (from === undefined) continue
    const at = Date.parse(from.data.at) + (days + offset) * DAY
    const index = out.findIndex((c) => Date.parse(c.data.at) > at)
    out.splice(index === -1 ? out.length : index, 0, {
      type: 'EvaluateAt',
      data: { customerId: 'c-1', at: china(at), by: { id: 'scheduler', role: 'scheduler' } },
    })
  }
  return out
}

/** A registered customer's accepted events after a timeline of commands under the policy. */
export const customerHistoryArb = (
  policy: LifecyclePolicy = defaultPolicy,
): fc.Arbitrary<ReadonlyArray<CustomerLifecycleEvent>> =>
  fc.tuple(registerProspectArb, commandTimelineArb()).map(([first, rest]) => {
    const decider = customerLifecycle(policy)
    const events: CustomerLifecycleEvent[] = []
    let state = decider.initialState
    for (const command of [{ ...first, data: { ...first.data, at: '2023-12-01T10:00:00+08:00' } }, ...rest]) {
      const decision = decider.decide(command, state)
      if (decision._tag === 'Right')
        for (const e of decision.right) {
          events.push(e)
          state = decider.evolve(state, e)
        }
    }
    return events
  })

/** VINs a codec must refuse: wrong length, I/O/Q, lower case. */
export const badVinArb = fc.oneof(
  fc.stringMatching(/^[A-HJ-NPR-Z0-9]{1,16}$/),
  fc.stringMatching(/^[A-HJ-NPR-Z0-9]{18,20}$/),
  fc
    .tuple(fc.stringMatching(/^[A-HJ-NPR-Z0-9]{16}$/), fc.constantFrom('I', 'O', 'Q'))
    .map(([s, bad]) => s + bad),
  fc.stringMatching(/^[a-hj-npr-z]{17}$/),
)

/** Phone numbers a codec must refuse. */
export const badPhoneArb = fc.oneof(
  fc.stringMatching(/^1[3-9]\d{0,8}$/),
  fc.stringMatching(/^1[0-2]\d{9}$/),
  fc.stringMatching(/^[2-9]\d{10}$/),
  fc.stringMatching(/^1[3-9]\d{8}[a-z]$/),
)
