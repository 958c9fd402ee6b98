import { describe, expect, it } from 'vitest'
import {
  answers,
  blackJetta,
  callBackScheduled,
  checkAtDelivery,
  command,
  consultant,
  delivered,
  dutyManager,
  historyOf,
  instant,
  referralId,
  register,
  scheduleCallBack,
  screen,
  showroomManager,
  spec,
  zhangSan,
} from './fixtures.js'

describe('preliminary screening (docs/domain.md §2.3)', () => {
  it('passes when it is an owner referral and the referrer helped', () => {
    expect(spec.given(historyOf(register())).when(screen()).events()[0]).toMatchObject({
      type: 'ReferralScreened',
      data: { outcome: 'passed' },
    })
  })

  it('screens out a referral where the referrer did not help', () => {
    const history = historyOf(register(), screen(true, false))
    expect(history.at(-1)).toMatchObject({ data: { outcome: 'screened-out' } })
    expect(spec.stateAfter(history)).toMatchObject({ stage: 'rejected', rejection: 'screened-out' })
    spec.given(history).when(checkAtDelivery()).thenError('NotAwaitingDeliveryCheck')
  })

  it('screens out a referral that is not an owner’s referral, even if the person helped', () => {
    const history = historyOf(register(), screen(false, true))
    expect(history.at(-1)).toMatchObject({
      data: { ownersReferral: false, referrerHelped: true, outcome: 'screened-out' },
    })
    spec.given(history).when(checkAtDelivery()).thenError('NotAwaitingDeliveryCheck')
  })

  it('is the sales consultant’s judgement', () => {
    const byManager = command({ ...screen(), data: { ...screen().data, by: dutyManager } })
    spec.given(historyOf(register())).when(byManager).thenError('RoleNotAllowed')
  })

  it('happens once', () => {
    spec.given(historyOf(register(), screen())).when(screen()).thenError('NotAwaitingScreening')
  })
})

describe('delivery check (docs/domain.md §2.4)', () => {
  it('records only the outcome and who checked, and the delivery time', () => {
    expect(spec.given(historyOf(register(), screen())).when(checkAtDelivery()).events()).toEqual([
      {
        type: 'DeliveryChecked',
        data: {
          referralId,
          by: showroomManager,
          licenceMatches: true,
          outcome: 'matches',
          deliveredAt: instant('2026-03-10T15:00:00+08:00'),
        },
      },
    ])
  })

  it('a licence that does not match rejects the referral', () => {
    const history = historyOf(register(), screen(), checkAtDelivery(false))
    expect(spec.stateAfter(history)).toMatchObject({ stage: 'rejected', rejection: 'licence-mismatch' })
    spec.given(history).when(scheduleCallBack()).thenError('NotReadyForCallBack')
  })

  it('never keeps the licence: a document sent along with the command is not recorded', () => {
    const withLicence = command({
      ...checkAtDelivery(),
      data: {
        ...checkAtDelivery().data,
        licenceNumber: '京A12345',
        licenceImage: 'data:image/png;base64,AAAA',
      },
    })
    const events = spec.given(historyOf(register(), screen())).when(withLicence).events()
    expect(JSON.stringify(events)).not.toContain('京A12345')
    expect(JSON.stringify(events)).not.toContain('base64')
    expect(Object.keys(events[0]?.data ?? {}).sort()).toEqual(
      ['by', 'deliveredAt', 'licenceMatches', 'outcome', 'referralId'].sort(),
    )
  })

  it('is the showroom manager’s check', () => {
    spec
      .given(historyOf(register(), screen()))
      .when(checkAtDelivery(true, consultant))
      .thenError('RoleNotAllowed')
  })

  it('follows screening', () => {
    spec.given(historyOf(register())).when(checkAtDelivery()).thenError('NotAwaitingDeliveryCheck')
  })
})

describe('call-back (docs/domain.md §2.5)', () => {
  it('records the drawn callee and questions', () => {
    const liSiBoughtARedGolf = {
      kind: 'false-statement',
      asserted: { model: 'Golf', colour: 'red', gearbox: null },
    }
    spec
      .given(delivered())
      .when(
        scheduleCallBack({
          draw: { callee: 'referrer', questions: [liSiBoughtARedGolf, blackJetta, blackJetta] },
        }),
      )
      .thenError('StatementNotFalse')
    const [event] = spec
      .given(delivered())
      .when(
        scheduleCallBack({
          draw: {
            callee: 'referrer',
            questions: [
              { kind: 'ask', topic: 'home-area' },
              { kind: 'confirm-vehicle' },
              { kind: 'false-statement', asserted: { model: null, colour: null, gearbox: 'automatic' } },
            ],
          },
        }),
      )
      .events()
    expect(event).toMatchObject({
      type: 'CallBackScheduled',
      data: { callee: 'referrer', calleeId: zhangSan.customerId },
    })
  })

  it('asks 3–4 questions (policy)', () => {
    const two = [{ kind: 'ask', topic: 'workplace' }, blackJetta]
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: two } }))
      .thenError('QuestionCountOutsidePolicy')
    const five = [...two, ...two, { kind: 'confirm-vehicle' }]
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: five } }))
      .thenError('QuestionCountOutsidePolicy')
  })

  it('includes at least one deliberately false statement', () => {
    const noTrap = [
      { kind: 'ask', topic: 'workplace' },
      { kind: 'ask', topic: 'business' },
      { kind: 'confirm-vehicle' },
    ]
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: noTrap } }))
      .thenError('TooFewFalseStatements')
  })

  it('a "false" statement that matches the registered car is refused (a white Sagitar is true)', () => {
    const truth = { kind: 'false-statement', asserted: { model: 'sagitar', colour: 'White', gearbox: null } }
    spec
      .given(delivered())
      .when(scheduleCallBack({ draw: { callee: 'referee', questions: [truth, truth, truth] } }))
      .thenError('StatementNotFalse')
  })

  it('the verifier may not be the consultant who made the sale', () => {
    spec
      .given(delivered())
      .when(scheduleCallBack({ verifierId: consultant.id }))
      .thenError('VerifierIsSeller')
    spec
      .given(callBackScheduled())
      .when(answers(['right', 'right', 'right'], consultant))
      .thenError('VerifierIsSeller')
  })

  it('follows a passed delivery check', () => {
    spec.given(historyOf(register(), screen())).when(scheduleCallBack()).thenError('NotReadyForCallBack')
  })
})
