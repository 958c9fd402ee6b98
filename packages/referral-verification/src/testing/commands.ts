import { type CommandOf, decodeCommand } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import { isRight } from 'fp-ts/lib/Either.js'
import { ReferralCommand } from '../commands.js'
import { defaultReferralPolicy, type ReferralPolicy } from '../policy.js'

// Commands are generated as the JSON an application receives and decoded, so every generated command passes its
// codec; most are plausible, many are refused by the rules.

/** Records with an ordinary prototype, as JSON.parse makes them, so events compare equal after a round trip. */
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true })

const base = Date.parse('2026-03-01T00:00:00Z')
const HOUR = 3_600_000

/** An instant within the first `days` days of March 2026, on the hour. */
export const referralInstantArb = (days = 40): fc.Arbitrary<string> =>
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
export const referralCustomers = [
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

const customer = fc.constantFrom(...referralCustomers)

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

export interface ReferralCommandOptions {
  /** The referrals commands are aimed at; one by default. */
  readonly referralIds?: ReadonlyArray<string>
  /**
   * The policy whose bounds the times and counts aim at (default `defaultReferralPolicy`): returns and
   * rewards at 1 ms either side of the return window and the hold, wrong answers one either side of the
   * fake threshold, n-th referrals either side of each tier's start.
   */
  readonly policy?: ReferralPolicy
}

/**
 * Where generated deliveries mostly happen (10 March 2026, 15:00 China time, as in the package's fixtures), so
 * later commands can be aimed at their windows.
 */
export const referralDeliveryMoment = '2026-03-10T07:00:00.000Z'

const DAY_MS = 86_400_000

/** Instants 1 ms before, at and 1 ms after `days` after the delivery moment. */
const aroundDaysAfterDelivery = (days: number): fc.Arbitrary<string> =>
  fc
    .constantFrom(-1, 0, 1)
    .map((ms) => new Date(Date.parse(referralDeliveryMoment) + days * DAY_MS + ms).toISOString())

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
export type ReferralCommandInput = CommandOf<string, unknown>

type CommandType = ReferralCommand['type']

/** Raw input of each command type, with its weight among all commands. */
export const commandInputArbs = (
  options: ReferralCommandOptions,
): Record<
  CommandType,
  { readonly weight: number; readonly arbitrary: fc.Arbitrary<ReferralCommandInput> }
> => {
  const referralId = fc.constantFrom(...(options.referralIds ?? ['referral-1']))
  const policy = options.policy ?? defaultReferralPolicy
  const fakeAt = policy.wrongAnswersForFake
  const liveId = fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('referral-1', 'referral-2') },
  )
  const at = referralInstantArb()
  const cmd = <D>(type: string, data: fc.Arbitrary<D>) =>
    data.map((d): ReferralCommandInput => ({ type, data: d }))
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
          at: referralInstantArb(3),
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
          at: fc.oneof(
            { weight: 3, arbitrary: fc.constant(referralDeliveryMoment) },
            { weight: 1, arbitrary: at },
          ),
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
export const referralCommandInputArb = (
  options: ReferralCommandOptions = {},
): fc.Arbitrary<ReferralCommandInput> => fc.oneof(...Object.values(commandInputArbs(options)))

/** Commands, valid and invalid by the rules (every one passes its codec). */
export const referralCommandArb = (options: ReferralCommandOptions = {}): fc.Arbitrary<ReferralCommand> =>
  referralCommandInputArb(options)
    .map((input) => decodeCommand(ReferralCommand, input))
    .filter(isRight)
    .map((decoded) => decoded.right)

/**
 * A random sequence of commands for one referral (`options.referralId`, default `referral-1`), valid and
 * invalid by the rules, aimed at the bounds of `options.policy`.
 */
export const referralCommandsArb = (
  options: {
    readonly referralId?: string
    readonly policy?: ReferralPolicy
    readonly maxLength?: number
  } = {},
): fc.Arbitrary<ReadonlyArray<ReferralCommand>> =>
  fc.array(
    referralCommandArb({
      referralIds: [options.referralId ?? 'referral-1'],
      ...(options.policy === undefined ? {} : { policy: options.policy }),
    }),
    { maxLength: options.maxLength ?? 30 },
  )
