import { type CustomerId, epochMs, type Instant, instantOf, type StaffId } from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import type { LifecycleCommand } from '../commands.js'
import { lifecycleDecider } from '../decide.js'
import type { LifecycleEvent } from '../events.js'
import { defaultLifecyclePolicy, type LifecyclePolicy } from '../policy.js'
import { lifecycleCommandArb, lifecycleRegisterProspectArb } from './commands.js'
import { DAY } from './values.js'

const scheduler = { id: 'scheduler' as StaffId, role: 'scheduler' as const }

/** When the generated customer registers: before every generated command (2023-12-01 10:00 China time). */
const registeredAt = instantOf(Date.parse('2023-12-01T02:00:00Z')) as Instant

/**
 * Commands as a dealership produces them: in time order, odometers only going up, so that
 * customers really move through their stages (random order mostly exercises refusals). Evaluations
 * are also aimed at the policy's thresholds on purpose: a day before, on and a day after the day each
 * time threshold (lost, at risk, never serviced, the service interval, probation, the stable window) is
 * reached from a delivery or a visit in the timeline.
 */
export const lifecycleTimelineArb = (
  maxLength = 40,
  policy: LifecyclePolicy = defaultLifecyclePolicy,
): fc.Arbitrary<ReadonlyArray<LifecycleCommand>> =>
  fc
    .tuple(
      fc.array(lifecycleCommandArb(), { minLength: Math.floor(maxLength / 4), maxLength }),
      fc.array(
        fc.record({
          fact: fc.nat(),
          days: fc.constantFrom(...lifecycleThresholdDays(policy)),
          offset: fc.constantFrom(-1, 0, 1),
        }),
        { maxLength: 4 },
      ),
    )
    .map(([commands, probes]) => {
      let km = 0
      const timeline = [...commands]
        .sort((a, b) => epochMs(a.data.at) - epochMs(b.data.at))
        .map((c) => {
          if (c.type !== 'RecordServiceVisit') return c
          km += Math.round(c.data.mileageKm / 20)
          return { ...c, data: { ...c.data, mileageKm: km } }
        })
      return withThresholdProbes(timeline, probes)
    })

/** The time thresholds of a policy, in days from the last visit or delivery. */
export const lifecycleThresholdDays = (policy: LifecyclePolicy): ReadonlyArray<number> => [
  ...new Set([
    policy.lostAfterDays,
    policy.atRiskFallbackDays,
    policy.atRiskMinDays,
    policy.atRiskMaxDays,
    policy.neverServicedAfterDays,
    policy.serviceIntervalDays,
    policy.wonBackProbationDays,
    policy.stableWindowDays,
  ]),
]

/** The timeline with `EvaluateCustomer` put in time order at `days + offset` days after a delivery or a visit in it. */
const withThresholdProbes = (
  timeline: ReadonlyArray<LifecycleCommand>,
  probes: ReadonlyArray<{ fact: number; days: number; offset: number }>,
): ReadonlyArray<LifecycleCommand> => {
  const facts = timeline.filter(
    (c) => c.data.customerId === 'c-1' && (c.type === 'RecordDelivery' || c.type === 'RecordServiceVisit'),
  )
  const out = [...timeline]
  for (const { fact, days, offset } of probes) {
    const from = facts[fact % Math.max(1, facts.length)]
    if (from === undefined) continue
    const at = epochMs(from.data.at) + (days + offset) * DAY
    const index = out.findIndex((c) => epochMs(c.data.at) > at)
    out.splice(index === -1 ? out.length : index, 0, {
      type: 'EvaluateCustomer',
      data: { customerId: 'c-1' as CustomerId, at: instantOf(at), by: scheduler },
    })
  }
  return out
}

/** A registered customer's accepted events after a timeline of commands under the policy. */
export const lifecycleHistoryArb = (
  policy: LifecyclePolicy = defaultLifecyclePolicy,
): fc.Arbitrary<ReadonlyArray<LifecycleEvent>> =>
  fc.tuple(lifecycleRegisterProspectArb, lifecycleTimelineArb()).map(([first, rest]) => {
    const decider = lifecycleDecider(policy)
    const events: LifecycleEvent[] = []
    let state = decider.initialState
    for (const command of [
      { ...first, data: { ...first.data, at: registeredAt } } as LifecycleCommand,
      ...rest,
    ]) {
      const decision = decider.decide(command, state)
      if (decision._tag === 'Right')
        for (const e of decision.right) {
          events.push(e)
          state = decider.evolve(state, e)
        }
    }
    return events
  })
