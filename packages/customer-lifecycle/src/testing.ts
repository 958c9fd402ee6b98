import fc from 'fast-check'
import type { Actor } from './codecs.js'
import type { Command } from './commands.js'
import type { CustomerLifecycleEvent } from './events.js'
import { customerLifecycle } from './index.js'
import { defaultPolicy, type LifecyclePolicy } from './policy.js'
import type { Channel, OwnerStage, Purpose, TouchpointKind, TouchpointOutcome } from './vocabulary.js'

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

/** Mostly the customer's first car, sometimes a second or a car they never had. */
export const vinArb = fc.oneof(
  { arbitrary: fc.constant('LSGKB54U0BA123456'), weight: 6 },
  { arbitrary: fc.constantFrom('LFV2A21K8G3045678', 'WDDGF8AB5EA912345'), weight: 1 },
)
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

export const planTouchpointArb = fc
  .tuple(
    common,
    touchpointIdArb,
    fc.constantFrom(...kinds),
    fc.constantFrom(...channels),
    fc.oneof({ arbitrary: atArb, weight: 4 }, { arbitrary: anyHourArb, weight: 1 }),
    fc.option(fc.constant('m-1'), { nil: null, freq: 4 }),
  )
  .map(([c, touchpointId, kind, channel, dueAt, familyMemberId]) => ({
    type: 'PlanTouchpoint' as const,
    data: { ...c, touchpointId, kind, channel, dueAt, familyMemberId },
  }))

const consentChangeArb = fc
  .tuple(common, fc.constantFrom(...purposes), fc.constantFrom(...channels))
  .map(([c, purpose, channel]) => ({ ...c, purpose, channel, source: 'showroom-form' as const }))
const grantConsentArb = consentChangeArb.map((data) => ({ type: 'GrantConsent' as const, data }))
const withdrawConsentArb = consentChangeArb.map((data) => ({ type: 'WithdrawConsent' as const, data }))

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
            windowFrom: china(Date.parse(c.at) - 365 * DAY),
            windowTo: c.at,
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
    { arbitrary: planTouchpointArb, weight: 5 },
    {
      arbitrary: fc
        .tuple(common, touchpointIdArb, fc.constantFrom(...outcomes))
        .map(([c, touchpointId, outcome]) => ({
          type: 'RecordTouchpointOutcome' as const,
          data: { ...c, touchpointId, outcome, note: '' },
        })),
      weight: 3,
    },
    {
      arbitrary: fc.tuple(common, touchpointIdArb).map(([c, touchpointId]) => ({
        type: 'CancelTouchpoint' as const,
        data: { ...c, touchpointId, reason: 'no longer needed' },
      })),
      weight: 1,
    },
    { arbitrary: grantConsentArb, weight: 3 },
    { arbitrary: withdrawConsentArb, weight: 2 },
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

/** Policies around the defaults of DOMAIN.md, each with its own version. */
export const policyArb: fc.Arbitrary<LifecyclePolicy> = fc
  .record({
    serviceIntervalDays: fc.integer({ min: 90, max: 365 }),
    serviceIntervalKm: fc.integer({ min: 5_000, max: 15_000 }),
    atRiskFallbackDays: fc.integer({ min: 180, max: 365 }),
    lostAfterDays: fc.integer({ min: 366, max: 730 }),
    wonBackProbationDays: fc.integer({ min: 30, max: 365 }),
    visitsForStable: fc.integer({ min: 2, max: 4 }),
    marketingMax: fc.integer({ min: 1, max: 6 }),
  })
  .map((p) => ({
    ...defaultPolicy,
    policyVersion: `generated-${p.serviceIntervalDays}-${p.atRiskFallbackDays}-${p.lostAfterDays}-${p.wonBackProbationDays}`,
    serviceIntervalDays: p.serviceIntervalDays,
    serviceIntervalKm: p.serviceIntervalKm,
    atRiskFallbackDays: p.atRiskFallbackDays,
    lostAfterDays: p.lostAfterDays,
    wonBackProbationDays: p.wonBackProbationDays,
    visitsForStable: p.visitsForStable,
    marketingCap: { max: p.marketingMax, withinDays: 30 },
  }))

/**
 * Commands as a dealership produces them: in time order, odometers only going up, so that
 * customers really move through their stages (random order mostly exercises refusals).
 */
export const commandTimelineArb = (maxLength = 40): fc.Arbitrary<ReadonlyArray<Command>> =>
  fc.array(commandArb(), { minLength: maxLength / 4, maxLength }).map((commands) => {
    let km = 0
    return [...commands]
      .sort((a, b) => Date.parse(a.data.at) - Date.parse(b.data.at))
      .map((c) => {
        if (c.type !== 'RecordServiceVisit') return c
        km += Math.round(c.data.mileageKm / 20)
        return { ...c, data: { ...c.data, mileageKm: km } }
      })
  })

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
