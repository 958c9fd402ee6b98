import fc from 'fast-check'
import type { ComplaintCommand } from '../commands.js'
import { complaintDecider } from '../decide.js'
import type { ComplaintEvent } from '../events.js'
import { type ComplaintPolicy, defaultComplaintPolicy } from '../policy.js'
import { type ComplaintSequenceOptions, complaintCommandsArb } from './sequences.js'

/** Policies a dealer might set: other targets, tiers, calendars, levels and escalation rules. */
export const complaintPolicyArb: fc.Arbitrary<ComplaintPolicy> = fc
  .record({
    targets: fc.array(fc.integer({ min: 60, max: 10 * 24 * 60 }), { minLength: 9, maxLength: 9 }),
    managerLimit: fc.integer({ min: 0, max: 300_000 }),
    directorExtra: fc.integer({ min: 1, max: 1_000_000 }),
    workingWeekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    holidays: fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { maxLength: 5 }),
    opensAtMinute: fc.integer({ min: 0, max: 10 * 60 }),
    openMinutes: fc.integer({ min: 60, max: 14 * 60 }),
    maxHandlingLevel: fc.integer({ min: 1, max: 4 }),
    repeatWithinDays: fc.integer({ min: 0, max: 365 }),
    onRejectedResolution: fc.boolean(),
  })
  .map((r) => {
    const [a = 60, b = 60, c = 60, d = 60, e = 60, f = 60, g = 60, h = 60, i = 60] = r.targets
    return {
      ...defaultComplaintPolicy,
      policyVersion: 'arbitrary',
      calendar: {
        ...defaultComplaintPolicy.calendar,
        workingWeekdays: r.workingWeekdays,
        holidays: r.holidays.map((day) => `2026-03-${String(day).padStart(2, '0')}`),
        opensAtMinute: r.opensAtMinute,
        closesAtMinute: r.opensAtMinute + r.openMinutes,
      },
      slaTargets: {
        general: { response: a, investigation: b, resolution: c },
        escalated: { response: d, investigation: e, resolution: f },
        major: { response: g, investigation: h, resolution: i },
      },
      approvalTiers: [
        { role: 'service-manager', upToFen: r.managerLimit },
        { role: 'after-sales-director', upToFen: r.managerLimit + r.directorExtra },
        { role: 'general-manager', upToFen: null },
      ],
      maxHandlingLevel: r.maxHandlingLevel,
      autoEscalation: {
        ...defaultComplaintPolicy.autoEscalation,
        repeatWithinDays: r.repeatWithinDays,
        onRejectedResolution: r.onRejectedResolution,
      },
    }
  })

/** The events a command sequence leaves under a policy (refused commands leave nothing). */
export const complaintHistoryUnder = (
  policy: ComplaintPolicy,
  commands: ReadonlyArray<ComplaintCommand>,
): ReadonlyArray<ComplaintEvent> => {
  const decider = complaintDecider(policy)
  const history: ComplaintEvent[] = []
  let state = decider.initialState
  for (const command of commands) {
    const decision = decider.decide(command, state)
    if (decision._tag === 'Right')
      for (const e of decision.right) {
        history.push(e)
        state = decider.evolve(state, e)
      }
  }
  return history
}

/** Event histories of one complaint, as the decider would have recorded them. */
export const complaintHistoryArb = (
  policy: ComplaintPolicy = defaultComplaintPolicy,
  options: ComplaintSequenceOptions = {},
): fc.Arbitrary<ReadonlyArray<ComplaintEvent>> =>
  complaintCommandsArb(options).map((commands) => complaintHistoryUnder(policy, commands))
