import { readFileSync } from 'node:fs'
import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import {
  defaultLifecyclePolicy,
  type LifecycleCommand,
  type LifecycleEvent,
  lifecycleDecider,
  valueWindow,
} from '../src/index.js'
import { cmd, deliver, evaluate, eventsOf, instant, register, visit } from './support.js'

const decider = lifecycleDecider()

// Every threshold of the default lifecycle policy at −1 / 0 / +1 of its bound (days, visits, ranks,
// minutes, milliseconds), and the defaults pinned to docs/domain.md (issue #18: lost at exactly 540
// days, and the default of 540 itself, went unseen).

const spec = deciderSpec(decider)
const DAY = 86_400_000
const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString()
const days = (at: string, n: number) => plus(at, n * DAY)

const delivery = '2024-02-01T10:00:00+08:00'
const stageAfter = (history: ReadonlyArray<LifecycleEvent>, command: LifecycleCommand) =>
  [...history, ...spec.given(history).when(command).events()].reduce(decider.evolve, decider.initialState)
    .stage

describe('the default lifecycle policy is the rules of docs/domain.md', () => {
  const domain = readFileSync(new URL('../../../docs/domain.md', import.meta.url), 'utf8')
  const MONTH = 30 // days: the policy counts months of 30 days, and a year of 365

  it('§1 rules: at risk after 1.5× the usual interval (fallback 9 months), lost after 18 months', () => {
    expect(domain).toContain(
      "at-risk after 1.5× the customer's usual\n  service interval with no visit (fallback 9 months), lost after 18 months",
    )
    expect(defaultLifecyclePolicy.atRiskIntervalFactor).toBe(1.5)
    expect(defaultLifecyclePolicy.atRiskFallbackDays).toBe(9 * MONTH)
    expect(defaultLifecyclePolicy.lostAfterDays).toBe(18 * MONTH)
  })

  it('§5: 6–12 months without a visit is at risk (流失风险)', () => {
    expect(domain).toContain('6–12 months without a visit = at risk (流失风险)')
    expect([defaultLifecyclePolicy.atRiskMinDays, defaultLifecyclePolicy.atRiskMaxDays]).toEqual([
      6 * MONTH,
      365,
    ])
  })

  it('§5 Service Lens: Active = serviced within 12 months; never serviced = bought but never returned', () => {
    expect(domain).toContain('Active = serviced within 12\n  months')
    expect(defaultLifecyclePolicy.neverServicedAfterDays).toBe(365)
  })

  it('seed 003 20/80原则: the top 20% by value over a year is the key tier', () => {
    expect(domain).toContain('the top 20% of customers by value are the focus')
    expect(defaultLifecyclePolicy.keyTierShare).toBe(0.2)
    expect(defaultLifecyclePolicy.valueWindowDays).toBe(365)
  })

  it('§5 Consent: marketing needs prior consent (opt-in); service reminders run until opted out', () => {
    expect(domain).toContain('Marketing SMS/calls need prior consent and an easy opt-out')
    expect(defaultLifecyclePolicy.consentRequired).toEqual({
      'service-reminder': false,
      marketing: true,
      survey: false,
    })
  })

  it('the dealer’s choices the seeds leave open, as the README states them', () => {
    expect(defaultLifecyclePolicy).toMatchObject({
      serviceIntervalDays: 180,
      serviceIntervalKm: 10_000,
      visitsForStable: 3,
      stableWindowDays: 730,
      wonBackProbationDays: 180,
      marketingCap: { max: 4, withinDays: 30 },
      quietHours: { fromMinute: 21 * 60, toMinute: 8 * 60, utcOffsetMinutes: 480 },
      requireVinCheckDigit: false,
    })
  })
})

