import { readFileSync } from 'node:fs'
import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import {
  type BusinessCalendar,
  type ComplaintCommand,
  type ComplaintEvent,
  type ComplaintPolicy,
  complaintDecider,
  defaultComplaintPolicy,
  type Severity,
  type SlaClockName,
} from '../src/index.js'
import type { ComplaintActorInput } from '../src/testing.js'
import {
  acknowledge,
  analyse,
  approve,
  confirm,
  decider,
  escalate,
  evaluateAt,
  historyOf,
  mondayAt,
  propose,
  receive,
  serviceManager,
  throughAnalysis,
} from './fixtures.js'

// Every threshold of the default complaint policy at −1 / 0 / +1 of its bound, the SLA deadlines also on a
// business-hours calendar with a holiday and a make-up workday, and the defaults pinned to docs/domain.md
// (issue #18).

const spec = deciderSpec(decider)
const MINUTE = 60_000
const DAY = 86_400_000
const HOUR = 60
const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString()
const director: ComplaintActorInput = { id: 'director-zhao', role: 'after-sales-director' }
const generalManager: ComplaintActorInput = { id: 'gm-zhou', role: 'general-manager' }

describe('the default complaint policy is the rules of docs/domain.md', () => {
  const domain = readFileSync(new URL('../../../docs/domain.md', import.meta.url), 'utf8')

  it('§5 Complaints, dealer deadlines: confirm within 24 h, investigate within 48 h, report within 5 working days', () => {
    expect(domain).toContain('confirm within 24 h, investigate within 48 h')
    expect(domain).toContain('report within 5')
    expect(defaultComplaintPolicy.slaTargets.general).toEqual({
      response: 24 * HOUR,
      investigation: 48 * HOUR,
      resolution: 5 * 24 * HOUR,
    })
    expect(defaultComplaintPolicy.calendar.workingWeekdays).toEqual([1, 2, 3, 4, 5])
    expect(defaultComplaintPolicy.calendar.zone).toBe('Asia/Shanghai')
    expect(defaultComplaintPolicy.calendar.statutory).toBe('mainland-china')
  })

  it('§5 Complaints, OEM levels: 升级 and 重大 are served faster than 一般 (a library choice of how much)', () => {
    const { general, escalated, major } = defaultComplaintPolicy.slaTargets
    for (const clock of ['response', 'investigation', 'resolution'] as const) {
      expect(escalated[clock]).toBeLessThan(general[clock])
      expect(major[clock]).toBeLessThan(escalated[clock])
    }
  })

  it('§5 Complaints, OEM 重大: media, 12315, the consumer association and lawyers make a complaint major', () => {
    expect(domain).toContain(
      '重大 major (safety, injury, media, regulator or consumer\n  association such as 12315)',
    )
    for (const word of ['媒体', '12315', '消协', 'media', 'consumer association'])
      expect(defaultComplaintPolicy.autoEscalation.majorKeywords).toContain(word)
  })

  it('§3 rules: compensation above a limit needs a higher role (¥1,000 service manager, ¥5,000 director)', () => {
    expect(domain).toContain('compensation\nabove a policy limit needs approval by a higher role')
    expect(defaultComplaintPolicy.approvalTiers).toEqual([
      { role: 'service-manager', upToFen: 100_000 },
      { role: 'after-sales-director', upToFen: 500_000 },
      { role: 'general-manager', upToFen: null },
    ])
  })

  it('§5 Complaints: a rejected resolution keeps the complaint open and escalates; repeats within 90 days', () => {
    expect(domain).toContain('keep open if the customer rejects the outcome')
    expect(defaultComplaintPolicy.autoEscalation.onRejectedResolution).toBe(true)
    expect(defaultComplaintPolicy.autoEscalation.repeatWithinDays).toBe(90)
    expect(defaultComplaintPolicy.maxHandlingLevel).toBe(3)
  })
})

