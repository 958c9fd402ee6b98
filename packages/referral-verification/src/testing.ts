import fc from 'fast-check'
import { isRight } from 'fp-ts/lib/Either.js'
import { decodeReferralCommand, type ReferralCommand } from './commands.js'
import { decide } from './decide.js'
import type { ReferralEvent } from './events.js'
import { defaultReferralPolicy, type ReferralPolicy } from './policy.js'
import { evolve, initialState } from './state.js'

/**
 * fast-check arbitraries for the referral process, for property tests against your own policies
 * (ARCHITECTURE.md, "property-test the rules"). Commands are generated as the JSON an application receives
 * and decoded, so every generated command passes its codec; most are plausible, many are refused by the rules.
 */

/** Records with an ordinary prototype, as JSON.parse makes them, so events compare equal after a round trip. */
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true })

const base = Date.parse('2026-03-01T00:00:00Z')
const HOUR = 3_600_000

/** An instant within the first `days` days of March 2026, on the hour. */
export const atArbitrary = (days = 40): fc.Arbitrary<string> =>
  fc.integer({ min: 0, max: days * 24 }).map((h) => new Date(base + h * HOUR).toISOString())

const staff = {
  seller: { id: 'staff-seller', role: 'sales-consultant' },
  otherConsultant: { id: 'staff-consultant-2', role: 'sales-consultant' },
  dutyManager: { id: 'staff-duty-manager', role: 'duty-manager' },
  showroomManager: { id: 'staff-showroom-manager', role: 'showroom-manager' },
  caller: { id: 'staff-caller', role: 'call-back-staff' },
  salesManager: { id: 'staff-sales-manager', role: 'sales-manager' },
}

const anyStaff = fc.constantFrom(...Object.values(staff))
const staffOr = (preferred: (typeof staff)[keyof typeof staff]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(preferred) }, { weight: 1, arbitrary: anyStaff })

/** Customers with a fixed phone and its keyed hash (a stand-in hex value: hashing is the application's job). */
export const customers = [
  {
    customerId: 'customer-zhang-san',
    name: '张三',
    phone: '13800138000',
    phoneHash: 'a'.repeat(64),
    vehicle: { model: 'Sagitar', colour: 'white', gearbox: 'automatic' },
  },
  {
    customerId: 'customer-li-si',
    name: '李四',
    phone: '13900139000',
    phoneHash: 'b'.repeat(64),
    vehicle: { model: 'Golf', colour: 'red', gearbox: 'manual' },
  },
  {
    customerId: 'customer-wang-wu',
    name: '王五',
    phone: '13700137000',
    phoneHash: 'c'.repeat(64),
    vehicle: { model: 'Passat', colour: 'black', gearbox: null },
  },
] as const

const customer = fc.constantFrom(...customers)

/** A mainland mobile number in its normal form: 1[3-9] and nine more digits. */
export const mainlandMobileArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/))
  .map(([second, rest]) => `1${second}${rest}`)

const fullWidth = (s: string) =>
  s.replace(/[\d+\-() ]/g, (c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))

/**
 * One number as people write it (docs/domain.md §5 Referrals: phones are compared normalised): with or
 * without +86 / 0086, spaces, dashes, parentheses, in full-width characters. `normalizePhone` gives back
 * the number.
 */
export const phoneNotationArbitrary = (phone: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('', '+86', '+86 ', '0086', '0086-', '86 '),
      fc.constantFrom('', ' ', '-', '\u2014'),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([prefix, separator, parenthesised, wide]) => {
      const head = parenthesised ? `(${phone.slice(0, 3)})` : phone.slice(0, 3)
      const written = `${prefix}${head}${separator}${phone.slice(3, 7)}${separator}${phone.slice(7)}`
      return wide ? fullWidth(written) : written
    })

