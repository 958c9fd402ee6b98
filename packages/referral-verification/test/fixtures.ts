import {
  decodeCommand,
  describeFieldErrors,
  type Event,
  type EventMetadata,
  fieldErrors,
  Instant,
  keyedHash,
  normalizePhone,
  type RecordedEvent,
} from '@dealer-crm/eventsourcing'
import { deciderSpec, runCommands } from '@dealer-crm/testing'
import type * as t from 'io-ts'
import {
  defaultReferralPolicy,
  ReferralCommand,
  type ReferralEvent,
  ReferralPolicy,
  type ReferralReward,
  type ReferralRewardTier,
  referralDecider,
} from '../src/index.js'

/** Decode a command as the application would receive it; a fixture that does not decode is a broken test. */
export const command = (raw: unknown): ReferralCommand => {
  const decoded = decodeCommand(ReferralCommand, raw)
  if (decoded._tag === 'Left') throw decoded.left
  return decoded.right
}

/** An instant as the application would pass it (ISO 8601 with an offset, decoded to UTC). */
export const instant = (text: string): Instant => {
  const decoded = Instant.decode(text)
  if (decoded._tag === 'Left') throw new Error(`not an instant: ${text}`)
  return decoded.right
}

/** The default policy with some settings changed, through the policy's codec. */
export const policyWith = (changes: Partial<t.OutputOf<typeof ReferralPolicy>>): ReferralPolicy => {
  const decoded = ReferralPolicy.decode({ ...defaultReferralPolicy, ...changes })
  if (decoded._tag === 'Left') throw new Error(describeFieldErrors(fieldErrors(decoded.left)))
  return decoded.right
}

/** The events the decider accepts for these commands, each after the ones before. */
export const historyUnder =
  (policy: ReferralPolicy) =>
  (...commands: ReadonlyArray<ReferralCommand>): ReadonlyArray<ReferralEvent> => {
    const steps = runCommands(referralDecider(policy), commands)
    const rejected = steps.find((s) => !s.outcome.ok)
    if (rejected !== undefined && !rejected.outcome.ok)
      throw new Error(`fixture ${rejected.command.type} was rejected: ${rejected.outcome.error.message}`)
    return steps.at(-1)?.history ?? []
  }

export const historyOf = historyUnder(defaultReferralPolicy)

/** The decider under the default policy, and its given/when/then spec. */
export const decider = referralDecider()
export const spec = deciderSpec(decider)

const secret = 'test-dealer-secret'
export const phoneHash = (phone: string) => keyedHash(secret, normalizePhone(phone))

export const consultant = { id: 'consultant-wang', role: 'sales-consultant' }
export const dutyManager = { id: 'duty-manager-liu', role: 'duty-manager' }
export const showroomManager = { id: 'showroom-manager-chen', role: 'showroom-manager' }
export const caller = { id: 'call-back-zhou', role: 'call-back-staff' }
export const salesManager = { id: 'sales-manager-he', role: 'sales-manager' }

export const zhangSan = {
  customerId: 'customer-zhang-san',
  name: '张三',
  phone: '138 0013 8000',
  phoneHash: phoneHash('138 0013 8000'),
  vehicle: { model: 'Sagitar', colour: 'white', gearbox: 'automatic' },
}
export const liSi = {
  customerId: 'customer-li-si',
  name: '李四',
  phone: '+86 139-0013-9000',
  phoneHash: phoneHash('+86 139-0013-9000'),
  purchase: { model: 'Golf', colour: 'red', gearbox: 'manual' },
}

export const referralId = 'referral-0001'

export const register = (overrides: Record<string, unknown> = {}) =>
  command({
    type: 'RegisterReferral',
    data: {
      referralId,
      referee: liSi,
      referrer: zhangSan,
      reportedBy: consultant,
      registeredBy: dutyManager,
      refereeDeliveredAt: null,
      refereeLiveReferralId: null,
      at: '2026-03-01T10:00:00+08:00',
      ...overrides,
    },
  })

export const screen = (ownersReferral = true, referrerHelped = true) =>
  command({
    type: 'ScreenReferral',
    data: { referralId, by: consultant, ownersReferral, referrerHelped, at: '2026-03-01T11:00:00+08:00' },
  })