describe('the approval tier at exactly its limit (docs/domain.md §3 rules)', () => {
  const proposalOf = (amount: number) => [
    ...throughAnalysis(),
    propose(mondayAt(4), [{ kind: 'price-correction', amount }]),
  ]
  it.each([
    [99_999, 'service-manager'],
    [100_000, 'service-manager'],
    [100_001, 'after-sales-director'],
    [499_999, 'after-sales-director'],
    [500_000, 'after-sales-director'],
    [500_001, 'general-manager'],
  ] as const)('¥%i fen needs the %s', (amount, role) => {
    const history = historyOf(...proposalOf(amount))
    expect(history.at(-1)).toMatchObject({
      type: 'ResolutionProposed',
      data: { compensationValue: amount, requiredApprover: role },
    })
  })

  const staffOf = {
    'service-manager': serviceManager,
    'after-sales-director': director,
    'general-manager': generalManager,
  }
  it.each([
    [100_000, 'service-manager', true],
    [100_001, 'service-manager', false],
    [100_001, 'after-sales-director', true],
    [500_000, 'after-sales-director', true],
    [500_001, 'after-sales-director', false],
    [500_001, 'general-manager', true],
  ] as const)('%i fen approved by the %s: %s', (amount, role, approved) => {
    const by = staffOf[role]
    const when = spec.given(historyOf(...proposalOf(amount))).when(approve(mondayAt(5), by))
    if (approved) expect(when.events().map((e) => e.type)).toEqual(['ResolutionApproved'])
    else when.thenError('ApproverRoleTooLow')
  })

  it('goodwill points are valued at the policy’s fen per point, against the same limits', () => {
    const history = historyOf(
      ...throughAnalysis(),
      propose(mondayAt(4), [{ kind: 'goodwill-points', points: 100_001 }]),
    )
    expect(history.at(-1)).toMatchObject({
      data: { compensationValue: 100_001, requiredApprover: 'after-sales-director' },
    })
  })
})

describe('a repeat complaint: within 90 days of the last one (docs/domain.md §5 OEM 升级)', () => {
  const at = mondayAt(0)
  it.each([
    ['89 days', 89 * DAY, true],
    ['90 days less 1 ms', 90 * DAY - 1, true],
    ['exactly 90 days', 90 * DAY, true],
    ['90 days and 1 ms', 90 * DAY + 1, false],
  ])('the last one %s before escalates: %s', (_name, ago, escalates) => {
    const events = spec
      .given([])
      .when(receive(at, { priorComplaints: { count: 1, lastReceivedAt: plus(at, -ago) } }))
      .events()
    expect(events.some((e) => e.type === 'ComplaintEscalated' && e.data.trigger === 'repeat-complaint')).toBe(
      escalates,
    )
  })
})

describe('the handling level: up to 3 (docs/domain.md §3 escalation raises the level)', () => {
  it.each([
    [1, 2],
    [2, 3],
  ])('from level %i an escalation reaches %i', (from, to) => {
    const before = historyOf(
      receive(mondayAt(0)),
      ...Array.from({ length: from - 1 }, (_, i) => escalate(mondayAt(i + 1))),
    )
    expect(
      spec
        .given(before)
        .when(escalate(mondayAt(5)))
        .events()[0],
    ).toMatchObject({
      type: 'ComplaintEscalated',
      data: { fromLevel: from, toLevel: to },
    })
  })

  it('at level 3 a manual escalation is refused', () => {
    const before = historyOf(receive(mondayAt(0)), escalate(mondayAt(1)), escalate(mondayAt(2)))
    spec
      .given(before)
      .when(escalate(mondayAt(5)))
      .thenError('AlreadyAtTopLevel')
  })
})

/**
 * Mainland China's 2026 public holidays and make-up working days around the receipts below, written out
 * from the State Council's notice (国办发明电〔2025〕7号, gov.cn content_7047091), apart from the package
 * the calendar reads them from: Spring Festival 15–23 February (14 and 28 February worked), Mid-Autumn
 * 25–27 September, National Day 1–7 October (20 September and 10 October worked).
 */
