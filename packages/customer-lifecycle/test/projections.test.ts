import {
  createInMemoryEventStore,
  handleCommand,
  manualClock,
  project,
  projectAsOf,
} from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import {
  churnRate,
  churnRiskProjection,
  cohortReturn,
  contactThisWeek,
  customerProfileProjection,
  defaultLifecyclePolicy,
  dueBetween,
  type LifecycleEvent,
  lifecycleDecider,
  lifecycleEvents,
  lifecycleMetricsProjection,
  lifecycleStream,
  overdueAt,
  reChurnRate,
  reminderConversion,
  satisfactionDistribution,
  serviceRetention,
  touchpointCalendarProjection,
  valueWindow,
  winBackRate,
} from '../src/index.js'
import { cmd, customerEvents, deliver, evaluate, instant, recorded, register, visit } from './support.js'

const decider = lifecycleDecider()

const endOf2025 = instant('2026-01-01T10:00:00+08:00')

const reminder = (id: string, plannedAt: string, dueAt: string) =>
  cmd('PlanTouchpoint', {
    touchpointId: id,
    at: plannedAt,
    kind: 'maintenance-reminder',
    channel: 'call',
    dueAt,
    familyMemberId: null,
  })
const reached = (id: string, at: string) =>
  cmd('RecordTouchpointOutcome', { touchpointId: id, at, outcome: 'reached', note: 'will come next week' })
const survey = (surveyId: string, expectation: number, score: number) =>
  cmd('RecordSatisfaction', {
    surveyId,
    at: '2025-06-02T10:00:00+08:00',
    touchpointId: null,
    channel: 'call',
    expectation,
    score,
  })

const portfolio = [
  ...customerEvents(
    'c-1',
    register(),
    deliver('2024-02-01T10:00:00+08:00'),
    cmd('AssignCustomerManager', { at: '2024-02-01T11:00:00+08:00', managerId: 'cm-1' }),
    cmd('GrantConsent', {
      at: '2024-02-01T11:00:00+08:00',
      purpose: 'marketing',
      channel: 'wechat',
      source: 'showroom-form',
    }),
    cmd('RecordPersonalityType', { at: '2024-02-01T11:00:00+08:00', personalityType: 'analytical' }),
    reminder('tp-1', '2025-05-10T10:00:00+08:00', '2025-05-15T10:00:00+08:00'),
    reached('tp-1', '2025-05-15T11:00:00+08:00'),
    visit('2025-06-01T10:00:00+08:00', 10),
    survey('s-1', 7, 7),
    survey('s-2', 8, 6),
    survey('s-3', 6, 9),
    survey('s-4', 5, 9),
    evaluate(endOf2025),
  ),
  ...customerEvents(
    'c-2',
    register(),
    deliver('2024-02-01T10:00:00+08:00', 'LFV2A21K5G3045678'),
    visit('2024-06-01T10:00:00+08:00', 10, 'LFV2A21K5G3045678'),
    evaluate(endOf2025),
  ),
  ...customerEvents(
    'c-3',
    register('2021-12-01T10:00:00+08:00'),
    deliver('2022-01-10T10:00:00+08:00', 'WDDGF8AB8EA912345'),
    visit('2022-03-01T10:00:00+08:00', 10, 'WDDGF8AB8EA912345'),
    evaluate(endOf2025),
  ),
  ...customerEvents(
    'c-4',
    register(),
    deliver('2024-03-01T10:00:00+08:00', 'LSGKB54U2BA654321'),
    reminder('tp-1', '2024-08-20T10:00:00+08:00', '2024-09-01T10:00:00+08:00'),
    reached('tp-1', '2024-09-01T10:30:00+08:00'),
    evaluate(endOf2025),
  ),
  ...customerEvents(
    'c-5',
    register(),
    deliver('2025-10-01T10:00:00+08:00', 'LSGKB54U2BA777777'),
    evaluate(endOf2025),
  ),
]

const wonBackThenSlipped = customerEvents(
  'c-2',
  register(),
  deliver('2024-02-01T10:00:00+08:00', 'LFV2A21K5G3045678'),
  visit('2024-06-01T10:00:00+08:00', 10, 'LFV2A21K5G3045678'),
  evaluate(endOf2025),
  visit('2026-01-05T10:00:00+08:00', 20, 'LFV2A21K5G3045678'),
  cmd('OverrideStage', {
    at: '2026-02-01T10:00:00+08:00',
    stage: 'at-risk',
    reason: 'complained about the bill and said he will not come back',
    expiresAt: '2026-05-01T10:00:00+08:00',
  }),
).slice(portfolio.length === 0 ? 0 : 0)

