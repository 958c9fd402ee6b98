import { project } from '@dealer-crm/eventsourcing'
import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { callBackQueueProjection, callsDueOn, referralDecider } from '../src/index.js'
import {
  answers,
  checkAtDelivery,
  command,
  historyOf,
  instant,
  liSi,
  recorded,
  register,
  releaseReward,
  screen,
  zhangSan,
} from './fixtures.js'

const decider = referralDecider()

// Seed 000, 推荐购买真实性判断 — the worked example, as the seed tells it (docs/domain.md §2).
describe('Zhang San refers Li Si', () => {
  const spec = deciderSpec(decider)

  it('Zhang San owns a white automatic Sagitar; Li Si, on his recommendation, buys a red manual Golf', () => {
    expect(zhangSan.vehicle).toEqual({ model: 'Sagitar', colour: 'white', gearbox: 'automatic' })
    expect(liSi.purchase).toEqual({ model: 'Golf', colour: 'red', gearbox: 'manual' })
    const [registered] = spec.given([]).when(register()).events()
    expect(registered).toMatchObject({
      type: 'ReferralRegistered',
      data: {
        referee: { subjectId: 'customer-li-si' },
        referrer: { subjectId: 'customer-zhang-san', name: '张三' },
      },
    })
  })

  // The Random drew the new customer, Li Si; the questions are about Zhang San.
  const callLiSi = command({
    type: 'ScheduleCallBack',
    data: {
      referralId: 'referral-0001',
      by: { id: 'call-back-zhou', role: 'call-back-staff' },
      verifierId: 'call-back-zhou',
      draw: {
        callee: 'referee',
        questions: [
          // "请问张先生的工作单位?" — the new customer must answer it.
          { kind: 'ask', topic: 'workplace' },
          { kind: 'ask', topic: 'how-they-know-each-other' },
          // "张先生是有一辆黑颜色的捷达轿车吗?" — the new customer must point out the error and correct it.
          { kind: 'false-statement', asserted: { model: 'Jetta', colour: 'black', gearbox: null } },
        ],
      },
      at: '2026-03-11T09:00:00+08:00',
    },
  })
  const beforeTheCall = historyOf(register(), screen(), checkAtDelivery())
  const calling = historyOf(register(), screen(), checkAtDelivery(), callLiSi)

  it('the caller phones Li Si and asks about Zhang San, with one false statement: "a black Jetta"', () => {
    const [scheduled] = spec.given(beforeTheCall).when(callLiSi).events()
    expect(scheduled).toMatchObject({
      type: 'CallBackScheduled',
      data: { callee: 'referee', calleeId: 'customer-li-si' },
    })
  })

  it('on the day of the call, the queue tells the caller to phone Li Si, with Zhang San’s white automatic Sagitar to check against', () => {
    const queue = project(callBackQueueProjection, recorded(calling))
    expect(callsDueOn(queue, instant('2026-03-11T09:00:00+08:00'))).toMatchObject([
      {
        callee: 'referee',
        phone: { name: '李四', phone: liSi.phone },
        about: { name: '张三', vehicle: { model: 'Sagitar', colour: 'white', gearbox: 'automatic' } },
      },
    ])
  })

  it('Li Si names the workplace and corrects "black Jetta" to "white Sagitar": the referral is genuine', () => {
    const events = spec.given(calling).when(answers(['right', 'right', 'right']))
    expect(events.events().map((e) => e.type)).toEqual(['CallBackAnswered', 'ReferralVerified'])
  })

  it('only after the call-back is Zhang San rewarded (电话回访结束后再向老客户兑现奖励)', () => {
    spec.given(beforeTheCall).when(releaseReward()).thenError('NotVerified')
    const verifiedHistory = historyOf(
      register(),
      screen(),
      checkAtDelivery(),
      callLiSi,
      answers(['right', 'right', 'right']),
    )
    expect(spec.given(verifiedHistory).when(releaseReward()).events()[0]).toMatchObject({
      type: 'RewardReleased',
      data: { referrerId: 'customer-zhang-san', reward: { kind: 'gift' } },
    })
  })

  it('had Li Si agreed to the black Jetta and not known the workplace, the referral would be faked (若2项答错则视为作假)', () => {
    const events = spec
      .given(calling)
      .when(answers(['wrong', 'right', 'wrong']))
      .events()
    expect(events.map((e) => e.type)).toEqual([
      'CallBackAnswered',
      'ReferralFaked',
      'FraudPenaltyRecorded',
      'ReferrerBlocked',
    ])
  })
})
