import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { MemberResumed, MemberSuspended } from '../src/events.js'
import { loyaltyDecider } from '../src/index.js'
import {
  clerk,
  command,
  doc,
  earn,
  earned,
  enrol,
  enrolled,
  evaluate,
  made,
  redeem,
  refund,
  refundPrepaid,
  release,
  T0,
  topUp,
} from './fixtures.js'

const decider = loyaltyDecider()

const spec = deciderSpec(decider)

describe('member card (docs/domain.md §4 会员卡)', () => {
  it('enrols a card at a level, with its first review a year later', () => {
    spec
      .given([])
      .when(enrol('standard'))
      .then([enrolled('standard')])
  })

  it('refuses a second enrolment', () => {
    spec.given([enrolled()]).when(enrol()).thenError('AlreadyEnrolled')
  })

  it('refuses a level the policy does not know', () => {
    spec.given([]).when(enrol('diamond')).thenError('UnknownLevel')
  })

  it('suspends and resumes a card', () => {
    const suspended = made(MemberSuspended, { reason: 'card reported lost', at: T0, by: clerk })
    spec
      .given([enrolled()])
      .when(command('SuspendMember', { reason: 'card reported lost', at: T0, by: clerk }))
      .then([suspended])
    spec
      .given([enrolled(), suspended])
      .when(command('ResumeMember', { at: T0, by: clerk }))
      .then([made(MemberResumed, { at: T0, by: clerk })])
  })

  it('a suspended card earns nothing', () => {
    spec
      .given([enrolled(), made(MemberSuspended, { reason: 'dispute', at: T0, by: clerk })])
      .when(earn('repair-order', 'RO-1', 500_00))
      .thenError('MemberIsSuspended')
  })

  it('refuses to resume a card that is not suspended', () => {
    spec
      .given([enrolled()])
      .when(command('ResumeMember', { at: T0, by: clerk }))
      .thenError('MemberNotSuspended')
  })

  it('refuses anything on a card never enrolled', () => {
    spec
      .given([])
      .when(earn('repair-order', 'RO-1', 500_00))
      .thenError('NotEnrolled')
  })
})

describe('a suspended card (docs/domain.md §4 会员卡 status)', () => {
  const suspended = made(MemberSuspended, { reason: 'dispute', at: T0, by: clerk })

  it('is still refunded and evaluated, so no points survive a refund or an expiry', () => {
    const lot = earned('RO-1', 100)
    const [reversal] = spec
      .given([enrolled(), lot, suspended])
      .when(refund(doc('repair-order', 'RO-1')))
      .events()
    expect(reversal?.type).toBe('PointsReversed')
    const events = spec
      .given([enrolled(), lot, suspended])
      .when(evaluate('2028-01-10T09:00:00.000Z'))
      .events()
    expect(events.map((e) => e.type)).toContain('PointsExpired')
  })

  it('does not redeem, top up or spend prepaid money', () => {
    spec
      .given([enrolled(), earned('RO-1', 100), suspended])
      .when(redeem('R-1', 10))
      .thenError('MemberIsSuspended')
    spec.given([enrolled(), suspended]).when(topUp(100)).thenError('MemberIsSuspended')
  })

  it('may still ask for the exit statement', () => {
    const [statement] = spec
      .given([enrolled(), suspended])
      .when(command('RequestExitStatement', { at: T0, by: clerk }))
      .events()
    expect(statement?.type).toBe('ExitStatementIssued')
  })
})

describe('commands on a card never enrolled or on an unknown document', () => {
  it('refuses the evaluation of a card never enrolled', () => {
    spec.given([]).when(evaluate(T0)).thenError('NotEnrolled')
  })

  it('refuses to release or refund a document that earned nothing', () => {
    spec
      .given([enrolled()])
      .when(release(doc('vehicle-purchase', 'INV-404')))
      .thenError('DocumentNotEarned')
    spec
      .given([enrolled()])
      .when(refund(doc('vehicle-purchase', 'INV-404')))
      .thenError('DocumentNotEarned')
  })

  it('refuses a prepaid refund above the balance', () => {
    spec.given([enrolled()]).when(refundPrepaid(1)).thenError('InsufficientPrepaid')
  })
})
