import { epochMs, type Instant, isBefore } from '@dealer-crm/eventsourcing'
import { checkCommandSequences, checkReplayDeterminism, runCommands, type Step } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultLifecyclePolicy,
  hasLiveConsent,
  inQuietHours,
  type LifecycleCommand,
  type LifecycleError,
  type LifecycleEvent,
  type LifecyclePolicy,
  type LifecycleStage,
  type LifecycleState,
  lifecycleDecider,
  lifecycleEvents,
  lifecycleStream,
  type StageCause,
} from '../src/index.js'
import {
  decodedLifecycleCommand,
  lifecycleCommandArb,
  lifecyclePolicyArb,
  lifecycleTimelineArb,
} from '../src/testing.js'
import { deliver, eventsOf, register } from './support.js'

const decider = lifecycleDecider()

const history = eventsOf(register('2023-12-01T10:00:00+08:00'), deliver('2023-12-15T10:00:00+08:00'))
const numRuns = 150

type LifecycleStep = Step<LifecycleCommand, LifecycleEvent, LifecycleState, LifecycleError>

const timelineOrRandom = fc.oneof(lifecycleTimelineArb(), fc.array(lifecycleCommandArb(), { maxLength: 40 }))

/** A random policy with timelines aimed at its own thresholds, or random commands. */
const policyAndCommands = lifecyclePolicyArb.chain((policy) =>
  fc.tuple(
    fc.constant(policy),
    fc.oneof(lifecycleTimelineArb(40, policy), fc.array(lifecycleCommandArb(), { maxLength: 40 })),
  ),
)

/**
 * The invariant over random-order sequences under the default policy (mostly refusals; a rejected
 * command must change nothing), and over timelines and random sequences under random policies.
 */
const checkSteps = (invariant: (step: LifecycleStep, policy: LifecyclePolicy) => boolean | undefined) => {
  checkCommandSequences({
    decider,
    commands: lifecycleCommandArb(),
    history,
    numRuns,
    invariant: (step) => invariant(step, defaultLifecyclePolicy),
  })
  fc.assert(
    fc.property(policyAndCommands, ([policy, commands]) => {
      const lifecycle = lifecycleDecider(policy)
      const steps = runCommands(lifecycle, commands, history)
      for (const step of steps) expect(invariant(step, policy)).not.toBe(false)
      const last = steps[steps.length - 1]
      if (last !== undefined)
        expect(last.history.reduce(lifecycle.evolve, lifecycle.initialState)).toEqual(last.after)
    }),
    { numRuns },
  )
}

/**
 * The commands that are lifecycle facts: the rest (consents, touchpoints, segments…) must not move
 * a stage. Inbound contacts stay, as one may say the customer went elsewhere (and an earlier
 * contact with the same id makes that one a duplicate).
 */
const isLifecycleFact = (c: LifecycleCommand) =>
  c.type === 'RegisterProspect' ||
  c.type === 'RecordDelivery' ||
  c.type === 'RecordServiceVisit' ||
  c.type === 'TransferOwnership' ||
  c.type === 'EvaluateCustomer' ||
  c.type === 'OverrideStage' ||
  c.type === 'RecordInboundContact'

const stageSetBy = (e: LifecycleEvent) =>
  e.type === 'StageChanged' || e.type === 'StageOverridden' ? e.data.to : null

/** The stages a fact can bring by itself; the time-driven ones (declining, at risk, never serviced) only come from an evaluation. */
const reachableByFact: Readonly<Record<Exclude<StageCause, 'evaluation'>, ReadonlyArray<LifecycleStage>>> = {
  delivery: ['owner', 'active', 'stable', 'won-back'],
  'service-visit': ['active', 'stable', 'won-back'],
  'ownership-transfer': ['lost'],
  'inbound-contact': ['lost'],
}

