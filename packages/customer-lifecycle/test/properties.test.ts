import { checkCommandSequences, runCommands, type Step } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Command,
  type Customer,
  type CustomerLifecycleEvent,
  customerLifecycle,
  decider,
  defaultPolicy,
  hasLiveConsent,
  inQuietHours,
  isBefore,
  type LifecycleError,
  ms,
} from '../src/index.js'
import { commandArb, commandTimelineArb, customerHistoryArb, policyArb } from '../src/testing.js'
import { deliver, eventsOf, register } from './support.js'

const history = eventsOf(register('2023-12-01T10:00:00+08:00'), deliver('2023-12-15T10:00:00+08:00'))
const numRuns = 150

type LifecycleStep = Step<Command, CustomerLifecycleEvent, Customer, LifecycleError>

/** The invariant over random-order sequences (mostly refusals) and over timelines (customers really move). */
const checkSteps = (invariant: (step: LifecycleStep) => boolean | undefined) => {
  checkCommandSequences({ decider, commands: commandArb(), history, numRuns, invariant })
  fc.assert(
    fc.property(commandTimelineArb(), (commands) => {
      const steps = runCommands(decider, commands, history)
      for (const step of steps) expect(invariant(step)).not.toBe(false)
      const last = steps[steps.length - 1]
      if (last !== undefined)
        expect(last.history.reduce(decider.evolve, decider.initialState)).toEqual(last.after)
    }),
    { numRuns },
  )
}

const lifecycleFacts = new Set<Command['type']>([
  'RegisterProspect',
  'RecordDelivery',
  'RecordServiceVisit',
  'TransferOwnership',
  'EvaluateAt',
  'OverrideStage',
])

const stageSetBy = (e: CustomerLifecycleEvent) =>
  e.type === 'StageChanged' || e.type === 'StageOverridden' ? e.data.to : null

describe('properties over random command sequences', () => {
  it('the stage is the one the last stage event recorded, with evidence and the policy version', () => {
    checkSteps(({ after, history: events }) => {
      const stages = events.map(stageSetBy).filter((s) => s !== null)
      expect(after.stage).toBe(stages[stages.length - 1] ?? 'prospect')
      for (const e of events)
        if (e.type === 'StageChanged') expect(e.data.evidence.policyVersion).toBe(defaultPolicy.policyVersion)
      return true
    })
  })

  it('a stage is a function of the recorded facts, the evaluation times and the policy', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.oneof(commandTimelineArb(), fc.array(commandArb(), { maxLength: 40 })),
        (policy, commands) => {
          const lifecycle = customerLifecycle(policy)
          const all = runCommands(lifecycle, commands, history)
          const onlyFacts = runCommands(
            lifecycle,
            commands.filter((c) => lifecycleFacts.has(c.type)),
            history,
          )
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
          for (const step of all)
            for (const e of step.outcome.ok ? step.outcome.events : [])
              if (e.type === 'StageChanged') expect(e.data.evidence.policyVersion).toBe(policy.policyVersion)
        },
      ),
      { numRuns },
    )
  })

  it('no marketing touchpoint is planned or made without live consent, in the quiet hours or over the cap', () => {
    checkSteps(({ before, after, outcome }) => {
      if (!outcome.ok) return true
      for (const e of outcome.events) {
        if (e.type === 'TouchpointPlanned') {
          expect(hasLiveConsent(before, e.data.purpose, e.data.channel, defaultPolicy)).toBe(true)
          expect(inQuietHours(e.data.dueAt, defaultPolicy)).toBe(false)
        }
        if (e.type === 'TouchpointDone' && e.data.purpose === 'marketing')
          expect(hasLiveConsent(before, 'marketing', e.data.channel, defaultPolicy)).toBe(true)
      }
      const marketing = Object.values(after.touchpoints)
        .filter((tp) => tp.purpose === 'marketing' && tp.status !== 'cancelled')
        .map((tp) => ms(tp.dueAt))
      const width = defaultPolicy.marketingCap.withinDays * 86_400_000
      for (const start of marketing)
        expect(marketing.filter((t) => t >= start && t < start + width).length).toBeLessThanOrEqual(
          defaultPolicy.marketingCap.max,
        )
      return true
    })
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
      if (command.type !== 'EvaluateAt' || command.data.customerId !== before.customerId) return true
      const early = before.lastEvaluatedAt !== null && isBefore(command.data.at, before.lastEvaluatedAt)
      expect(outcome.ok ? 'accepted' : outcome.error.code).toBe(early ? 'BeforeLastEvaluation' : 'accepted')
      return true
    })
  })

  it('replay reproduces the state of any generated history', () => {
    fc.assert(
      fc.property(customerHistoryArb(), (events) => {
        const once = events.reduce(decider.evolve, decider.initialState)
        const twice = events.reduce(decider.evolve, decider.initialState)
        expect(twice).toEqual(once)
        expect(JSON.parse(JSON.stringify(events))).toEqual(events)
      }),
      { numRuns: 100 },
    )
  })
})