const questionInput = fc.oneof(
  record({
    kind: fc.constant('ask'),
    topic: fc.constantFrom('workplace', 'home-area', 'business', 'how-they-know-each-other'),
  }),
  fc.constant({ kind: 'confirm-vehicle' }),
  record({
    kind: fc.constant('false-statement'),
    asserted: record({
      model: fc.constantFrom('Jetta', 'Golf', 'Sagitar', null),
      colour: fc.constantFrom('black', 'white', 'red', null),
      gearbox: fc.constantFrom('automatic', 'manual', null),
    }),
  }),
)

const seedQuestions = [
  { kind: 'ask', topic: 'workplace' },
  { kind: 'ask', topic: 'how-they-know-each-other' },
  { kind: 'false-statement', asserted: { model: 'Jetta', colour: 'black', gearbox: null } },
]

export interface CommandInputOptions {
  /** The referrals commands are aimed at; one by default. */
  readonly referralIds?: ReadonlyArray<string>
  /**
   * The policy whose bounds the times and counts aim at (default `defaultReferralPolicy`): returns and
   * rewards at 1 ms either side of the return window and the hold, wrong answers one either side of the
   * fake threshold, n-th referrals either side of each tier's start.
   */
  readonly policy?: ReferralPolicy
}

/** Where generated deliveries mostly happen (10 March 2026, 15:00 China time, as in the package's fixtures), so later commands can be aimed at their windows. */
export const deliveryMoment = '2026-03-10T07:00:00.000Z'

const DAY_MS = 86_400_000

/** Instants 1 ms before, at and 1 ms after `days` after the delivery moment. */
const aroundDaysAfterDelivery = (days: number): fc.Arbitrary<string> =>
  fc
    .constantFrom(-1, 0, 1)
    .map((ms) => new Date(Date.parse(deliveryMoment) + days * DAY_MS + ms).toISOString())

/** Mostly the bounds themselves (one either side and the bound), now and then anything in range. */
const nearBounds = (bounds: ReadonlyArray<number>, min: number, max: number): fc.Arbitrary<number> => {
  const near = [...new Set(bounds.flatMap((b) => [b - 1, b, b + 1]))].filter((n) => n >= min && n <= max)
  return near.length === 0
    ? fc.integer({ min, max })
    : fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...near) },
        { weight: 1, arbitrary: fc.integer({ min, max }) },
      )
}

/** `length` answers of which `wrong` (clamped to the length) are wrong, in a random order. */
const answersWith = (length: number, wrong: fc.Arbitrary<number>): fc.Arbitrary<ReadonlyArray<string>> =>
  fc.tuple(wrong, fc.array(fc.nat(), { minLength: length, maxLength: length })).map(([w, order]) =>
    order
      .map((key, i) => ({ key, answer: i < Math.min(w, length) ? 'wrong' : 'right' }))
      .sort((a, b) => a.key - b.key)
      .map((a) => a.answer),
  )

/** A command as JSON, before decoding. */
export interface CommandInput {
  readonly type: string
  readonly data: unknown
}

type CommandType = ReferralCommand['type']