describe('customer profile', () => {
  it('shows stage, manager, vehicles, consents and contact style', () => {
    const profiles = project(customerProfileProjection, recorded(portfolio))
    const p = profiles.get('c-1')
    expect(p).toMatchObject({
      stage: 'declining',
      managerId: 'cm-1',
      consents: { 'marketing/wechat': 'granted' },
      personality: { type: 'analytical', contactStyle: 'facts-and-figures' },
    })
    expect(p?.vehicles.LSGKB54U0BA123456).toMatchObject({
      model: 'Sagitar',
      plate: '粤B12345',
      owned: true,
      lastVisitAt: '2025-06-01T02:00:00.000Z',
    })
    expect(p?.stageEvidence?.daysOverdue).toBeGreaterThan(0)
    expect(profiles.get('c-3')?.stage).toBe('lost')
  })
  it('folds an erased personal value without failing', () => {
    const [first, ...rest] = portfolio
    if (first?.type !== 'ProspectRegistered') throw new Error('expected a registration first')
    const erased = { ...first, data: { ...first.data, name: { erased: true as const, subjectId: 'c-1' } } }
    expect(project(customerProfileProjection, recorded([erased, ...rest])).get('c-1')?.name).toEqual({
      erased: true,
      subjectId: 'c-1',
    })
  })
})

describe('churn-risk list', () => {
  it('lists who to contact this week and why, most urgent first', () => {
    const risk = project(
      churnRiskProjection,
      recorded([...portfolio.filter((e) => e.data.customerId !== 'c-2'), ...wonBackThenSlipped]),
    )
    const list = contactThisWeek(risk, instant('2026-02-02T00:00:00+08:00'))
    expect(list.map((e) => [e.customerId, e.stage])).toEqual([
      ['c-2', 'at-risk'],
      ['c-1', 'declining'],
      ['c-4', 'never-serviced'],
      ['c-3', 'lost'],
    ])
    expect(list[1]).toMatchObject({ managerId: 'cm-1', contactStyle: 'facts-and-figures' })
    expect(list[1]?.why).toContain('overdue')
  })
  it('leaves out customers with a contact already planned this week', () => {
    const c4WithPlan = customerEvents(
      'c-4',
      register(),
      deliver('2024-03-01T10:00:00+08:00', 'LSGKB54U2BA654321'),
      evaluate(endOf2025),
      reminder('tp-9', '2026-01-02T10:00:00+08:00', '2026-01-06T10:00:00+08:00'),
    )
    const withPlan = [...portfolio.filter((e) => e.data.customerId !== 'c-4'), ...c4WithPlan]
    const nextWeek = contactThisWeek(
      project(churnRiskProjection, recorded(c4WithPlan)),
      instant('2026-01-12T00:00:00+08:00'),
    )
    expect(nextWeek.map((e) => e.customerId)).toEqual(['c-4'])
    const list = contactThisWeek(
      project(churnRiskProjection, recorded(withPlan)),
      instant('2026-01-05T00:00:00+08:00'),
    )
    expect(list.map((e) => e.customerId)).not.toContain('c-4')
  })
})

describe('churn-risk list and inbound contacts', () => {
  const atRiskCommands = [
    register(),
    deliver('2024-02-01T10:00:00+08:00'),
    visit('2024-03-01T10:00:00+08:00', 10),
    evaluate('2024-12-01T10:00:00+08:00'),
  ]
  const atRisk = customerEvents('c-1', ...atRiskCommands)
  const called = (at: string, topic: 'enquiry' | 'went-elsewhere') =>
    cmd('RecordInboundContact', { contactId: `in-${at}`, at, channel: 'call', topic, note: '' })
  const listed = (events: ReadonlyArray<LifecycleEvent>, weekStart: string) =>
    contactThisWeek(project(churnRiskProjection, recorded(events)), instant(weekStart)).map((e) => [
      e.stage,
      e.why,
    ])

  it('leaves out a customer the dealership spoke with in the week before, and lists them again after', () => {
    const withCall = customerEvents('c-1', ...atRiskCommands, called('2024-12-03T20:00:00+08:00', 'enquiry'))
    expect(listed(atRisk, '2024-12-09T00:00:00+08:00')).toHaveLength(1)
    expect(listed(withCall, '2024-12-09T00:00:00+08:00')).toEqual([])
    expect(listed(withCall, '2024-12-16T00:00:00+08:00')).toEqual([
      ['at-risk', expect.stringContaining('not seen for')],
    ])
  })
  it('a touchpoint that reached the customer counts as speaking with them; one that did not reach them does not', () => {
    const reminderDone = (outcome: 'reached' | 'not-reached') =>
      customerEvents(
        'c-1',
        ...atRiskCommands,
        reminder('tp-1', '2024-12-02T10:00:00+08:00', '2024-12-04T10:00:00+08:00'),
        cmd('RecordTouchpointOutcome', {
          touchpointId: 'tp-1',
          at: '2024-12-04T11:00:00+08:00',
          outcome,
          note: '',
        }),
      )
    expect(listed(reminderDone('reached'), '2024-12-09T00:00:00+08:00')).toEqual([])
    expect(listed(reminderDone('not-reached'), '2024-12-09T00:00:00+08:00')).toHaveLength(1)
  })
  it('says why a customer who went elsewhere is listed', () => {
    const gone = customerEvents(
      'c-1',
      ...atRiskCommands,
      called('2024-12-10T10:00:00+08:00', 'went-elsewhere'),
    )
    expect(listed(gone, '2024-12-23T00:00:00+08:00')).toEqual([
      ['lost', 'said on 2024-12-10T02:00:00.000Z they went elsewhere; try to win back'],
    ])
  })
})

