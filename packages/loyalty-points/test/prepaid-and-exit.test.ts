import { deciderSpec, runCommands } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import type { LoyaltyCommand } from '../src/commands.js'
import {
  ExitStatementIssued,
  MemberExited,
  PointsForfeited,
  PrepaidRefunded,
  PrepaidSpent,
  PrepaidToppedUp,
} from '../src/events.js'
import { availablePoints, loyaltyDecider } from '../src/index.js'
import {
  clerk,
  command,
  earn,
  earned,
  enrol,
  enrolled,
  evaluate,
  made,
  redeem,
  refundPrepaid,
  spendPrepaid,
  T0,
  topUp,
} from './fixtures.js'

const decider = loyaltyDecider()

const spec = deciderSpec(decider)
const toppedUp = made(PrepaidToppedUp, { amountFen: 100_000, reference: 'receipt-1', at: T0, by: clerk })
const requestStatement: LoyaltyCommand = command('RequestExitStatement', { at: T0, by: clerk })
const confirmExit: LoyaltyCommand = command('ConfirmExit', {
  prepaidRefundReference: 'bank-transfer-7',
  at: T0,
  by: clerk,
})

describe('prepaid balance (docs/domain.md §4: money, kept apart from points)', () => {
  it('tops up in fen', () => {
    spec.given([enrolled()]).when(topUp(100_000)).then([toppedUp])
  })

  it('spends no more than the balance', () => {
    spec
      .given([enrolled(), toppedUp])
      .when(spendPrepaid(40_000))
      .then([made(PrepaidSpent, { amountFen: 40_000, reference: 'RO-spend', at: T0, by: clerk })])
    spec.given([enrolled(), toppedUp]).when(spendPrepaid(100_001)).thenError('InsufficientPrepaid')
  })

  it('refunds to the member on request', () => {
    spec
      .given([enrolled(), toppedUp])
      .when(refundPrepaid(100_000))
      .then([
        made(PrepaidRefunded, {
          amountFen: 100_000,
          reference: 'refund-1',
          reason: 'member-request',
          at: T0,
          by: clerk,
        }),
      ])
  })

  it('never expires, and spending it earns or costs no points', () => {
    const steps = runCommands(decider, [enrol(), topUp(100_000), evaluate('2031-01-01T00:00:00.000Z')])
    const m = steps[steps.length - 1]?.after
    expect(m?.prepaidFen).toBe(100_000)
    expect(m === undefined ? -1 : availablePoints(m)).toBe(0)
  })
})

describe('exit (docs/domain.md §4 exit costs 退出成本)', () => {
  const lot = earned('RO-1', 800)

  it('states what the member forfeits before the exit', () => {
    spec
      .given([enrolled('silver'), lot, toppedUp])
      .when(requestStatement)
      .then([
        made(ExitStatementIssued, {
          pointsForfeited: 800,
          pendingPointsForfeited: 0,
          debtWrittenOff: 0,
          level: 'silver',
          privilegesCancelled: ['5% off maintenance labour', 'priority service booking'],
          prepaidToRefundFen: 100_000,
          at: T0,
          by: clerk,
        }),
      ])
  })

  it('refuses an exit without a statement', () => {
    spec.given([enrolled(), lot]).when(confirmExit).thenError('NoExitStatement')
  })

  it('refuses an exit whose statement is outdated by a later movement', () => {
    const statement = spec.given([enrolled(), lot]).when(requestStatement).events()
    const spent = spec
      .given([enrolled(), lot, ...statement])
      .when(redeem('R-1', 100))
      .events()
    spec
      .given([enrolled(), lot, ...statement, ...spent])
      .when(confirmExit)
      .thenError('NoExitStatement')
  })

  it('forfeits every point and refunds the prepaid balance, never forfeiting it', () => {
    const statement = spec
      .given([enrolled('silver'), lot, toppedUp])
      .when(requestStatement)
      .events()
    spec
      .given([enrolled('silver'), lot, toppedUp, ...statement])
      .when(confirmExit)
      .then([
        made(PointsForfeited, {
          lots: [{ lotId: 'repair-order:RO-1', points: 800 }],
          debtWrittenOff: 0,
          at: T0,
        }),
        made(PrepaidRefunded, {
          amountFen: 100_000,
          reference: 'bank-transfer-7',
          reason: 'exit',
          at: T0,
          by: clerk,
        }),
        made(MemberExited, {
          level: 'silver',
          privilegesCancelled: ['5% off maintenance labour', 'priority service booking'],
          pointsForfeited: 800,
          prepaidRefundedFen: 100_000,
          at: T0,
          by: clerk,
        }),
      ])
  })

  it('after exit no points, level or prepaid money remain, and the card takes no more points', () => {
    const steps = runCommands(decider, [
      enrol('gold'),
      earn('repair-order', 'RO-1', 500_00),
      topUp(5_000),
      requestStatement,
      confirmExit,
    ])
    const history = steps[steps.length - 1]?.history ?? []
    const m = spec.stateAfter(history)
    expect(m).toMatchObject({ status: 'exited', level: null, prepaidFen: 0, debt: 0 })
    expect(availablePoints(m)).toBe(0)
    spec
      .given(history)
      .when(earn('repair-order', 'RO-2', 500_00))
      .thenError('MemberHasExited')
    spec.given(history).when(enrol()).thenError('MemberHasExited')
  })
})
