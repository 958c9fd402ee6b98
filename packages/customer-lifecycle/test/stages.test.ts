import { deciderSpec } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultLifecyclePolicy, type LifecycleEvent, lifecycleDecider } from '../src/index.js'
import { lifecyclePolicyArb } from '../src/testing.js'
import {
  cmd,
  customerId,
  deliver,
  evaluate,
  eventsOf,
  instant,
  otherVin,
  register,
  vin,
  visit,
  withData,
} from './support.js'

const decider = lifecycleDecider()

const spec = deciderSpec(decider)
const delivered = [register(), deliver('2024-02-01T10:00:00+08:00')] as const
const active = [...delivered, visit('2024-03-01T10:00:00+08:00', 10)] as const

const stageChanges = (events: ReadonlyArray<LifecycleEvent>) =>
  events.flatMap((e) => (e.type === 'StageChanged' ? [e.data] : []))

describe('time moves a stage only through EvaluateCustomer (docs/domain.md §1 rules)', () => {
  it('records every evaluation, changed or not', () => {
    spec
      .given(eventsOf(...delivered))
      .when(evaluate('2024-06-01T02:00:00+08:00'))
      .then([
        {
          type: 'LifecycleEvaluated',
          data: {
            customerId: customerId,
            at: instant('2024-05-31T18:00:00.000Z'),
            stage: 'owner',
            policyVersion: defaultLifecyclePolicy.policyVersion,
          },
        },
      ])
  })
  it('refuses an evaluation earlier than the last one', () => {
    spec
      .given(eventsOf(...delivered, evaluate('2024-06-01T02:00:00+08:00')))
      .when(evaluate('2024-05-31T02:00:00+08:00'))
      .thenError('BeforeLastEvaluation')
  })
  it.each([
    ['a delivery', deliver('2024-05-01T10:00:00+08:00', otherVin)],
    [
      'an ownership transfer',
      cmd('TransferOwnership', { at: '2024-05-01T10:00:00+08:00', vin, newOwnerId: 'c-9' }),
    ],
    [
      'an override',
      cmd('OverrideStage', {
        at: '2024-05-01T10:00:00+08:00',
        stage: 'lost',
        reason: 'moved to another city',
        expiresAt: '2024-12-01T10:00:00+08:00',
      }),
    ],
  ])('refuses %s dated before the last evaluation', (_name, fact) => {
    spec
      .given(eventsOf(...delivered, evaluate('2024-06-01T02:00:00+08:00')))
      .when(fact)
      .thenError('BeforeLastEvaluation')
  })
  it('marks an owner who never came back as never serviced (docs/domain.md §5 Service Lens)', () => {
    const [change] = stageChanges(
      spec
        .given(eventsOf(...delivered))
        .when(evaluate('2025-02-02T10:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ from: 'owner', to: 'never-serviced', cause: 'evaluation' })
    expect(change?.evidence).toMatchObject({ lastVisitAt: null, lastDeliveryAt: '2024-02-01T02:00:00.000Z' })
  })
})

describe('declining, at risk and lost by the policy thresholds (docs/domain.md §1, §5)', () => {
  it('is declining once past the projected due date, with the days overdue', () => {
    const [change] = stageChanges(
      spec
        .given(eventsOf(...active))
        .when(evaluate('2024-09-01T10:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ from: 'active', to: 'declining' })
    expect(change?.evidence).toMatchObject({
      lastVisitAt: '2024-03-01T02:00:00.000Z',
      projectedDueDate: '2024-08-28T02:00:00.000Z',
      daysOverdue: 4,
      intervalBasis: 'policy-default',
      atRiskAfterDays: 270,
      policyVersion: defaultLifecyclePolicy.policyVersion,
    })
  })
  it('is at risk after 9 months with no visit when the usual interval is unknown', () => {
    const [change] = stageChanges(
      spec
        .given(eventsOf(...active))
        .when(evaluate('2024-12-01T10:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ to: 'at-risk' })
    expect(change?.evidence.daysSinceLastVisit).toBe(275)
  })
  it('is lost after 18 months with no visit', () => {
    const [change] = stageChanges(
      spec
        .given(eventsOf(...active))
        .when(evaluate('2025-09-01T10:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ to: 'lost' })
  })
  it('projects the due date from the vehicle’s mileage history', () => {
    // 10,000 km in 100 days: 100 km a day reaches the 10,000 km interval in 100 days.
    const heavy = [...delivered, visit('2024-05-11T10:00:00+08:00', 10_010)] as const
    const [change] = stageChanges(
      spec
        .given(eventsOf(...heavy))
        .when(evaluate('2024-08-20T10:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ to: 'declining' })
    expect(change?.evidence).toMatchObject({
      intervalBasis: 'mileage',
      expectedIntervalDays: 100,
      daysOverdue: 1,
    })
  })
  it('uses the customer’s usual interval: 1.5× of it, within 6–12 months', () => {
    const regular = [
      ...delivered,
      visit('2024-03-01T10:00:00+08:00', 10),
      visit('2024-07-01T10:00:00+08:00', 10),
      visit('2024-11-01T10:00:00+08:00', 10),
    ] as const
    const [change] = stageChanges(
      spec
        .given(eventsOf(...regular))
        .when(evaluate('2025-05-01T10:00:00+08:00'))
        .events(),
    )
    expect(change?.evidence).toMatchObject({
      intervalBasis: 'visit-history',
      expectedIntervalDays: 123,
      atRiskAfterDays: 185,
    })
    expect(change).toMatchObject({ to: 'declining' })
    const [later] = stageChanges(
      spec
        .given(eventsOf(...regular))
        .when(evaluate('2025-05-10T10:00:00+08:00'))
        .events(),
    )
    expect(later).toMatchObject({ to: 'at-risk' })
  })
  it('calls a customer with steady visits stable', () => {
    const events = spec
      .given(
        eventsOf(
          ...delivered,
          visit('2024-03-01T10:00:00+08:00', 10),
          visit('2024-07-01T10:00:00+08:00', 10),
        ),
      )
      .when(visit('2024-11-01T10:00:00+08:00', 10))
      .events()
    expect(stageChanges(events)[0]).toMatchObject({ from: 'active', to: 'stable' })
  })
  it('follows the thresholds of the policy it is given', () => {
    const strict = deciderSpec(
      lifecycleDecider({ ...defaultLifecyclePolicy, policyVersion: 'strict', atRiskFallbackDays: 200 }),
    )
    const [change] = stageChanges(
      strict
        .given(eventsOf(...active))
        .when(evaluate('2024-09-20T10:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ to: 'at-risk' })
    expect(change?.evidence.policyVersion).toBe('strict')
  })
})

describe('won back, with probation (docs/domain.md §1 stage 8, §5)', () => {
  const lost = [...active, evaluate('2025-09-01T10:00:00+08:00')] as const
  const back = [...lost, visit('2025-09-10T10:00:00+08:00', 10)] as const

  it('a lost customer who returns is won back and starts probation', () => {
    const [change] = stageChanges(
      spec
        .given(eventsOf(...lost))
        .when(visit('2025-09-10T10:00:00+08:00', 10))
        .events(),
    )
    expect(change).toMatchObject({
      from: 'lost',
      to: 'won-back',
      cause: 'service-visit',
      probationEndsAt: '2026-03-09T02:00:00.000Z',
    })
  })
  it('an at-risk customer who buys again is won back too', () => {
    const atRisk = [...active, evaluate('2024-12-01T10:00:00+08:00')] as const
    const [change] = stageChanges(
      spec
        .given(eventsOf(...atRisk))
        .when(deliver('2024-12-05T10:00:00+08:00', 'LFV2A21K5G3045678'))
        .events(),
    )
    expect(change).toMatchObject({ from: 'at-risk', to: 'won-back', cause: 'delivery' })
  })
  it('stays won back while on probation', () => {
    expect(
      stageChanges(
        spec
          .given(eventsOf(...back))
          .when(evaluate('2025-12-01T10:00:00+08:00'))
          .events(),
      ),
    ).toEqual([])
  })
  it('becomes active when probation ends', () => {
    const [change] = stageChanges(
      spec
        .given(eventsOf(...back))
        .when(evaluate('2026-03-10T10:00:00+08:00'))
        .events(),
    )
    expect(change).toMatchObject({ from: 'won-back', to: 'active', probationEndsAt: null })
  })
})

describe('manual override with a reason and an expiry (docs/domain.md §5)', () => {
  const override = cmd('OverrideStage', {
    at: '2024-04-01T10:00:00+08:00',
    stage: 'lost',
    reason: 'customer says he services his car elsewhere now',
    expiresAt: '2024-10-01T10:00:00+08:00',
  })
  it('sets the stage and records the reason and expiry', () => {
    spec
      .given(eventsOf(...active))
      .when(override)
      .then([
        {
          type: 'StageOverridden',
          data: {
            customerId: override.data.customerId,
            at: override.data.at,
            by: override.data.by,
            from: 'active',
            to: 'lost',
            reason: override.data.reason,
            expiresAt: override.data.expiresAt,
          },
        },
      ])
  })
  it('holds until it expires; then evaluations take over again', () => {
    const overridden = eventsOf(...active, override)
    expect(
      spec
        .given(overridden)
        .when(evaluate('2024-09-01T10:00:00+08:00'))
        .events()
        .map((e) => e.type),
    ).toEqual(['LifecycleEvaluated'])
    const events = spec.given(overridden).when(evaluate('2024-10-02T10:00:00+08:00')).events()
    expect(events.map((e) => e.type)).toEqual(['StageOverrideExpired', 'StageChanged', 'LifecycleEvaluated'])
    expect(stageChanges(events)[0]).toMatchObject({ from: 'lost', to: 'declining' })
  })
  it('refuses overriding a prospect or to the current stage', () => {
    spec.given(eventsOf(register())).when(override).thenError('NotAnOwner')
    spec
      .given(eventsOf(...active))
      .when(withData(override, { stage: 'active' }))
      .thenError('SameStage')
  })
  it('a fact during the override is recorded but does not move the stage', () => {
    const events = spec
      .given(eventsOf(...active, override))
      .when(visit('2024-05-01T10:00:00+08:00', 10))
      .events()
    expect(events.map((e) => e.type)).toEqual(['ServiceVisitRecorded'])
  })
  it('a customer held lost who came back meanwhile is won back when the override expires', () => {
    const events = spec
      .given(eventsOf(...active, override, visit('2024-09-20T10:00:00+08:00', 10)))
      .when(evaluate('2024-10-02T10:00:00+08:00'))
      .events()
    expect(stageChanges(events)[0]).toMatchObject({ from: 'lost', to: 'won-back', cause: 'evaluation' })
  })
})

describe('the thresholds hold to the day, under any policy (docs/domain.md §1 rules, §5)', () => {
  const delivery = '2024-02-01T10:00:00+08:00'
  const lastVisit = '2024-03-01T10:00:00+08:00'
  const daysAfter = (at: string, days: number) => new Date(Date.parse(at) + days * 86_400_000).toISOString()

  it('one visit, then an evaluation d days later: active, declining, at risk, lost', () => {
    fc.assert(
      fc.property(lifecyclePolicyArb, fc.integer({ min: 0, max: 800 }), (policy, d) => {
        const lifecycle = lifecycleDecider(policy)
        const given = eventsOf(register(), deliver(delivery), visit(lastVisit, 10))
        const state = given.reduce(lifecycle.evolve, lifecycle.initialState)
        const decision = lifecycle.decide(evaluate(daysAfter(lastVisit, d)), state)
        if (decision._tag === 'Left') throw new Error(decision.left.message)
        const after = decision.right.reduce(lifecycle.evolve, state)
        // No mileage driven and one visit: the interval is the policy's, the at-risk threshold its fallback.
        const expected =
          d > policy.lostAfterDays
            ? 'lost'
            : d > policy.atRiskFallbackDays
              ? 'at-risk'
              : d > policy.serviceIntervalDays
                ? 'declining'
                : 'active'
        expect(after.stage).toBe(expected)
        if (expected !== 'active')
          expect(after.stageEvidence).toMatchObject({
            daysSinceLastSeen: d,
            daysOverdue: Math.max(0, d - policy.serviceIntervalDays),
            atRiskAfterDays: policy.atRiskFallbackDays,
            lostAfterDays: policy.lostAfterDays,
            policyVersion: policy.policyVersion,
          })
      }),
      { numRuns: 200 },
    )
  })

  it('no visit after the delivery, then an evaluation d days later: owner, then never serviced', () => {
    fc.assert(
      fc.property(lifecyclePolicyArb, fc.integer({ min: 0, max: 800 }), (policy, d) => {
        const lifecycle = lifecycleDecider(policy)
        const state = eventsOf(register(), deliver(delivery)).reduce(lifecycle.evolve, lifecycle.initialState)
        const decision = lifecycle.decide(evaluate(daysAfter(delivery, d)), state)
        if (decision._tag === 'Left') throw new Error(decision.left.message)
        expect(decision.right.reduce(lifecycle.evolve, state).stage).toBe(
          d > policy.neverServicedAfterDays ? 'never-serviced' : 'owner',
        )
      }),
      { numRuns: 200 },
    )
  })
})