/** Raw input of each command type, with its weight among all commands. */
const commandInputArbitraries = (
  options: CommandInputOptions,
): Record<CommandType, { readonly weight: number; readonly arbitrary: fc.Arbitrary<CommandInput> }> => {
  const referralId = fc.constantFrom(...(options.referralIds ?? ['referral-1']))
  const policy = options.policy ?? defaultReferralPolicy
  const fakeAt = policy.wrongAnswersForFake
  const liveId = fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('referral-1', 'referral-2') },
  )
  const at = atArbitrary()
  const cmd = <D>(type: string, data: fc.Arbitrary<D>) => data.map((d): CommandInput => ({ type, data: d }))
  return {
    RegisterReferral: {
      weight: 2,
      arbitrary: cmd(
        'RegisterReferral',
        record({
          referralId,
          referee: customer.map(({ vehicle, ...c }) => ({ ...c, purchase: vehicle })),
          referrer: customer,
          reportedBy: staffOr(staff.seller),
          registeredBy: staffOr(staff.dutyManager),
          refereeDeliveredAt: fc.oneof(
            { weight: 4, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: at },
          ),
          refereeLiveReferralId: liveId,
          at: atArbitrary(3),
        }),
      ),
    },
    ScreenReferral: {
      weight: 2,
      arbitrary: cmd(
        'ScreenReferral',
        record({
          referralId,
          by: staffOr(staff.seller),
          ownersReferral: fc.boolean(),
          referrerHelped: fc.oneof(
            { weight: 4, arbitrary: fc.constant(true) },
            { weight: 1, arbitrary: fc.boolean() },
          ),
          at,
        }),
      ),
    },
    CheckAtDelivery: {
      weight: 2,
      arbitrary: cmd(
        'CheckAtDelivery',
        record({
          referralId,
          by: staffOr(staff.showroomManager),
          licenceMatches: fc.oneof(
            { weight: 4, arbitrary: fc.constant(true) },
            { weight: 1, arbitrary: fc.boolean() },
          ),
          at: fc.oneof({ weight: 3, arbitrary: fc.constant(deliveryMoment) }, { weight: 1, arbitrary: at }),
        }),
      ),
    },
    ScheduleCallBack: {
      weight: 3,
      arbitrary: cmd(
        'ScheduleCallBack',
        record({
          referralId,
          by: staffOr(staff.caller),
          verifierId: fc.oneof(
            { weight: 4, arbitrary: fc.constant(staff.caller.id) },
            { weight: 1, arbitrary: fc.constant(staff.seller.id) },
          ),
          draw: record({
            callee: fc.constantFrom('referee', 'referrer'),
            questions: fc.oneof(
              { weight: 3, arbitrary: fc.constant(seedQuestions) },
              { weight: 2, arbitrary: fc.array(questionInput, { minLength: 2, maxLength: 5 }) },
            ),
          }),
          at,
        }),
      ),
    },
    RecordCallBackAnswers: {
      weight: 3,
      arbitrary: cmd(
        'RecordCallBackAnswers',
        record({
          referralId,
          verifier: staffOr(staff.caller),
          answers: fc.oneof(
            { weight: 4, arbitrary: answersWith(3, nearBounds([fakeAt], 0, 3)) },
            {
              weight: 2,
              arbitrary: fc
                .integer({ min: 2, max: 5 })
                .chain((n) => answersWith(n, nearBounds([fakeAt], 0, n))),
            },
            {
              weight: 1,
              arbitrary: fc.array(fc.constantFrom('right', 'wrong'), { minLength: 2, maxLength: 5 }),
            },
          ),
          at,
        }),
      ),
    },
    RecordCallBackUnreachable: {
      weight: 2,
      arbitrary: cmd(
        'RecordCallBackUnreachable',
        record({ referralId, verifier: staffOr(staff.caller), at }),
      ),
    },
    ReleaseReward: {
      weight: 3,
      arbitrary: cmd(
        'ReleaseReward',
        record({
          referralId,
          by: anyStaff,
          kind: fc.constantFrom('gift', 'cash-back', 'purchase-voucher', 'loyalty-points'),
          referrerStanding: record({
            // The n-th successful referral is this one: aim n at each tier's start.
            successfulReferralsBefore: nearBounds(
              policy.rewardTiers.map((t) => t.fromSuccessfulReferral - 1),
              0,
              8,
            ),
            blocked: fc.oneof(
              { weight: 4, arbitrary: fc.constant(false) },
              { weight: 1, arbitrary: fc.boolean() },
            ),
          }),
          at: fc.oneof(
            { weight: 2, arbitrary: at },
            { weight: 1, arbitrary: aroundDaysAfterDelivery(policy.rewardHoldDays) },
          ),
        }),
      ),
    },
    RecordSaleReturned: {
      weight: 1,
      arbitrary: cmd(
        'RecordSaleReturned',
        record({
          referralId,
          by: anyStaff,
          outcome: fc.constantFrom('returned', 'cancelled'),
          at: fc.oneof(
            { weight: 1, arbitrary: at },
            { weight: 2, arbitrary: aroundDaysAfterDelivery(policy.returnWindowDays) },
          ),
        }),
      ),
    },
    ReopenReferral: {
      weight: 1,
      arbitrary: cmd(
        'ReopenReferral',
        record({
          referralId,
          by: staffOr(staff.salesManager),
          reason: fc.constant('manual review after a complaint from the referrer'),
          refereeLiveReferralId: liveId,
          at,
        }),
      ),
    },
    CloseManualReview: {
      weight: 1,
      arbitrary: cmd(
        'CloseManualReview',
        record({
          referralId,
          by: staffOr(staff.salesManager),
          reason: fc.constant('the referrer could not be reached by any means; no reward'),
          at,
        }),
      ),
    },
  }
}

