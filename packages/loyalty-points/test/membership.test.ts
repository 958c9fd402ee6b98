import { deciderSpec } from '@dealer-crm/testing'
import { describe, it } from 'vitest'
import { MemberResumed, MemberSuspended } from '../src/events.js'
import { decider } from '../src/index.js'
import { clerk, earn, enrol, enrolled, T0 } from './fixtures.js'

const spec = deciderSpec(decider)

describe('member card (DOMAIN.md §4 会员卡)', () => {
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
    const suspended = MemberSuspended.make({ reason: 'card reported lost', at: T0, by: clerk })
    spec
      .given([enrolled()])
      .when({ type: 'SuspendMember', data: { reason: 'card reported lost', at: T0, by: clerk } })
      .then([suspended])
    spec
      .given([enrolled(), suspended])
      .when({ type: 'ResumeMember', data: { at: T0, by: clerk } })
      .then([MemberResumed.make({ at: T0, by: clerk })])
  })

  it('a suspended card earns nothing', () => {
    spec
      .given([enrolled(), MemberSuspended.make({ reason: 'dispute', at: T0, by: clerk })])
      .when(earn('repair-order', 'RO-1', 500_00))
      .thenError('MemberIsSuspended')
  })

  it('refuses to resume a card that is not suspended', () => {
    spec
      .given([enrolled()])
      .when({ type: 'ResumeMember', data: { at: T0, by: clerk } })
      .thenError('MemberNotSuspended')
  })

  it('refuses anything on a card never enrolled', () => {
    spec
      .given([])
      .when(earn('repair-order', 'RO-1', 500_00))
      .thenError('NotEnrolled')
  })
})
