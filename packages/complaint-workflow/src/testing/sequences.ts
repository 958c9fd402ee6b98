import fc from 'fast-check'
import { addBusinessMs } from '../calendar.js'
import type { ComplaintCommand } from '../commands.js'
import { type ComplaintPolicy, defaultComplaintPolicy } from '../policy.js'
import type { SlaClockName } from '../sla.js'
import { Severity } from '../vocabulary.js'
import {
  complaintMainLineArb,
  complaintNoiseArb,
  complaintReceiveArb,
  complaintTimedCommandArb,
  shiftedBy,
  type TimedComplaintCommand,
} from './commands.js'
import {
  type ComplaintCommandInput,
  complaintActorArb,
  complaintIdArb,
  decodedComplaintCommand,
  keysOf,
  plainRecord,
} from './values.js'

export interface ComplaintSequenceOptions {
  readonly complaintId?: string
  /**
   * The policy whose bounds the sequence aims at (default `defaultComplaintPolicy`): proposals worth exactly
   * an approval limit (and one fen either side), and `EvaluateComplaint` probes 1 ms before, at and 1 ms past the
   * moment each SLA target is reached from the receipt on the policy's calendar.
   */
  readonly policy?: ComplaintPolicy
  /** When the first command happens (default Monday 2 March 2026, 09:00 China time). */
  readonly start?: string
  /** Rounds of the procedure (a rejection, an unsatisfied call or a reopen needs another round). */
  readonly rounds?: number
}

/**
 * A realistic command sequence for one complaint: received first, then the procedure of
 * docs/domain.md §3 with steps sometimes skipped or repeated and other commands (escalation,
 * contact, pauses, EvaluateComplaint) mixed in, at increasing times — now and then one from the past.
 */
export const complaintCommandsArb = (
  options: ComplaintSequenceOptions = {},
): fc.Arbitrary<ReadonlyArray<ComplaintCommand>> =>
  complaintCommandInputsArb(options).map((inputs) => inputs.map(decodedComplaintCommand))

/** The same sequences as `complaintCommandsArb`, as the application receives them (before decoding). */
export const complaintCommandInputsArb = (
  options: ComplaintSequenceOptions = {},
): fc.Arbitrary<ReadonlyArray<ComplaintCommandInput>> => {
  const idArb =
    options.complaintId === undefined ? fc.constant('complaint-0001') : fc.constant(options.complaintId)
  const start = options.start ?? '2026-03-02T01:00:00.000Z'
  const policy = options.policy ?? defaultComplaintPolicy
  return idArb.chain((id) =>
    fc
      .tuple(
        complaintReceiveArb(id),
        fc.array(
          complaintMainLineArb(id, policy).chain((steps) =>
            fc.tuple(
              ...steps.map((step) =>
                plainRecord({
                  noise: fc.array(complaintNoiseArb(id), { maxLength: 2 }),
                  keep: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
                  step: fc.constant(step),
                }),
              ),
            ),
          ),
          { minLength: 1, maxLength: options.rounds ?? 3 },
        ),
        fc.array(fc.integer({ min: -120, max: 2 * 24 * 60 }), { minLength: 80, maxLength: 80 }),
        fc.array(slaProbeArb, { maxLength: 3 }),
        complaintActorArb,
      )
      .map(([receive, rounds, gaps, probes, scheduler]) => {
        const timed: TimedComplaintCommand[] = [receive]
        for (const round of rounds)
          for (const part of round) {
            timed.push(...part.noise)
            if (part.keep) timed.push(part.step)
          }
        let at = start
        const commands = timed.map((command, i) => {
          at = shiftedBy(at, gaps[i % gaps.length] ?? 60)
          return command(at)
        })
        return withProbes(commands, probes, policy, (probeAt) => ({
          type: 'EvaluateComplaint',
          data: { complaintId: id, by: scheduler, at: probeAt },
        }))
      }),
  )
}

/** An SLA target the sequence probes: which severity and clock, and where around the moment it is reached. */
const slaProbeArb = fc.record({
  severity: fc.constantFrom(...keysOf(Severity)),
  clock: fc.constantFrom<SlaClockName>('response', 'investigation', 'resolution'),
  offset: fc.constantFrom(-1, 0, 1),
})

/**
 * The commands with `EvaluateComplaint` probes put in time order: each 1 ms before, at or 1 ms of business time
 * past the moment its target is reached from the receipt (the deadline while nothing paused or stopped the
 * clock).
 */
const withProbes = (
  commands: ReadonlyArray<ComplaintCommandInput>,
  probes: ReadonlyArray<{ severity: Severity; clock: SlaClockName; offset: number }>,
  policy: ComplaintPolicy,
  evaluate: (at: string) => ComplaintCommandInput,
): ReadonlyArray<ComplaintCommandInput> => {
  const receivedAt = commands[0]?.data.at
  if (receivedAt === undefined) return commands
  const from = Date.parse(receivedAt)
  const out = [...commands]
  for (const { severity, clock, offset } of probes) {
    const targetMs = policy.slaTargets[severity][clock] * 60_000
    const reached = addBusinessMs(policy.calendar, from, targetMs)
    const past = addBusinessMs(policy.calendar, from, targetMs + 1)
    const probe = offset < 0 ? (reached === null ? null : reached - 1) : offset === 0 ? reached : past
    if (probe === null) continue
    const at = new Date(probe).toISOString()
    const index = out.findIndex((c, i) => i > 0 && Date.parse(c.data.at) > probe)
    out.splice(index === -1 ? out.length : index, 0, evaluate(at))
  }
  return out
}

/** Single commands at a few fixed moments, for the kit's `checkCommandSequences`. */
export const complaintCommandArb = (
  complaintId: string,
  moments: ReadonlyArray<string>,
): fc.Arbitrary<ComplaintCommand> =>
  fc
    .tuple(complaintTimedCommandArb(complaintId), fc.constantFrom(...moments))
    .map(([command, at]) => decodedComplaintCommand(command(at)))

/** Every kind of complaint command as untrusted input, at a moment of 2026 (written in UTC). */
export const complaintCommandInputArb: fc.Arbitrary<ComplaintCommandInput> = fc
  .tuple(
    complaintIdArb.chain(complaintTimedCommandArb),
    fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T23:59:59Z') }),
  )
  .map(([command, ms]) => command(new Date(ms).toISOString()))