/** Raw command input (JSON as an application receives it) that passes the command codecs. */
export const referralCommandInputArbitrary = (
  options: CommandInputOptions = {},
): fc.Arbitrary<CommandInput> => fc.oneof(...Object.values(commandInputArbitraries(options)))

/** Commands, valid and invalid by the rules (every one passes its codec). */
export const referralCommandArbitrary = (options: CommandInputOptions = {}): fc.Arbitrary<ReferralCommand> =>
  referralCommandInputArbitrary(options)
    .map(decodeReferralCommand)
    .filter(isRight)
    .map((decoded) => decoded.right)

const MISSING = Symbol('missing')

/** One way to break a command, and the field path its refusal must name. */
export interface Breakage {
  readonly type: CommandType
  readonly path: ReadonlyArray<string>
  readonly value: unknown
}

const breakages: ReadonlyArray<Breakage> = [
  { type: 'RegisterReferral', path: ['data', 'referrer', 'phone'], value: '12345' },
  { type: 'RegisterReferral', path: ['data', 'referee', 'phone'], value: 'call me' },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'vehicle', 'colour'], value: '#ffffff' },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'vehicle', 'model'], value: MISSING },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'name'], value: MISSING },
  { type: 'RegisterReferral', path: ['data', 'referrer', 'phoneHash'], value: '13800138000' },
  { type: 'RegisterReferral', path: ['data', 'referee', 'customerId'], value: '' },
  { type: 'RegisterReferral', path: ['data', 'at'], value: 'yesterday' },
  { type: 'ScreenReferral', path: ['data', 'ownersReferral'], value: 'yes' },
  { type: 'ScreenReferral', path: ['data', 'by', 'role'], value: 'janitor' },
  { type: 'CheckAtDelivery', path: ['data', 'licenceMatches'], value: MISSING },
  { type: 'ScheduleCallBack', path: ['data', 'draw', 'callee'], value: 'neighbour' },
  { type: 'ScheduleCallBack', path: ['data', 'verifierId'], value: 42 },
  { type: 'RecordCallBackAnswers', path: ['data', 'answers', '1'], value: 'maybe' },
  { type: 'RecordCallBackUnreachable', path: ['data', 'at'], value: '2026-13-01T00:00:00Z' },
  { type: 'ReleaseReward', path: ['data', 'kind'], value: 'cash' },
  { type: 'ReleaseReward', path: ['data', 'referrerStanding', 'successfulReferralsBefore'], value: -1 },
  { type: 'RecordSaleReturned', path: ['data', 'outcome'], value: 'lost' },
  { type: 'ReopenReferral', path: ['data', 'reason'], value: '   ' },
  { type: 'CloseManualReview', path: ['data', 'by'], value: MISSING },
]

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

const withField = (input: unknown, path: ReadonlyArray<string>, value: unknown): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return value
  if (Array.isArray(input)) return input.map((v, i) => (String(i) === head ? withField(v, rest, value) : v))
  const record: Record<string, unknown> = isRecord(input) ? { ...input } : {}
  if (rest.length === 0 && value === MISSING) delete record[head]
  else record[head] = withField(record[head], rest, value)
  return record
}

