import fc from 'fast-check'
import { addBusinessMs } from './calendar.js'
import type { ComplaintCommand, ReceiveComplaint } from './commands.js'
import type { ComplaintEvent } from './events.js'
import { ComplaintId, CustomerId, RepairOrderId, StaffId, VehicleId } from './ids.js'
import { complaintDecider } from './index.js'
import { type ComplaintPolicy, defaultComplaintPolicy } from './policy.js'
import type { SlaClockName } from './sla.js'
import type { Instant } from './values.js'
import {
  Channel,
  type Compensation,
  type Explanation,
  PauseReason,
  Role,
  RootCause,
  Severity,
  type Staff,
} from './vocabulary.js'

// fast-check arbitraries for users who property-test the rules against their own policies
// (ARCHITECTURE.md "Who uses it": property-test the rules). Exported as
// "@dealer-crm/complaint-workflow/testing".

/** Records with an ordinary prototype, like commands decoded from JSON (fast-check may make them null-prototype). */
const plainRecord = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true })

/** A command that still needs its moment: sequences stamp increasing times on them. */
export type TimedCommand = (at: Instant) => ComplaintCommand

const keysOf = <K extends string>(codec: { readonly keys: Readonly<Record<K, unknown>> }): ReadonlyArray<K> =>
  Object.keys(codec.keys).filter((k): k is K => k in codec.keys)

const roles = keysOf(Role)

/** Identifiers of one branded kind, checked by their codec (no casts). */
const idsOf = <A extends string>(
  is: (u: unknown) => u is A,
  ...values: ReadonlyArray<string>
): ReadonlyArray<A> => values.filter((v): v is A => is(v))

export const complaintIdArb = fc.constantFrom(...idsOf(ComplaintId.is, 'complaint-0001', 'complaint-0002'))
export const staffArb: fc.Arbitrary<Staff> = plainRecord({
  id: fc.constantFrom(
    ...idsOf(StaffId.is, 'advisor-wang', 'manager-li', 'director-zhao', 'gm-zhou', 'callback-chen'),
  ),
  role: fc.constantFrom(...roles),
})
/** Mostly someone senior enough to approve, so sequences reach the later steps. */
const managerArb: fc.Arbitrary<Staff> = plainRecord({
  id: fc.constantFrom(...idsOf(StaffId.is, 'manager-li', 'director-zhao', 'gm-zhou')),
  role: fc.constantFrom(
    'service-manager' as const,
    'after-sales-director' as const,
    'general-manager' as const,
  ),
})
const customerIdArb = fc.constantFrom(...idsOf(CustomerId.is, 'customer-0007', 'customer-0042'))

/** Free text a clerk might type; sometimes a media or 12315 threat (docs/domain.md §5 Complaints). */
export const noteArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('空调异响', 'The noise is back', 'Waiting for the blower motor', '价格报错'),
  },
  { weight: 1, arbitrary: fc.constantFrom('我要找媒体曝光', 'I will call 12315', 'my lawyer will write') },
)

/** Typed compensation, with values on both sides of the default approval tiers. */
export const compensationArb: fc.Arbitrary<Compensation> = fc.oneof(
  plainRecord({ kind: fc.constant('apology' as const), givenBy: fc.constantFrom(...roles) }),
  plainRecord({
    kind: fc.constant('discount' as const),
    percent: fc.integer({ min: 1, max: 100 }),
    onAmount: fc.integer({ min: 0, max: 800_000 }),
  }),
  plainRecord({
    kind: fc.constant('price-correction' as const),
    amount: fc.integer({ min: 0, max: 600_000 }),
  }),
  plainRecord({
    kind: fc.constant('service-voucher' as const),
    amount: fc.integer({ min: 0, max: 200_000 }),
  }),
  plainRecord({ kind: fc.constant('goodwill-points' as const), points: fc.integer({ min: 1, max: 50_000 }) }),
)