export const checkAtDelivery = (licenceMatches = true, by: unknown = showroomManager) =>
  command({
    type: 'CheckAtDelivery',
    data: { referralId, by, licenceMatches, at: '2026-03-10T15:00:00+08:00' },
  })

export const blackJetta = {
  kind: 'false-statement',
  asserted: { model: 'Jetta', colour: 'black', gearbox: null },
}

export const seedQuestions = [
  { kind: 'ask', topic: 'workplace' },
  { kind: 'ask', topic: 'how-they-know-each-other' },
  blackJetta,
]

export const scheduleCallBack = (overrides: Record<string, unknown> = {}) =>
  command({
    type: 'ScheduleCallBack',
    data: {
      referralId,
      by: caller,
      verifierId: caller.id,
      draw: { callee: 'referee', questions: seedQuestions },
      at: '2026-03-11T09:00:00+08:00',
      ...overrides,
    },
  })

export const answers = (
  answers: ReadonlyArray<'right' | 'wrong'>,
  verifier: unknown = caller,
  at = '2026-03-11T09:10:00+08:00',
) =>
  command({
    type: 'RecordCallBackAnswers',
    data: { referralId, verifier, answers, at },
  })

export const unreachable = (at = '2026-03-11T09:10:00+08:00', verifier: unknown = caller) =>
  command({ type: 'RecordCallBackUnreachable', data: { referralId, verifier, at } })

export const releaseReward = (
  kind = 'gift',
  standing: unknown = { successfulReferralsBefore: 0, blocked: false },
  at = '2026-03-12T10:00:00+08:00',
) =>
  command({
    type: 'ReleaseReward',
    data: { referralId, by: showroomManager, kind, referrerStanding: standing, at },
  })

export const saleReturned = (at = '2026-03-20T10:00:00+08:00', outcome = 'returned') =>
  command({ type: 'RecordSaleReturned', data: { referralId, by: showroomManager, outcome, at } })

export const reopen = (by: unknown = salesManager, refereeLiveReferralId: string | null = null) =>
  command({
    type: 'ReopenReferral',
    data: {
      referralId,
      by,
      reason: 'the referee called back to say he misheard',
      refereeLiveReferralId,
      at: '2026-03-12T09:00:00+08:00',
    },
  })

export const closeReview = (by: unknown = salesManager) =>
  command({
    type: 'CloseManualReview',
    data: {
      referralId,
      by,
      reason: 'three calls and a visit: the referrer cannot be reached; no reward',
      at: '2026-03-20T09:00:00+08:00',
    },
  })

/** Up to the passed delivery check: the referral waits for its call-back. */
export const delivered = () => historyOf(register(), screen(), checkAtDelivery())
export const callBackScheduled = () => historyOf(register(), screen(), checkAtDelivery(), scheduleCallBack())
export const verified = () =>
  historyOf(register(), screen(), checkAtDelivery(), scheduleCallBack(), answers(['right', 'right', 'right']))
export const faked = () =>
  historyOf(register(), screen(), checkAtDelivery(), scheduleCallBack(), answers(['wrong', 'right', 'wrong']))

export const paid = () =>
  historyOf(
    register(),
    screen(),
    checkAtDelivery(),
    scheduleCallBack(),
    answers(['right', 'right', 'right']),
    releaseReward('cash-back'),
  )
/** A faked referral a manager reopened: it waits for a new call-back, its fine and block standing. */
export const reopenedFake = () =>
  historyOf(
    register(),
    screen(),
    checkAtDelivery(),
    scheduleCallBack(),
    answers(['wrong', 'right', 'wrong']),
    reopen(),
  )
export const inconclusive = () =>
  historyOf(
    register(),
    screen(),
    checkAtDelivery(),
    scheduleCallBack(),
    unreachable(),
    unreachable(),
    unreachable(),
  )

/** Recorded events for projections: the store's metadata around the domain events, in order. */
export const recorded = <E extends Event>(
  events: ReadonlyArray<E>,
  streamName = `referral-${referralId}`,
  recordedAt = new Date('2026-03-01T02:00:00Z'),
  startPosition = 1,
): ReadonlyArray<RecordedEvent<E>> =>
  events.map((event, index) => {
    const metadata: EventMetadata = {
      eventId: `event-${streamName}-${index + startPosition}`,
      streamName,
      streamPosition: index + startPosition,
      globalPosition: BigInt(index + startPosition),
      committedAt: recordedAt,
      recordedAt,
      schemaVersion: 1,
      correlationId: null,
      causationId: null,
      commandId: null,
      actor: null,
      prevHash: '',
      hash: '',
    }
    return { ...event, metadata }
  })

