import {
  addElapsedDays,
  describeFieldErrors,
  fieldErrors,
  type Instant,
  instantOf,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import type * as t from 'io-ts'
import { LoyaltyCommand } from './commands.js'
import { loyaltyDecider } from './decide.js'
import type { LoyaltyEvent } from './events.js'
import { monthsLater } from './levels.js'
import { defaultLoyaltyPolicy, type LoyaltyPolicy } from './policy.js'
import { awardCategories, redemptionRewards, spendCategories } from './values.js'

/**
 * fast-check arbitraries for the loyalty programme, exported as `@dealer-crm/loyalty-points/testing`,
 * so an application can property-test the rules under its own policy (ARCHITECTURE.md, "Who uses it").
 */

/** Raw input is decoded through the command codec, so every arbitrary value is a well-typed command. */
const decodedAs =
  <A>(codec: t.Type<A, unknown, unknown>) =>
  (raw: unknown): A => {
    const result = codec.decode(raw)
    if (result._tag === 'Left')
      throw new Error(
        `arbitrary produced an invalid ${codec.name}: ${describeFieldErrors(fieldErrors(result.left))}`,
      )
    return result.right
  }

const START = Date.parse('2026-01-01T00:00:00Z')
const HOUR = 3_600_000

/** Times over four years, on the hour, so expiries (24 months) and reviews (12 months) happen. */
export const loyaltyInstantArb: fc.Arbitrary<string> = fc
  .integer({ min: 0, max: 4 * 366 * 24 })
  .map((hours) => new Date(START + hours * HOUR).toISOString())

/** The member every arbitrary command is for. */
export const loyaltyMemberId = 'member-1'

const actorArb = fc.constantFrom(
  { id: 'clerk-1', role: 'service-advisor' },
  { id: 'clerk-2', role: 'cashier' },
)

const schedulerArb = fc.constant({ id: 'scheduler', role: 'scheduler' })

/** A few documents and redemptions only, so duplicates and refunds of earned documents are frequent. */
const documentIdArb = fc.constantFrom('D-1', 'D-2', 'D-3')
const spendDocumentArb = fc.record({
  category: fc.constantFrom(...spendCategories),
  documentId: documentIdArb,
})
const awardDocumentArb = fc.record({
  category: fc.constantFrom(...awardCategories),
  documentId: documentIdArb,
})
const anyDocumentArb = fc.oneof(spendDocumentArb, awardDocumentArb)

export interface LoyaltyCommandOptions {
  /** The level names enrolment may use; the policy's by default. */
  readonly levels?: ReadonlyArray<string>
  /**
   * The policy whose bounds the commands aim at (default `defaultLoyaltyPolicy`): times 1 ms either side of the
   * moments its periods end (pending days, lot lifetime, the review and its notice and grace periods,
   * counted from `loyaltyAnchorInstants`), spend around the minimum and around each level's minimum, top-ups
   * around each prepaid level.
   */
  readonly policy?: LoyaltyPolicy
}

/** Moments the commands often happen at, so the periods that start there end at known moments. */
export const loyaltyAnchorInstants: ReadonlyArray<Instant> = [
  '2026-01-01T00:00:00.000Z',
  '2026-02-01T00:00:00.000Z',
  '2026-03-01T09:00:00.000Z',
].map((text) => instantOf(Date.parse(text)))

/** `bound - 1`, `bound` and `bound + 1` of every bound, kept within `min`. */
const around = (bounds: ReadonlyArray<number>, min: number): ReadonlyArray<number> =>
  [...new Set(bounds.flatMap((b) => [b - 1, b, b + 1]))].filter((n) => n >= min)

/**
 * Instants at and 1 ms either side of the end of each period of the policy, counted from each anchor:
 * a pending lot's release, a lot's expiry, the qualifying window, the review, the notice before it and the
 * grace after it (docs/domain.md §4, §5).
 */
export const loyaltyBoundaryInstantArb = (
  policy: LoyaltyPolicy = defaultLoyaltyPolicy,
): fc.Arbitrary<string> => {
  const { levels } = policy
  const pendingDays = Object.values(policy.pending).flatMap((rule) =>
    rule.kind === 'days' ? [rule.days] : [],
  )
  const ends = loyaltyAnchorInstants.flatMap((anchor) => {
    const review = monthsLater(policy, anchor, levels.reviewEveryMonths)
    return [
      anchor,
      ...pendingDays.map((days) => addElapsedDays(anchor, days)),
      monthsLater(policy, anchor, policy.lotLifetimeMonths),
      monthsLater(policy, anchor, levels.qualifyingWindowMonths),
      review,
      addElapsedDays(review, -levels.noticeDays),
      addElapsedDays(review, levels.graceDays),
    ]
  })
  return fc
    .tuple(fc.constantFrom(...ends), fc.constantFrom(-1, 0, 1))
    .map(([end, ms]) => new Date(Date.parse(end) + ms).toISOString())
}

/** Mostly any time; often an anchor or a moment a period of the policy ends. */
const atArb = (policy: LoyaltyPolicy): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: loyaltyInstantArb },
    { weight: 1, arbitrary: fc.constantFrom(...loyaltyAnchorInstants) },
    { weight: 2, arbitrary: loyaltyBoundaryInstantArb(policy) },
  )