/**
 * One compensation item worth exactly a tier's limit, one fen below or one fen above it (docs/domain.md §3:
 * "compensation above a policy limit needs approval by a higher role"), as a price correction, a service
 * voucher or goodwill points; so the approval tier at its bound is tested on purpose, not by chance.
 */
export const compensationAtTierLimitsArb = (
  policy: ComplaintPolicy = defaultComplaintPolicy,
): fc.Arbitrary<Compensation> => {
  const limits = policy.approvalTiers.flatMap((t) => (t.upToFen === null ? [] : [t.upToFen]))
  const values = [...new Set(limits.flatMap((l) => [l - 1, l, l + 1]))].filter((v) => v > 0)
  if (values.length === 0) return compensationArb
  const value = fc.constantFrom(...values)
  const perPoint = policy.fenPerGoodwillPoint
  return fc.oneof(
    value.map((amount): Compensation => ({ kind: 'price-correction', amount })),
    value.map((amount): Compensation => ({ kind: 'service-voucher', amount })),
    ...(perPoint > 0
      ? [
          value
            .filter((v) => v % perPoint === 0)
            .map((v): Compensation => ({ kind: 'goodwill-points', points: v / perPoint })),
        ]
      : []),
  )
}

export const explanationArb: fc.Arbitrary<Explanation> = fc.oneof(
  plainRecord({
    kind: fc.constant('standard-price-list' as const),
    summary: fc.constant('The standard parts price list'),
  }),
  plainRecord({
    kind: fc.constant('technical-explanation' as const),
    summary: fc.constant('Why the blower failed'),
  }),
)

const receiveArb = (complaintId: ComplaintId): fc.Arbitrary<TimedCommand> =>
  fc
    .record({
      customerId: customerIdArb,
      channel: fc.constantFrom(...keysOf(Channel)),
      account: noteArb,
      vehicleId: fc.option(fc.constantFrom(...idsOf(VehicleId.is, 'vehicle-0042')), { nil: null }),
      repairOrderId: fc.option(fc.constantFrom(...idsOf(RepairOrderId.is, 'ro-2026-0001')), { nil: null }),
      owner: staffArb.map((s) => s.id),
      severity: fc.constantFrom(...keysOf(Severity)),
      safetyRelated: fc.boolean(),
      count: fc.integer({ min: 0, max: 3 }),
      lastDaysAgo: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
      by: staffArb,
    })
    .map(
      (r): TimedCommand =>
        (at) => {
          const data: ReceiveComplaint['data'] = {
            complaintId,
            customerId: r.customerId,
            channel: r.channel,
            account: r.account,
            remedySought: 'Fix it properly',
            vehicleId: r.vehicleId,
            repairOrderId: r.repairOrderId,
            owner: r.owner,
            severity: r.severity,
            safetyRelated: r.safetyRelated,
            priorComplaints: {
              count: r.count,
              lastReceivedAt: r.lastDaysAgo === null ? null : shift(at, -r.lastDaysAgo * 24 * 60),
            },
            by: r.by,
            at,
          }
          return { type: 'ReceiveComplaint', data }
        },
    )

/** One arbitrary command of every kind, valid or not for the complaint's stage and the actor's role. */
export const timedCommandArb = (complaintId: ComplaintId): fc.Arbitrary<TimedCommand> =>
  fc.oneof(
    receiveArb(complaintId),
    mainLineArb(complaintId).chain((steps) => fc.constantFrom(...steps)),
    noiseArb(complaintId),
  )

const plain =
  (
    complaintId: ComplaintId,
    type:
      | 'AcknowledgeComplaint'
      | 'ApproveResolution'
      | 'ExecuteResolution'
      | 'ResumeComplaint'
      | 'EvaluateAt',
  ) =>
  (by: Staff): TimedCommand =>
  (at) => ({ type, data: { complaintId, by, at } })

