import { decodeCommand } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import type * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  AwardPoints,
  ConfirmExit,
  EarnPointsForSpend,
  EnrolMember,
  EvaluateMember,
  LoyaltyCommand,
  RedeemPoints,
  RefundDocument,
  RefundPrepaid,
  ReleasePendingPoints,
  RequestExitStatement,
  ResumeMember,
  SpendPrepaid,
  SuspendMember,
  TopUpPrepaid,
} from '../src/commands.js'
import { loyaltyEvents } from '../src/events.js'
import { loyaltyHistoryArb, malformedLoyaltyCommandArb } from '../src/testing.js'
import {
  award,
  clerk,
  doc,
  earn,
  enrol,
  evaluate,
  memberId,
  redeem,
  refund,
  release,
  scheduler,
  topUp,
} from './fixtures.js'

const pathsOf = (codec: t.Mixed, input: unknown): ReadonlyArray<string> => {
  const result = decodeCommand(codec, input)
  if (result._tag === 'Right') throw new Error(`accepted malformed input ${JSON.stringify(input)}`)
  expect(result.left.message).toContain('is malformed')
  return result.left.errors.map((e) => e.path)
}

/** EvaluateMember as JSON brings it, before its codec checked it. */
const rawEvaluate = (at: string) => ({ type: 'EvaluateMember', data: { memberId, at, by: scheduler } })

const broken = (command: { type: string; data: object }, field: string, value: unknown) => ({
  ...command,
  data: { ...command.data, [field]: value },
})

describe('bad input is rejected with field-path messages (ARCHITECTURE.md: validation at every boundary)', () => {
  it('EnrolMember: empty card number, time without zone', () => {
    expect(pathsOf(EnrolMember, broken(enrol(), 'cardNumber', ''))).toEqual(['data.cardNumber'])
    expect(pathsOf(EnrolMember, broken(enrol(), 'at', '2026-01-10 09:00'))).toEqual(['data.at'])
  })

  it('SuspendMember and ResumeMember: missing reason, actor without id', () => {
    expect(
      pathsOf(SuspendMember, {
        type: 'SuspendMember',
        data: { memberId, at: '2026-01-10T09:00:00Z', by: clerk },
      }),
    ).toEqual(['data.reason'])
    expect(
      pathsOf(ResumeMember, {
        type: 'ResumeMember',
        data: { memberId, at: '2026-01-10T09:00:00Z', by: { role: 'cashier' } },
      }),
    ).toEqual(['data.by.id'])
  })

  it('EarnPointsForSpend: money as a float or negative, unknown category', () => {
    expect(pathsOf(EarnPointsForSpend, broken(earn('repair-order', 'RO-1', 100), 'amountFen', 99.5))).toEqual(
      ['data.amountFen'],
    )
    expect(pathsOf(EarnPointsForSpend, broken(earn('repair-order', 'RO-1', 100), 'amountFen', -1))).toEqual([
      'data.amountFen',
    ])
    expect(
      pathsOf(
        EarnPointsForSpend,
        broken(earn('repair-order', 'RO-1', 100), 'document', { category: 'goodwill', documentId: 'G-1' }),
      ),
    ).toEqual(['data.document.category'])
  })

  it('AwardPoints: zero points', () => {
    expect(pathsOf(AwardPoints, broken(award('goodwill', 'G-1', 10), 'points', 0))).toEqual(['data.points'])
  })

  it('ReleasePendingPoints and RefundDocument: empty document id', () => {
    const noId = { category: 'vehicle-purchase', documentId: '' }
    expect(
      pathsOf(ReleasePendingPoints, broken(release(doc('vehicle-purchase', 'X')), 'document', noId)),
    ).toEqual(['data.document.documentId'])
    expect(pathsOf(RefundDocument, broken(refund(doc('vehicle-purchase', 'X')), 'document', noId))).toEqual([
      'data.document.documentId',
    ])
  })

  it('RedeemPoints: unknown reward, points as text', () => {
    expect(pathsOf(RedeemPoints, broken(redeem('R-1', 10), 'reward', 'cash'))).toEqual(['data.reward'])
    expect(pathsOf(RedeemPoints, broken(redeem('R-1', 10), 'points', '10'))).toEqual(['data.points'])
  })

  it('prepaid: fen as a float, no reference', () => {
    expect(pathsOf(TopUpPrepaid, broken(topUp(100), 'amountFen', 1.5))).toEqual(['data.amountFen'])
    expect(
      pathsOf(SpendPrepaid, {
        type: 'SpendPrepaid',
        data: { memberId, amountFen: 100, at: '2026-01-10T09:00:00Z', by: clerk },
      }),
    ).toEqual(['data.reference'])
    expect(
      pathsOf(RefundPrepaid, {
        type: 'RefundPrepaid',
        data: { memberId, amountFen: 0, reference: 'r', at: 'x', by: clerk },
      }),
    ).toEqual(['data.amountFen', 'data.at'])
  })

  it('exit and evaluation: missing fields, a date that does not exist', () => {
    expect(
      pathsOf(RequestExitStatement, { type: 'RequestExitStatement', data: { memberId, by: clerk } }),
    ).toEqual(['data.at'])
    expect(
      pathsOf(ConfirmExit, {
        type: 'ConfirmExit',
        data: { memberId, at: '2026-01-10T09:00:00Z', by: clerk },
      }),
    ).toEqual(['data.prepaidRefundReference'])
    expect(pathsOf(EvaluateMember, rawEvaluate('2026-02-30T25:00:00Z'))).toEqual(['data.at'])
    expect(pathsOf(EvaluateMember, rawEvaluate('2026-02-30T10:00:00Z'))).toEqual(['data.at'])
    expect(EvaluateMember.is(evaluate('2028-02-29T10:00:00.123Z'))).toBe(true)
  })

  it('the message names the field and says what was expected', () => {
    const result = decodeCommand(
      EarnPointsForSpend,
      broken(earn('repair-order', 'RO-1', 100), 'amountFen', 99.5),
    )
    expect(result._tag === 'Left' && result.left.message).toContain(
      'data.amountFen: expected an amount in fen',
    )
  })

  it('any command with one field broken is rejected, naming that field', () => {
    fc.assert(
      fc.property(malformedLoyaltyCommandArb, ({ raw, field }) => {
        const result = LoyaltyCommand.decode(raw)
        expect(result._tag).toBe('Left')
        const type = (raw as { type: keyof typeof codecs }).type
        const paths = pathsOf(codecs[type], raw)
        expect(paths.some((p) => p === `data.${field}` || p.startsWith(`data.${field}.`))).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('every event the decider emits round-trips through its registered codec as JSON', () => {
    fc.assert(
      fc.property(loyaltyHistoryArb(), (history) => {
        for (const event of history) {
          const registered = loyaltyEvents.get(event.type)
          if (registered === undefined) throw new Error(`${event.type} is not registered`)
          const stored: unknown = JSON.parse(JSON.stringify(registered.codec.encode(event.data)))
          expect(registered.decodeVersion(1, stored)).toEqual({ _tag: 'Right', right: event.data })
        }
      }),
      { numRuns: 100 },
    )
  })
})

const codecs = {
  EnrolMember,
  SuspendMember,
  ResumeMember,
  EarnPointsForSpend,
  AwardPoints,
  ReleasePendingPoints,
  RedeemPoints,
  RefundDocument,
  TopUpPrepaid,
  SpendPrepaid,
  RefundPrepaid,
  RequestExitStatement,
  ConfirmExit,
  EvaluateMember,
}