describe('touchpoint calendar', () => {
  it('shows planned contacts in a period and the ones left without an outcome', () => {
    const events = customerEvents(
      'c-1',
      register(),
      deliver('2024-02-01T10:00:00+08:00'),
      reminder('tp-1', '2024-03-01T10:00:00+08:00', '2024-08-01T10:00:00+08:00'),
      reminder('tp-2', '2024-03-01T10:00:00+08:00', '2024-07-01T10:00:00+08:00'),
      reminder('tp-3', '2024-03-01T10:00:00+08:00', '2024-03-10T10:00:00+08:00'),
      reached('tp-2', '2024-07-01T11:00:00+08:00'),
    )
    const calendar = project(touchpointCalendarProjection, recorded(events))
    expect(
      dueBetween(calendar, instant('2024-06-01T00:00:00+08:00'), instant('2024-09-01T00:00:00+08:00')).map(
        (e) => e.touchpointId,
      ),
    ).toEqual(['tp-1'])
    expect(overdueAt(calendar, instant('2024-07-15T00:00:00+08:00')).map((e) => e.touchpointId)).toEqual([
      'tp-3',
    ])
    expect(calendar.get('c-1/tp-2')).toMatchObject({
      status: 'done',
      outcome: 'reached',
      purpose: 'service-reminder',
    })
  })
})

describe('metrics', () => {
  const metrics = project(lifecycleMetricsProjection, recorded(portfolio))
  it('service retention = Active ÷ (Active + Recently Lost + Defected + Never Serviced)', () => {
    expect(serviceRetention(metrics, endOf2025)).toEqual({
      active: 1,
      recentlyLost: 1,
      defected: 1,
      neverServiced: 1,
      retention: 0.25,
    })
  })
  it('churn rate = lost ÷ effective customer base', () => {
    expect(churnRate(metrics)).toEqual({ lost: 2, base: 5, rate: 0.4 })
  })
  it('six-month cohort return rate, closed cohorts only', () => {
    expect(cohortReturn(metrics, endOf2025)).toEqual([
      { month: '2022-01', delivered: 1, returned: 1, rate: 1 },
      { month: '2024-02', delivered: 2, returned: 1, rate: 0.5 },
      { month: '2024-03', delivered: 1, returned: 0, rate: 0 },
    ])
  })
  it('win-back and re-churn rates', () => {
    const m = project(
      lifecycleMetricsProjection,
      recorded([...portfolio.filter((e) => e.data.customerId !== 'c-2'), ...wonBackThenSlipped]),
    )
    expect(winBackRate(m)).toEqual({ slipped: 2, wonBack: 1, rate: 0.5 })
    expect(reChurnRate(m)).toEqual({ wonBack: 1, reChurned: 1, rate: 1 })
  })
  it('reminder conversion: reached reminders followed by a visit within 30 days', () => {
    expect(reminderConversion(metrics)).toEqual({ reached: 2, converted: 1, rate: 0.5 })
  })
  it('satisfaction distribution', () => {
    expect(satisfactionDistribution(metrics)).toEqual({
      total: 4,
      dissatisfied: { count: 1, share: 0.25 },
      satisfied: { count: 1, share: 0.25 },
      delighted: { count: 2, share: 0.5 },
    })
  })
})

describe('segments as of a date', () => {
  it('answers "which segment was this customer in on 1 March" by replaying the store up to then', async () => {
    const clock = manualClock('2024-01-10T02:00:00Z')
    const store = createInMemoryEventStore({ registry: lifecycleEvents, clock })
    const stream = lifecycleStream('c-1')
    const score = (at: string, recency: number, frequency: number, monetary: number) =>
      cmd('ScoreRfm', { at, recency, frequency, monetary })
    const tier = (at: string, rank: number) =>
      cmd('AssignValueTier', {
        at,
        valueFen: 100_000,
        rank,
        portfolioSize: 100,
        ...valueWindow(defaultLifecyclePolicy, instant(at)),
      })
    const steps = [
      register(),
      deliver('2024-02-01T10:00:00+08:00'),
      tier('2024-02-15T10:00:00+08:00', 5),
      score('2024-02-15T10:00:00+08:00', 5, 4, 5),
      score('2024-04-01T10:00:00+08:00', 2, 4, 4),
      tier('2024-04-01T10:00:00+08:00', 60),
    ]
    for (const command of steps) {
      clock.set(command.data.at)
      const result = await handleCommand(store, decider, stream, command)()
      if (result._tag === 'Left') throw new Error(result.left.message)
    }
    const onFirstMarch = await projectAsOf(store, customerProfileProjection, {
      time: new Date('2024-03-01T23:59:59+08:00'),
    })
    expect(onFirstMarch.get('c-1')).toMatchObject({ rfmSegment: 'champions', valueTier: 'key' })
    const now = await projectAsOf(store, customerProfileProjection, {
      time: new Date('2024-06-01T00:00:00+08:00'),
    })
    expect(now.get('c-1')).toMatchObject({ rfmSegment: 'cant-lose-them', valueTier: 'standard' })
    await store.close()
  })
})