describe('days since the last visit: declining, at risk, lost (docs/domain.md §1 rules)', () => {
  // One visit, no distance driven: the usual interval is unknown, so the policy's 180-day interval
  // projects the due date, at risk comes after the 270-day fallback and lost after 540 days.
  const lastVisit = '2024-03-01T10:00:00+08:00'
  const history = () => eventsOf(register(), deliver(delivery), visit(lastVisit, 10))

  it.each([
    [179, 'active'],
    [180, 'active'],
    [181, 'declining'],
    [269, 'declining'],
    [270, 'declining'],
    [271, 'at-risk'],
    [539, 'at-risk'],
    [540, 'at-risk'],
    [541, 'lost'],
  ])('%i days after the last visit: %s', (n, stage) => {
    expect(stageAfter(history(), evaluate(days(lastVisit, n)))).toBe(stage)
  })

  it('540 days and 23:59 is still 540 whole days: at risk, not lost', () => {
    expect(stageAfter(history(), evaluate(plus(days(lastVisit, 540), DAY - 60_000)))).toBe('at-risk')
  })

  it('the evidence names the thresholds it was measured against', () => {
    const [change] = spec
      .given(history())
      .when(evaluate(days(lastVisit, 541)))
      .events()
      .filter((e) => e.type === 'StageChanged')
    expect(change?.data.evidence).toMatchObject({
      daysSinceLastSeen: 541,
      lostAfterDays: 540,
      atRiskAfterDays: 270,
    })
  })
})

describe('an owner who never came back (docs/domain.md §5 Service Lens)', () => {
  it.each([
    [364, 'owner'],
    [365, 'owner'],
    [366, 'never-serviced'],
  ])('%i days after delivery: %s', (n, stage) => {
    expect(stageAfter(eventsOf(register(), deliver(delivery)), evaluate(days(delivery, n)))).toBe(stage)
  })
})

describe('at risk after 1.5× the customer’s own interval, kept within 180–365 days (docs/domain.md §1, §5)', () => {
  // Visits every `gap` days with no distance driven: the usual interval is the mean gap.
  const visitsEvery = (gap: number) => {
    const first = '2024-03-01T10:00:00+08:00'
    const second = days(first, gap)
    return {
      history: eventsOf(register(), deliver(delivery), visit(first, 10), visit(second, 10)),
      last: second,
    }
  }
  it.each([
    [200, 300],
    [100, 180],
    [119, 180],
    [121, 182],
    [243, 365],
    [300, 365],
  ])('a usual interval of %i days puts at risk after %i days', (gap, threshold) => {
    const { history, last } = visitsEvery(gap)
    expect(stageAfter(history, evaluate(days(last, threshold)))).not.toBe('at-risk')
    expect(stageAfter(history, evaluate(days(last, threshold + 1)))).toBe('at-risk')
    expect(stageAfter(history, evaluate(days(last, threshold - 1)))).not.toBe('at-risk')
  })
})

describe('the due date projected from mileage: 10,000 km at the owner’s pace (docs/domain.md §5)', () => {
  // 10,000 km in 100 days: due 100 days after the visit (sooner than the 180-day interval).
  const lastVisit = days(delivery, 100)
  const history = () => eventsOf(register(), deliver(delivery, undefined, 10), visit(lastVisit, 10_010))
  it.each([
    [99, 'active'],
    [100, 'active'],
    [101, 'declining'],
  ])('%i days after the visit: %s', (n, stage) => {
    expect(stageAfter(history(), evaluate(days(lastVisit, n)))).toBe(stage)
  })
})

describe('stable: 3 visits within 730 days (docs/domain.md §1 stage 4)', () => {
  const first = '2024-03-01T10:00:00+08:00'
  const history = () =>
    eventsOf(
      register(),
      deliver(delivery),
      visit(first, 10),
      visit(days(first, 365), 10),
      visit(days(first, 729), 10),
    )
  it.each([
    [729, 'stable'],
    [730, 'stable'],
    [731, 'active'],
  ])('%i days after the first of three visits: %s', (n, stage) => {
    expect(stageAfter(history(), evaluate(days(first, n)))).toBe(stage)
  })
  it('two visits are not enough', () => {
    const two = eventsOf(register(), deliver(delivery), visit(first, 10), visit(days(first, 365), 10))
    expect(stageAfter(two, evaluate(days(first, 366)))).toBe('active')
  })
})

describe('won back: 180 days of probation (docs/domain.md §1 stage 8, §5)', () => {
  const lastVisit = '2024-03-01T10:00:00+08:00'
  const back = days(lastVisit, 300)
  const history = () =>
    eventsOf(
      register(),
      deliver(delivery),
      visit(lastVisit, 10),
      evaluate(days(lastVisit, 280)),
      visit(back, 20),
    )
  it('a visit wins an at-risk customer back, on probation until 180 days later', () => {
    const customer = history().reduce(decider.evolve, decider.initialState)
    expect([customer.stage, customer.probationEndsAt]).toEqual([
      'won-back',
      new Date(Date.parse(back) + 180 * DAY).toISOString(),
    ])
  })
  it.each([
    [-1, 'won-back'],
    [0, 'active'],
    [1, 'active'],
  ])('at the end of probation plus %i ms: %s', (ms, stage) => {
    expect(stageAfter(history(), evaluate(plus(days(back, 180), ms)))).toBe(stage)
  })
})