/** The procedure of docs/domain.md §3 in order, each step by a random member of staff. */
const mainLineArb = (
  complaintId: ComplaintId,
  policy: ComplaintPolicy = defaultComplaintPolicy,
): fc.Arbitrary<ReadonlyArray<TimedCommand>> =>
  fc
    .record({
      acknowledge: staffArb.map(plain(complaintId, 'AcknowledgeComplaint')),
      confirm: staffArb.map(
        (by): TimedCommand =>
          (at) => ({
            type: 'ConfirmProblem',
            data: { complaintId, courseOfEvents: '空调异响', cause: 'blower motor', keyFactors: [], by, at },
          }),
      ),
      analyse: fc
        .record({
          severity: fc.constantFrom(...keysOf(Severity)),
          safetyRelated: fc.boolean(),
          justified: fc.boolean(),
          needsFurtherInvestigation: fc.boolean(),
          by: staffArb,
        })
        .map(
          (r): TimedCommand =>
            (at) => ({ type: 'AnalyseComplaint', data: { complaintId, ...r, wantsBeyondMoney: [], at } }),
        ),
      propose: fc
        .record({
          compensation: fc.oneof(
            { weight: 3, arbitrary: fc.array(compensationArb, { maxLength: 3 }) },
            { weight: 1, arbitrary: compensationAtTierLimitsArb(policy).map((c) => [c]) },
          ),
          explanations: fc.array(explanationArb, { maxLength: 2 }),
          by: staffArb,
        })
        .map(
          (r): TimedCommand =>
            (at) => ({ type: 'ProposeResolution', data: { complaintId, ...r, at } }),
        ),
      approve: fc
        .oneof({ weight: 3, arbitrary: managerArb }, { weight: 1, arbitrary: staffArb })
        .map(plain(complaintId, 'ApproveResolution')),
      decision: plainRecord({ accept: fc.integer({ min: 0, max: 4 }).map((n) => n > 0), by: staffArb }).map(
        (r): TimedCommand =>
          (at) => ({
            type: 'RecordCustomerDecision',
            data: r.accept
              ? { complaintId, decision: 'accept', reason: null, by: r.by, at }
              : { complaintId, decision: 'reject', reason: 'not enough', by: r.by, at },
          }),
      ),
      execute: staffArb.map(plain(complaintId, 'ExecuteResolution')),
      followUp: plainRecord({
        satisfied: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
        by: staffArb,
      }).map(
        (r): TimedCommand =>
          (at) => ({
            type: 'RecordFollowUpCall',
            data: { complaintId, satisfied: r.satisfied, customerSaid: 'OK', by: r.by, at },
          }),
      ),
      close: plainRecord({ rootCause: fc.constantFrom(...keysOf(RootCause)), by: staffArb }).map(
        (r): TimedCommand =>
          (at) => ({
            type: 'CloseComplaint',
            data: {
              complaintId,
              rootCause: r.rootCause,
              lessonsLearned: 'Inspect completely',
              correctiveActions: [],
              internalNotice: null,
              by: r.by,
              at,
            },
          }),
      ),
    })
    .map((s) => [
      s.acknowledge,
      s.confirm,
      s.analyse,
      s.propose,
      s.approve,
      s.decision,
      s.execute,
      s.followUp,
      s.close,
    ])

/** Commands that may come at any time: escalation, contact, pauses and the SLA scheduler. */
const noiseArb = (complaintId: ComplaintId): fc.Arbitrary<TimedCommand> =>
  fc.oneof(
    plainRecord({ reason: noteArb, by: staffArb }).map(
      (r): TimedCommand =>
        (at) => ({ type: 'EscalateComplaint', data: { complaintId, ...r, at } }),
    ),
    plainRecord({ channel: fc.constantFrom(...keysOf(Channel)), note: noteArb, by: staffArb }).map(
      (r): TimedCommand =>
        (at) => ({ type: 'RecordCustomerContact', data: { complaintId, ...r, at } }),
    ),
    plainRecord({ reason: fc.constantFrom(...keysOf(PauseReason)), by: staffArb }).map(
      (r): TimedCommand =>
        (at) => ({ type: 'PauseComplaint', data: { complaintId, ...r, at } }),
    ),
    staffArb.map(plain(complaintId, 'ResumeComplaint')),
    staffArb.map(plain(complaintId, 'EvaluateAt')),
  )