describe('properties over random command sequences', () => {
  it('the stage is the one the last stage event recorded, with evidence and the policy version', () => {
    checkSteps(({ after, outcome, history: events }, policy) => {
      const stages = events.map(stageSetBy).filter((s) => s !== null)
      expect(after.stage).toBe(stages[stages.length - 1] ?? 'prospect')
      for (const e of outcome.ok ? outcome.events : [])
        if (e.type === 'StageChanged') expect(e.data.evidence.policyVersion).toBe(policy.policyVersion)
      return true
    })
  })

  it('a stage is a function of the recorded facts, the evaluation times and the policy', () => {
    fc.assert(
      fc.property(lifecyclePolicyArb, timelineOrRandom, (policy, commands) => {
        const lifecycle = lifecycleDecider(policy)
        const all = runCommands(lifecycle, commands, history)
        const onlyFacts = runCommands(lifecycle, commands.filter(isLifecycleFact), history)
        const start = history.reduce(lifecycle.evolve, lifecycle.initialState)
        const a = all[all.length - 1]?.after ?? start
        const b = onlyFacts[onlyFacts.length - 1]?.after ?? start
        expect([a.stage, a.stageSince, a.probationEndsAt, a.stageEvidence]).toEqual([
          b.stage,
          b.stageSince,
          b.probationEndsAt,
          b.stageEvidence,
        ])
        const again = runCommands(lifecycle, commands, history)
        expect(again.map((s) => s.outcome)).toEqual(all.map((s) => s.outcome))
      }),
      { numRuns },
    )
  })

  it('evaluating again at the time of the last evaluation changes nothing', () => {
    fc.assert(
      fc.property(lifecyclePolicyArb, lifecycleTimelineArb(), (policy, commands) => {
        const lifecycle = lifecycleDecider(policy)
        const steps = runCommands(lifecycle, commands, history)
        const state =
          steps[steps.length - 1]?.after ?? history.reduce(lifecycle.evolve, lifecycle.initialState)
        const at = state.lastEvaluatedAt ?? '2024-01-01T10:00:00+08:00'
        const evaluate = (s: LifecycleState) =>
          lifecycle.decide(
            decodedLifecycleCommand({
              type: 'EvaluateCustomer',
              data: { customerId: 'c-1', at, by: { id: 'scheduler', role: 'scheduler' } },
            }),
            s,
          )
        const first = evaluate(state)
        if (first._tag === 'Left') throw new Error(first.left.message)
        const second = evaluate(first.right.reduce(lifecycle.evolve, state))
        expect(second._tag === 'Right' && second.right.map((e) => e.type)).toEqual(['LifecycleEvaluated'])
      }),
      { numRuns },
    )
  })

  it('time moves a stage only through EvaluateCustomer: a fact never brings a time-driven stage', () => {
    checkSteps(({ outcome }) => {
      for (const e of outcome.ok ? outcome.events : [])
        if (e.type === 'StageChanged' && e.data.cause !== 'evaluation')
          expect(reachableByFact[e.data.cause]).toContain(e.data.to)
      return true
    })
  })

  it('no marketing touchpoint is planned or made without live consent, in the quiet hours or over the cap', () => {
    checkSteps(({ before, after, outcome }, policy) => {
      if (!outcome.ok) return true
      for (const e of outcome.events) {
        if (e.type === 'TouchpointPlanned') {
          expect(hasLiveConsent(before, e.data.purpose, e.data.channel, policy)).toBe(true)
          if (e.data.purpose === 'marketing')
            expect(before.consents[`marketing/${e.data.channel}`]?.status).toBe('granted')
          expect(inQuietHours(e.data.dueAt, policy)).toBe(false)
        }
        if (e.type === 'TouchpointDone') {
          expect(hasLiveConsent(before, e.data.purpose, e.data.channel, policy)).toBe(true)
          if (e.data.purpose === 'marketing')
            expect(before.consents[`marketing/${e.data.channel}`]?.status).toBe('granted')
        }
      }
      const marketing = Object.values(after.touchpoints)
        .filter((tp) => tp.purpose === 'marketing' && tp.status !== 'cancelled')
        .map((tp) => epochMs(tp.dueAt))
      const width = policy.marketingCap.withinDays * 86_400_000
      for (const start of marketing)
        expect(marketing.filter((t) => t >= start && t < start + width).length).toBeLessThanOrEqual(
          policy.marketingCap.max,
        )
      return true
    })
  })

  it('the generated sequences do reach marketing contacts, refusals and every stage', () => {
    const seen = new Set<string>()
    for (const [policy, commands] of fc.sample(fc.tuple(lifecyclePolicyArb, lifecycleTimelineArb()), {
      numRuns: 150,
      seed: 7,
    }))
      for (const step of runCommands(lifecycleDecider(policy), commands, history)) {
        if (!step.outcome.ok) seen.add(step.outcome.error.code)
        for (const e of step.outcome.ok ? step.outcome.events : []) {
          if (e.type === 'TouchpointPlanned' || e.type === 'TouchpointDone')
            seen.add(`${e.type}:${e.data.purpose}`)
          if (e.type === 'StageChanged') seen.add(`${e.data.cause}→${e.data.to}`)
        }
      }
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'TouchpointPlanned:marketing',
        'TouchpointDone:marketing',
        'NoLiveConsent',
        'QuietHours',
        'evaluation→at-risk',
        'evaluation→lost',
        'evaluation→never-serviced',
        'service-visit→won-back',
        'inbound-contact→lost',
      ]),
    )
  })

  it('won-back customers pass through probation', () => {
    checkSteps(({ before, outcome }) => {
      if (!outcome.ok) return true
      for (const e of outcome.events) {
        if (e.type !== 'StageChanged') continue
        const { from, to } = e.data
        if ((from === 'at-risk' || from === 'lost') && (to === 'active' || to === 'stable'))
          throw new Error(`${from} → ${to} without being won back`)
        if (to === 'won-back') expect(e.data.probationEndsAt).not.toBeNull()
        if (from === 'won-back' && (to === 'active' || to === 'stable') && before.probationEndsAt !== null)
          expect(isBefore(e.data.at, before.probationEndsAt)).toBe(false)
      }
      return true
    })
  })

  it('an evaluation earlier than the last one is rejected', () => {
    checkSteps(({ command, before, outcome }) => {
      if (command.type !== 'EvaluateCustomer' || command.data.customerId !== before.customerId) return true
      const early = before.lastEvaluatedAt !== null && isBefore(command.data.at, before.lastEvaluatedAt)
      expect(outcome.ok ? 'accepted' : outcome.error.code).toBe(early ? 'BeforeLastEvaluation' : 'accepted')
      return true
    })
  })

  it('replay reproduces the state: events stored as JSON, personal data sealed, read back and folded', async () => {
    await checkReplayDeterminism({
      decider,
      registry: lifecycleEvents,
      streamName: lifecycleStream('c-1'),
      commands: lifecycleTimelineArb(30),
      history,
      numRuns: 60,
    })
  })
})