describe('the key tier: the top 20% of the portfolio (seed 003 20/80原则)', () => {
  const tierOf = (rank: number, portfolioSize: number) => {
    const windowTo = '2024-12-31T10:00:00+08:00'
    const [event] = spec
      .given(eventsOf(register(), deliver(delivery)))
      .when(
        cmd('AssignValueTier', {
          at: windowTo,
          valueFen: 1_000_000,
          rank,
          portfolioSize,
          ...valueWindow(defaultLifecyclePolicy, instant(windowTo)),
        }),
      )
      .events()
    return event?.type === 'ValueTierAssigned' ? event.data.tier : null
  }
  it.each([
    [2, 10, 'key'],
    [3, 10, 'standard'],
    [3, 11, 'key'],
    [4, 11, 'standard'],
    [1, 4, 'key'],
    [2, 4, 'standard'],
    [20, 100, 'key'],
    [21, 100, 'standard'],
  ])('rank %i of %i: %s', (rank, size, tier) => {
    expect(tierOf(rank, size)).toBe(tier)
  })

  it.each([
    [-1, 'WrongValueWindow'],
    [0, null],
    [1, 'WrongValueWindow'],
  ] as const)('a value window of 365 days plus %i ms: %s', (ms, error) => {
    const windowTo = '2024-12-31T10:00:00+08:00'
    const when = spec.given(eventsOf(register(), deliver(delivery))).when(
      cmd('AssignValueTier', {
        at: windowTo,
        valueFen: 1_000_000,
        rank: 1,
        portfolioSize: 10,
        windowTo,
        windowFrom: plus(days(windowTo, -365), -ms),
      }),
    )
    if (error === null) expect(when.events()[0]?.type).toBe('ValueTierAssigned')
    else when.thenError(error)
  })
})

describe('marketing contacts: at most 4 within 30 days; no contact 21:00–08:00 (docs/domain.md §5 Consent)', () => {
  const owner = [
    register(),
    deliver(delivery),
    cmd('GrantConsent', {
      at: days(delivery, 1),
      purpose: 'marketing',
      channel: 'sms',
      source: 'showroom-form',
    }),
  ]
  let n = 0
  const offer = (dueAt: string) =>
    cmd('PlanTouchpoint', {
      touchpointId: `tp-b${++n}`,
      at: days(delivery, 2),
      kind: 'offer',
      channel: 'sms',
      dueAt,
      familyMemberId: null,
    })
  const first = '2024-03-01T10:00:00+08:00'
  const threeMore = () => [1, 2, 3].map((d) => offer(days(first, d)))

  it.each([
    [3, null],
    [4, 'FrequencyCapReached'],
  ] as const)('with %i planned in the window, the next one: %s', (planned, error) => {
    const before = eventsOf(...owner, offer(first), ...threeMore().slice(0, planned - 1))
    const when = spec.given(before).when(offer(days(first, 4)))
    if (error === null) expect(when.events()[0]?.type).toBe('TouchpointPlanned')
    else when.thenError(error)
  })

  it.each([
    [-1, 'FrequencyCapReached'],
    [0, null],
    [1, null],
  ] as const)('a fifth due 30 days after the first plus %i ms: %s', (ms, error) => {
    const before = eventsOf(...owner, offer(first), ...threeMore())
    const when = spec.given(before).when(offer(plus(days(first, 30), ms)))
    if (error === null) expect(when.events()[0]?.type).toBe('TouchpointPlanned')
    else when.thenError(error)
  })

  it.each([
    ['20:59:59.999', null],
    ['21:00:00.000', 'QuietHours'],
    ['07:59:59.999', 'QuietHours'],
    ['08:00:00.000', null],
  ] as const)('due at %s China time: %s', (time, error) => {
    const when = spec.given(eventsOf(...owner)).when(offer(`2024-03-05T${time}+08:00`))
    if (error === null) expect(when.events()[0]?.type).toBe('TouchpointPlanned')
    else when.thenError(error)
  })
})