/** The reward is no more than the tier allows for its kind. */
export const withinTier = (reward: ReferralReward, tier: ReferralRewardTier): boolean => {
  switch (reward.kind) {
    case 'gift':
      return reward.valueFen <= tier.giftFen
    case 'cash-back':
      return reward.valueFen <= tier.cashBackFen
    case 'purchase-voucher':
      return reward.valueFen <= tier.purchaseVoucherFen
    case 'loyalty-points':
      return reward.points <= tier.loyaltyPoints
  }
}

// Referrals of one referrer, as the projection tests read them.

export const wangWu = {
  customerId: 'customer-wang-wu',
  name: '王五',
  phone: '13700137000',
  phoneHash: 'c'.repeat(64),
  purchase: { model: 'Passat', colour: 'black', gearbox: null },
}
export const zhaoLiu = {
  ...wangWu,
  customerId: 'customer-zhao-liu',
  name: '赵六',
  phone: '13600136000',
  phoneHash: 'd'.repeat(64),
}
export const otherConsultant = { id: 'consultant-sun', role: 'sales-consultant' }

/** The fixture's commands, aimed at another referral. */
export const aimedAt = (referralId: string, c: ReferralCommand) =>
  command({ ...c, data: { ...c.data, referralId } })

export const upToTheCall = (referralId: string, referee: object, reportedBy: object = consultant) => [
  register({ referralId, referee, reportedBy }),
  screen(),
  checkAtDelivery(),
  scheduleCallBack(),
]

export const historyFor = (referralId: string, ...commands: ReadonlyArray<ReferralCommand>) =>
  historyOf(...commands.map((c) => aimedAt(referralId, c)))

// Four referrals by Zhang San: A paid, B faked, C unreachable three times, D paid then the sale came back.
export const referralA = historyFor(
  'referral-a',
  ...upToTheCall('referral-a', liSi),
  answers(['right', 'right', 'right']),
  releaseReward('cash-back'),
)
export const referralB = historyFor(
  'referral-b',
  ...upToTheCall('referral-b', wangWu, otherConsultant),
  answers(['wrong', 'wrong', 'right']),
)
export const referralC = historyFor(
  'referral-c',
  ...upToTheCall('referral-c', zhaoLiu),
  unreachable(),
  unreachable(),
  unreachable(),
)
export const referralD = historyFor(
  'referral-d',
  ...upToTheCall('referral-d', { ...liSi, customerId: 'customer-li-si-2', phoneHash: 'e'.repeat(64) }),
  answers(['right', 'wrong', 'right']),
  releaseReward('loyalty-points'),
  saleReturned(),
)

export const reopenB = command({
  type: 'ReopenReferral',
  data: {
    referralId: 'referral-b',
    by: { id: 'sales-manager-he', role: 'sales-manager' },
    reason: 'the referee misheard the question',
    refereeLiveReferralId: null,
    at: '2026-03-12T09:00:00+08:00',
  },
})

export const referralBReopened = historyFor(
  'referral-b',
  ...upToTheCall('referral-b', wangWu, otherConsultant),
  answers(['wrong', 'wrong', 'right']),
  reopenB,
)

/** Referral B faked, reopened and called back again: these answers overturn or confirm the fake. */
export const referralBCalledAgain = (second: ReadonlyArray<'right' | 'wrong'>) =>
  historyFor(
    'referral-b',
    ...upToTheCall('referral-b', wangWu, otherConsultant),
    answers(['wrong', 'wrong', 'right']),
    reopenB,
    scheduleCallBack(),
    answers(second),
  )

export const storedStreams = (
  ...streams: ReadonlyArray<ReadonlyArray<ReferralEvent>>
): ReadonlyArray<RecordedEvent<ReferralEvent>> => {
  let position = 1
  return streams.flatMap((events) => {
    const first = events[0]
    const id = first === undefined ? 'empty' : first.data.referralId
    const stored = recorded(events, `referral-${id}`, undefined, position)
    position += events.length
    return stored
  })
}

export const fourReferrals = storedStreams(referralA, referralB, referralC, referralD)