// ── The time thresholds, decided on the right side of each bound (issue #18; docs/domain.md §1, §5) ──

const DAY_MS = 86_400_000

/**
 * The time-driven stage an evaluation must give, from the recorded facts and the policy's numbers alone:
 * whole days since the customer was last seen (last visit or delivery of a car still owned); lost after
 * `lostAfterDays`; at risk after the fallback when the usual interval is unknown (fewer than two visits and
 * no distance driven); never serviced after `neverServicedAfterDays` for an owner who never came back.
 * `null` when other rules decide (no car left, went elsewhere) or the interval is the customer's own.
 */
const thresholdStage = (
  s: LifecycleState,
  at: Instant,
  policy: LifecyclePolicy,
): LifecycleStage | 'not-lost' | null => {
  const owned = Object.values(s.vehicles).filter((v) => v.owned)
  if (owned.length === 0) return null
  const visits = s.visits.filter((v) => s.vehicles[v.vin]?.owned === true).map((v) => epochMs(v.at))
  const lastSeen = Math.max(...owned.map((v) => epochMs(v.deliveredAt)), ...visits)
  if (s.saidWentElsewhereAt !== null && epochMs(s.saidWentElsewhereAt) > lastSeen) return null
  const days = Math.floor((epochMs(at) - lastSeen) / DAY_MS)
  if (visits.length === 0) return days > policy.neverServicedAfterDays ? 'never-serviced' : 'owner'
  if (days > policy.lostAfterDays) return 'lost'
  const drove = owned.some((v) => v.readings.some((r) => r.km !== v.readings[0]?.km))
  if (visits.length < 2 && !drove) return days > policy.atRiskFallbackDays ? 'at-risk' : 'not-lost'
  return 'not-lost'
}

describe('time thresholds (docs/domain.md §1 rules, §5)', () => {
  const policyAndTimeline = fc
    .oneof(fc.constant(defaultLifecyclePolicy), lifecyclePolicyArb)
    .chain((policy) => fc.tuple(fc.constant(policy), lifecycleTimelineArb(40, policy)))

  it('every evaluation gives the stage the thresholds give, counted from the facts: lost after 540 whole days, not at 540', () => {
    fc.assert(
      fc.property(policyAndTimeline, ([policy, commands]) => {
        for (const step of runCommands(lifecycleDecider(policy), commands, history)) {
          const { command, before, after } = step
          if (command.type !== 'EvaluateCustomer' || !step.outcome.ok || command.data.customerId !== 'c-1')
            continue
          const held = before.override !== null && !isBefore(before.override.expiresAt, command.data.at)
          if (held || after.override !== null) continue
          const expected = thresholdStage(before, command.data.at, policy)
          if (expected === null) continue
          if (expected === 'not-lost') expect(after.stage).not.toBe('lost')
          else expect(after.stage).toBe(expected)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('the timelines do evaluate a day before, on and a day after the lost threshold', () => {
    const seen = new Set<number>()
    for (const commands of fc.sample(lifecycleTimelineArb(40), { numRuns: 300, seed: 540 }))
      for (const step of runCommands(decider, commands, history)) {
        if (step.command.type !== 'EvaluateCustomer' || !step.outcome.ok) continue
        const s = step.before
        const visits = s.visits.filter((v) => s.vehicles[v.vin]?.owned === true).map((v) => epochMs(v.at))
        const owned = Object.values(s.vehicles).filter((v) => v.owned)
        if (visits.length === 0 || owned.length === 0) continue
        const lastSeen = Math.max(...owned.map((v) => epochMs(v.deliveredAt)), ...visits)
        const days = Math.floor((epochMs(step.command.data.at) - lastSeen) / DAY_MS)
        if (Math.abs(days - defaultLifecyclePolicy.lostAfterDays) <= 1) seen.add(days)
      }
    expect([...seen].sort()).toEqual([539, 540, 541])
  })
})