/** A loyalty command as JSON brings it, before its codec checked it. */
export interface LoyaltyCommandInput {
  readonly type: string
  readonly data: Readonly<Record<string, unknown>>
}

/** Raw commands, as JSON would bring them, all well-formed; the rules may still refuse them. */
export const loyaltyCommandInputArb = (
  options: LoyaltyCommandOptions = {},
): fc.Arbitrary<LoyaltyCommandInput> => {
  const policy = options.policy ?? defaultLoyaltyPolicy
  const levels = options.levels ?? policy.levels.tiers.map((tier) => tier.name)
  // Spend at the minimum, and spend whose points at ×1 reach a level's minimum (1 point per yuan).
  const pointMinima =
    policy.levels.basis === 'qualifying-points' ? policy.levels.tiers.map((t) => t.minimum) : []
  const amountArb = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 3_000_000 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        ...around([policy.minimumSpendFen], 1),
        ...around(
          pointMinima.map((p) => p * 100),
          1,
        ).filter((fen) => fen > 100),
      ),
    },
  )
  const prepaidMinima = policy.levels.basis === 'prepaid' ? policy.levels.tiers.map((t) => t.minimum) : []
  const topUpArb =
    prepaidMinima.length === 0
      ? fc.integer({ min: 1, max: 5_000_000 })
      : fc.oneof(fc.integer({ min: 1, max: 5_000_000 }), fc.constantFrom(...around(prepaidMinima, 1)))
  const levelArb = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...levels) },
    { weight: 1, arbitrary: fc.constant('diamond') },
  )
  const common = { memberId: fc.constant(loyaltyMemberId), at: atArb(policy), by: actorArb }
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('EnrolMember'),
        data: fc.record({
          customerId: fc.constant('cust-1'),
          cardNumber: fc.constant('VIP-1'),
          level: levelArb,
          ...common,
        }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('SuspendMember'),
        data: fc.record({ reason: fc.constant('dispute'), ...common }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('ResumeMember'), data: fc.record(common) }) },
    {
      weight: 8,
      arbitrary: fc.record({
        type: fc.constant('EarnPointsForSpend'),
        data: fc.record({
          document: spendDocumentArb,
          amountFen: amountArb,
          ...common,
        }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('AwardPoints'),
        data: fc.record({
          document: awardDocumentArb,
          points: fc.integer({ min: 1, max: 20_000 }),
          ...common,
        }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('ReleasePendingPoints'),
        data: fc.record({ document: anyDocumentArb, ...common }),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('RedeemPoints'),
        data: fc.record({
          redemptionId: fc.constantFrom('R-1', 'R-2', 'R-3', 'R-4'),
          reward: fc.constantFrom(...redemptionRewards),
          points: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 30_000 })),
          reference: fc.constant('voucher'),
          ...common,
        }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('RefundDocument'),
        data: fc.record({ document: anyDocumentArb, reason: fc.constant('returned'), ...common }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('TopUpPrepaid'),
        data: fc.record({
          amountFen: topUpArb,
          reference: fc.constant('receipt'),
          ...common,
        }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('SpendPrepaid'),
        data: fc.record({
          amountFen: fc.integer({ min: 1, max: 2_000_000 }),
          reference: fc.constant('RO'),
          ...common,
        }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('RefundPrepaid'),
        data: fc.record({
          amountFen: fc.integer({ min: 1, max: 2_000_000 }),
          reference: fc.constant('refund'),
          ...common,
        }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('RequestExitStatement'), data: fc.record(common) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('ConfirmExit'),
        data: fc.record({ prepaidRefundReference: fc.constant('exit-refund'), ...common }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('EvaluateMember'),
        data: fc.record({ memberId: fc.constant(loyaltyMemberId), at: atArb(policy), by: schedulerArb }),
      }),
    },
  )
}

/** Typed commands, valid and invalid for the rules alike (the codecs accept them all). */
export const loyaltyCommandArb = (options: LoyaltyCommandOptions = {}): fc.Arbitrary<LoyaltyCommand> =>
  loyaltyCommandInputArb(options).map(decodedAs(LoyaltyCommand))

/** Enrolment first, then any commands: sequences that reach the interesting states. */
export const loyaltyCommandsArb = (options: LoyaltyCommandOptions & { readonly maxLength?: number } = {}) =>
  fc
    .tuple(
      fc
        .record({
          type: fc.constant('EnrolMember'),
          data: fc.record({
            memberId: fc.constant(loyaltyMemberId),
            customerId: fc.constant('cust-1'),
            cardNumber: fc.constant('VIP-1'),
            level: fc.constantFrom(...(options.levels ?? ['standard'])),
            at: fc.constant('2026-01-01T00:00:00Z'),
            by: actorArb,
          }),
        })
        .map(decodedAs(LoyaltyCommand)),
      fc.array(loyaltyCommandArb(options), { minLength: 1, maxLength: options.maxLength ?? 40, size: 'max' }),
    )
    .map(([first, rest]) => [first, ...rest])

const corruptions: ReadonlyArray<{ readonly field: string; readonly value: unknown }> = [
  { field: 'at', value: '2026-13-45' },
  { field: 'at', value: 1_700_000_000_000 },
  { field: 'by', value: { id: '', role: 'clerk' } },
  { field: 'amountFen', value: 12.5 },
  { field: 'amountFen', value: -100 },
  { field: 'points', value: 0 },
  { field: 'document', value: { category: 'lottery', documentId: 'D-1' } },
  { field: 'redemptionId', value: '' },
  { field: 'level', value: 7 },
  { field: 'memberId', value: 'member 1' },
  { field: 'by', value: { id: 'clerk-1', role: 'janitor' } },
  { field: 'at', value: '2026-03-01T09:00:00' },
]

/** Malformed input: a well-formed command with one field broken; the codecs must refuse it. */
export const malformedLoyaltyCommandArb: fc.Arbitrary<{
  readonly raw: LoyaltyCommandInput
  readonly field: string
}> = fc
  .tuple(loyaltyCommandInputArb(), fc.constantFrom(...corruptions))
  .filter(([raw, c]) => c.field in raw.data)
  .map(([raw, c]) => ({ raw: { ...raw, data: { ...raw.data, [c.field]: c.value } }, field: c.field }))

/** Policies across the choices docs/domain.md §4 and §5 leave open. */
export const loyaltyPolicyArb: fc.Arbitrary<LoyaltyPolicy> = fc
  .record({
    basis: fc.constantFrom('qualifying-points' as const, 'prepaid' as const),
    evaluation: fc.constantFrom('real-time' as const, 'anniversary' as const),
    downgrade: fc.constantFrom('none' as const, 'one-level' as const, 'recompute' as const),
    refundShortfall: fc.constantFrom('debt' as const, 'write-off' as const),
    graceDays: fc.integer({ min: 0, max: 90 }),
    noticeDays: fc.integer({ min: 0, max: 60 }),
    lotLifetimeMonths: fc.integer({ min: 1, max: 36 }),
    minimumSpendFen: fc.integer({ min: 0, max: 100_00 }),
  })
  .map((p) => ({
    ...defaultLoyaltyPolicy,
    policyVersion: `generated-${p.basis}-${p.evaluation}-${p.downgrade}-${p.refundShortfall}`,
    minimumSpendFen: p.minimumSpendFen,
    lotLifetimeMonths: p.lotLifetimeMonths,
    refundShortfall: p.refundShortfall,
    levels: {
      ...defaultLoyaltyPolicy.levels,
      basis: p.basis,
      evaluation: p.evaluation,
      downgrade: p.downgrade,
      graceDays: p.graceDays,
      noticeDays: p.noticeDays,
      tiers:
        p.basis === 'prepaid'
          ? defaultLoyaltyPolicy.levels.tiers.map((tier) => ({ ...tier, minimum: tier.minimum * 100 }))
          : defaultLoyaltyPolicy.levels.tiers,
    },
  }))

/** Event histories the decider itself accepted, for projections and custom read models. */
export const loyaltyHistoryArb = (
  policy: LoyaltyPolicy = defaultLoyaltyPolicy,
): fc.Arbitrary<ReadonlyArray<LoyaltyEvent>> =>
  loyaltyCommandsArb({ policy }).map((commands) => {
    const decider = loyaltyDecider(policy)
    const history: LoyaltyEvent[] = []
    let state = decider.initialState
    for (const command of commands) {
      const decision = decider.decide(command, state)
      if (decision._tag === 'Right')
        for (const event of decision.right) {
          state = decider.evolve(state, event)
          history.push(event)
        }
    }
    return history
  })