const shift = (at: Instant, minutes: number): Instant =>
  new Date(Date.parse(at) + minutes * 60_000).toISOString()

export interface SequenceOptions {
  readonly complaintId?: ComplaintId
  /**
   * The policy whose bounds the sequence aims at (default `defaultComplaintPolicy`): proposals worth exactly
   * an approval limit (and one fen either side), and `EvaluateAt` probes 1 ms before, at and 1 ms past the
   * moment each SLA target is reached from the receipt on the policy's calendar.
   */
  readonly policy?: ComplaintPolicy
  /** When the first command happens (default Monday 2 March 2026, 09:00 China time). */
  readonly start?: Instant
  /** Rounds of the procedure (a rejection, an unsatisfied call or a reopen needs another round). */
  readonly rounds?: number
}

/**
 * A realistic command sequence for one complaint: received first, then the procedure of
 * docs/domain.md §3 with steps sometimes skipped or repeated and other commands (escalation,
 * contact, pauses, EvaluateAt) mixed in, at increasing times — now and then one from the past.
 */
export const complaintCommandSequence = (
  options: SequenceOptions = {},
): fc.Arbitrary<ReadonlyArray<ComplaintCommand>> => {
  const idArb =
    options.complaintId === undefined
      ? fc.constantFrom(...idsOf(ComplaintId.is, 'complaint-0001'))
      : fc.constant(options.complaintId)
  const start = options.start ?? '2026-03-02T01:00:00.000Z'
  const policy = options.policy ?? defaultComplaintPolicy
  return idArb.chain((id) =>
    fc
      .tuple(
        receiveArb(id),
        fc.array(
          mainLineArb(id, policy).chain((steps) =>
            fc.tuple(
              ...steps.map((step) =>
                plainRecord({
                  noise: fc.array(noiseArb(id), { maxLength: 2 }),
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
        staffArb,
      )
      .map(([receive, rounds, gaps, probes, scheduler]) => {
        const timed: TimedCommand[] = [receive]
        for (const round of rounds)
          for (const part of round) {
            timed.push(...part.noise)
            if (part.keep) timed.push(part.step)
          }
        let at = start
        const commands = timed.map((command, i) => {
          at = shift(at, gaps[i % gaps.length] ?? 60)
          return command(at)
        })
        return withProbes(commands, probes, policy, (probeAt) => ({
          type: 'EvaluateAt',
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
 * The commands with `EvaluateAt` probes put in time order: each 1 ms before, at or 1 ms of business time
 * past the moment its target is reached from the receipt (the deadline while nothing paused or stopped the
 * clock).
 */
const withProbes = (
  commands: ReadonlyArray<ComplaintCommand>,
  probes: ReadonlyArray<{ severity: Severity; clock: SlaClockName; offset: number }>,
  policy: ComplaintPolicy,
  evaluate: (at: Instant) => ComplaintCommand,
): ReadonlyArray<ComplaintCommand> => {
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
export const complaintCommandArb = (complaintId: ComplaintId, moments: ReadonlyArray<Instant>) =>
  fc.tuple(timedCommandArb(complaintId), fc.constantFrom(...moments)).map(([command, at]) => command(at))

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
export const historyUnder = (
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
  options: SequenceOptions = {},
): fc.Arbitrary<ReadonlyArray<ComplaintEvent>> =>
  complaintCommandSequence(options).map((commands) => historyUnder(policy, commands))