/** Malformed input for one breakage: a random command of its type with that one field broken. */
export const malformedCommandInputFor = (
  breakage: Breakage,
): fc.Arbitrary<{ readonly type: string; readonly input: unknown; readonly path: string }> => {
  return commandInputArbitraries({})[breakage.type].arbitrary.map((input) => ({
    type: breakage.type,
    input: withField(input, breakage.path, breakage.value),
    path: breakage.path.join('.'),
  }))
}

/** Malformed command input, with the path of the field its refusal must name. */
export const malformedCommandInputArbitrary: fc.Arbitrary<{
  readonly type: string
  readonly input: unknown
  readonly path: string
}> = fc.constantFrom(...breakages).chain(malformedCommandInputFor)

/**
 * Every way `malformedCommandInputArbitrary` breaks a command, covering every command type: a test that must
 * see each one iterates these with `malformedCommandInputFor` rather than hoping a random draw reaches it.
 */
export const commandBreakages: ReadonlyArray<Breakage> = breakages

/** The command types `commandBreakages` covers. */
export const malformedCommandTypes = [...new Set(breakages.map((b) => b.type))]

/** Policies a dealer might set: fewer or more questions, stricter thresholds, holds, tiers. */
export const referralPolicyArbitrary: fc.Arbitrary<ReferralPolicy> = fc
  .record({
    questionsAtLeast: fc.integer({ min: 1, max: 4 }),
    extraQuestions: fc.integer({ min: 0, max: 2 }),
    falseStatementsAtLeast: fc.integer({ min: 0, max: 2 }),
    wrongAnswersForFake: fc.integer({ min: 1, max: 4 }),
    callBackAttempts: fc.integer({ min: 1, max: 5 }),
    rewardHoldDays: fc.integer({ min: 0, max: 14 }),
    returnWindowDays: fc.integer({ min: 0, max: 60 }),
    fraudPenaltyFen: fc.integer({ min: 0, max: 200_000 }),
    blockReferrerOnFraud: fc.boolean(),
    tierStarts: fc.uniqueArray(fc.integer({ min: 2, max: 10 }), { maxLength: 3 }),
  })
  .map(
    (p): ReferralPolicy => ({
      ...defaultReferralPolicy,
      policyVersion: `generated-${p.questionsAtLeast}-${p.wrongAnswersForFake}-${p.rewardHoldDays}`,
      questionsAtLeast: p.questionsAtLeast,
      questionsAtMost: p.questionsAtLeast + p.extraQuestions,
      falseStatementsAtLeast: Math.min(p.falseStatementsAtLeast, p.questionsAtLeast),
      wrongAnswersForFake: p.wrongAnswersForFake,
      callBackAttempts: p.callBackAttempts,
      rewardHoldDays: p.rewardHoldDays,
      returnWindowDays: p.returnWindowDays,
      fraudPenaltyFen: p.fraudPenaltyFen,
      blockReferrerOnFraud: p.blockReferrerOnFraud,
      rewardTiers: [1, ...p.tierStarts].map((from, i) => ({
        name: `tier-${i + 1}`,
        fromSuccessfulReferral: from,
        giftFen: 10_000 * (i + 1),
        cashBackFen: 20_000 * (i + 1),
        purchaseVoucherFen: 30_000 * (i + 1),
        loyaltyPoints: 1_000 * (i + 1),
      })),
    }),
  )

/** Event histories of one referral: the events the decider accepted for random commands. */
export const referralHistoryArbitrary = (
  policy: ReferralPolicy = defaultReferralPolicy,
): fc.Arbitrary<ReadonlyArray<ReferralEvent>> =>
  fc.array(referralCommandArbitrary(), { maxLength: 30 }).map((commands) => {
    const rules = decide(policy)
    const history: ReferralEvent[] = []
    let state = initialState
    for (const command of commands) {
      const decision = rules(command, state)
      if (decision._tag === 'Left') continue
      for (const event of decision.right) {
        history.push(event)
        state = evolve(state, event)
      }
    }
    return history
  })