const statutory2026 = {
  holidays: [
    ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => `2026-02-${d}`),
    '2026-09-25',
    '2026-09-26',
    '2026-09-27',
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-10-${d}`),
  ],
  workdays: ['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10'],
}

/** Asia/Shanghai keeps UTC+8 all year (no daylight saving), so its local time is UTC plus 8 hours. */
const SHANGHAI_OFFSET = 8 * HOUR

/**
 * The deadline of a clock worked out here, minute by minute, from the calendar's plain words: a minute
 * counts when its local day is one of the dealership's make-up workdays, or not one of its holidays and
 * a statutory make-up workday or a working weekday that is not a statutory holiday, and it lies within
 * the opening hours. Returns the moment the target is reached, and the first business moment after
 * it (the first moment past the target: a breach needs business time beyond the target, so a deadline
 * reached on Friday evening is breached only when the clock runs again on Monday).
 */
const deadline = (
  calendar: BusinessCalendar,
  fromMs: number,
  targetMinutes: number,
): { readonly reached: number; readonly runsAgain: number } => {
  const counts = (minuteStart: number): boolean => {
    const local = new Date(minuteStart + SHANGHAI_OFFSET * MINUTE)
    const date = local.toISOString().slice(0, 10)
    const china = calendar.statutory === 'mainland-china'
    const working =
      calendar.makeUpWorkdays.includes(date) ||
      (!calendar.holidays.includes(date) &&
        ((china && statutory2026.workdays.includes(date)) ||
          (!(china && statutory2026.holidays.includes(date)) &&
            calendar.workingWeekdays.includes(local.getUTCDay()))))
    const minuteOfDay = local.getUTCHours() * 60 + local.getUTCMinutes()
    return working && minuteOfDay >= calendar.opensAtMinute && minuteOfDay < calendar.closesAtMinute
  }
  let left = targetMinutes
  let t = fromMs
  while (left > 0) {
    if (counts(t)) left--
    t += MINUTE
  }
  let next = t
  while (!counts(next)) next += MINUTE
  return { reached: t, runsAgain: next }
}

const officeHours: BusinessCalendar = {
  zone: 'Asia/Shanghai',
  statutory: 'mainland-china',
  workingWeekdays: [1, 2, 3, 4, 5],
  opensAtMinute: 9 * HOUR,
  closesAtMinute: 18 * HOUR,
  holidays: ['2026-03-04', '2026-03-05'],
  makeUpWorkdays: ['2026-03-07'],
}

const calendars: ReadonlyArray<readonly [string, ComplaintPolicy]> = [
  ['the default calendar (mainland China, Monday–Friday, all day)', defaultComplaintPolicy],
  [
    'office hours 09:00–18:00 with a Wednesday–Thursday holiday and a make-up Saturday',
    { ...defaultComplaintPolicy, policyVersion: 'office-hours', calendar: officeHours },
  ],
]

const receipts = [
  ['Monday 08:30 (before opening)', '2026-03-02T08:30:00+08:00'],
  ['Tuesday 17:45 (just before closing, a holiday ahead)', '2026-03-03T17:45:00+08:00'],
  ['Friday 20:00 (after closing)', '2026-03-06T20:00:00+08:00'],
  ['Saturday 10:00 (a make-up workday)', '2026-03-07T10:00:00+08:00'],
  [
    'Friday 13 February 10:00 (Spring Festival ahead, Saturday 14 February worked)',
    '2026-02-13T10:00:00+08:00',
  ],
  ['Wednesday 23 September 15:00 (Mid-Autumn and National Day ahead)', '2026-09-23T15:00:00+08:00'],
] as const

/** The steps that stop the clocks before `clock`, so that only `clock` can be breached at its deadline. */
const onlyRunning = (clock: SlaClockName, at: string): ReadonlyArray<ComplaintCommand> =>
  clock === 'response'
    ? []
    : clock === 'investigation'
      ? [acknowledge(at)]
      : [acknowledge(at), confirm(at), analyse(at, { severity: 'general' })]

/** The events the commands produce under a policy; fails loudly if one is refused. */
const complaintHistoryUnder = (policy: ComplaintPolicy, ...commands: ReadonlyArray<ComplaintCommand>) => {
  const rules = complaintDecider(policy)
  const history: ComplaintEvent[] = []
  for (const command of commands) {
    const decision = rules.decide(command, history.reduce(rules.evolve, rules.initialState))
    if (decision._tag === 'Left') throw new Error(`${command.type} refused: ${decision.left.message}`)
    history.push(...decision.right)
  }
  return history
}

describe('SLA breaches at exactly the deadline (docs/domain.md §5 Complaints: business calendar and holidays)', () => {
  for (const [calendarName, policy] of calendars)
    describe(calendarName, () => {
      const rules = deciderSpec(complaintDecider(policy))
      for (const [receiptName, receivedAt] of receipts)
        for (const severity of ['general', 'escalated', 'major'] as const satisfies ReadonlyArray<Severity>)
          for (const clock of ['response', 'investigation', 'resolution'] as const) {
            // The analysis keeps the severity of a general complaint; the others are held up by their floor.
            const target = policy.slaTargets[severity][clock]
            const due = deadline(policy.calendar, Date.parse(receivedAt), target)
            it.each([
              ['1 ms before the target is reached', due.reached - 1, []],
              ['when the target is reached', due.reached, []],
              [
                '1 ms later (breached only if the clock runs then)',
                due.reached + 1,
                due.runsAgain === due.reached ? [clock] : [],
              ],
              ['1 ms after the clock runs again past the target', due.runsAgain + 1, [clock]],
            ])(
              `received ${receiptName}, ${severity}, ${clock} (${target} min): %s, breached %j`,
              (_moment, at, breached) => {
                const history = complaintHistoryUnder(
                  policy,
                  receive(receivedAt, { severity }),
                  ...onlyRunning(clock, receivedAt).map((c) =>
                    c.type === 'AnalyseComplaint' ? { ...c, data: { ...c.data, severity } } : c,
                  ),
                )
                const events = rules
                  .given(history)
                  .when(evaluateAt(new Date(at).toISOString()))
                  .events()
                expect(events.filter((e) => e.type === 'SlaBreached').map((e) => e.data.clock)).toEqual(
                  breached,
                )
              },
            )
          }
    })
})
