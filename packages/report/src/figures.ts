import type { Anchor, VerifyResult } from '@dealer-crm/eventsourcing'
import type { CallBackOutcome, ComplaintClock, ReportSeverity } from './events.js'
import { type Month, monthRange } from './months.js'
import {
  type CauseCount,
  type ComplaintMonth,
  type ComplaintSeriesState,
  causePareto,
  complaintClocks,
  severities,
} from './series/complaints.js'
import { type LifecycleMonth, type LifecycleSeriesState, lifecycleMonths } from './series/lifecycle.js'
import type { LogMonth, LogSeriesState } from './series/log.js'
import { type LoyaltyMonth, type LoyaltySeriesState, loyaltyMonths } from './series/loyalty.js'
import { callBackOutcomes, type ReferralMonth, type ReferralSeriesState } from './series/referrals.js'

/** The folded monthly series the report is drawn from. */
export interface ReportStates {
  readonly lifecycle: LifecycleSeriesState
  readonly complaints: ComplaintSeriesState
  readonly referrals: ReferralSeriesState
  readonly loyalty: LoyaltySeriesState
  readonly log: LogSeriesState
}

type Counts<K extends string> = Record<K, number>
/** A flow figure: summed over the period's months, and over every month of the log. */
export interface Flow<T> {
  readonly inPeriod: T
  readonly allTime: T
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole)

/** One figure of each month of the period (0 for a month without events). */
const perMonth = <M, T>(
  months: ReadonlyArray<Month>,
  series: ReadonlyMap<Month, M>,
  pick: (m: M) => T,
  none: T,
) =>
  months.map((month) => {
    const m = series.get(month)
    return m === undefined ? none : pick(m)
  })

const total = <M>(series: Iterable<M>, pick: (m: M) => number): number => {
  let n = 0
  for (const m of series) n += pick(m)
  return n
}

const flow = <M>(
  months: ReadonlyArray<Month>,
  series: ReadonlyMap<Month, M>,
  pick: (m: M) => number,
): Flow<number> => ({
  inPeriod: total(
    months.flatMap((month) => series.get(month) ?? []),
    pick,
  ),
  allTime: total(series.values(), pick),
})

/**
 * The latest end-of-month snapshot at or before a month: a month without events in its series still
 * has the state its last month left. Null before the series starts.
 */
const atEnd = <M, T>(series: ReadonlyMap<Month, M>, month: Month, pick: (m: M) => T | null): T | null => {
  let best: Month | null = null
  for (const [m, v] of series) if (m <= month && (best === null || m > best) && pick(v) !== null) best = m
  return best === null ? null : pick(series.get(best) as M)
}

/** The funnel from prospect to loyal owner, then the stages of falling away (docs/domain.md §1). */
const stageOrder = [
  'prospect',
  'owner',
  'active',
  'stable',
  'won-back',
  'declining',
  'at-risk',
  'lost',
  'never-serviced',
]

export const lifecycleFigures = (s: LifecycleSeriesState, months: ReadonlyArray<Month>) => {
  const series = lifecycleMonths(s)
  const f = (pick: (m: LifecycleMonth) => number) => flow(months, series, pick)
  const stagesAt = months.map((m) => atEnd(series, m, (x) => x.stagesAtEnd) ?? {})
  const stageKeys = [...new Set([...stageOrder, ...stagesAt.flatMap((r) => Object.keys(r))])].filter((k) =>
    stagesAt.some((r) => r[k] !== undefined),
  )
  const reached = f((m) => m.remindersReached)
  const converted = f((m) => m.remindersConverted)
  const end = months[months.length - 1] as Month
  return {
    stageKeys,
    stagesByMonth: Object.fromEntries(stageKeys.map((k) => [k, stagesAt.map((r) => r[k] ?? 0)])),
    stagesAtEnd: stagesAt[stagesAt.length - 1] ?? {},
    retentionAtEnd: atEnd(series, end, (x) => x.retentionAtEnd),
    monthly: {
      lost: perMonth(months, series, (m) => m.lost, 0),
      wonBack: perMonth(months, series, (m) => m.wonBack, 0),
      retention: months.map((m) => atEnd(series, m, (x) => x.retentionAtEnd)?.retention ?? null),
      reminderConversion: perMonth(
        months,
        series,
        (m) => ratio(m.remindersConverted, m.remindersReached),
        null,
      ),
    },
    registered: f((m) => m.registered),
    deliveries: f((m) => m.deliveries),
    serviceVisits: f((m) => m.serviceVisits),
    lost: f((m) => m.lost),
    wonBack: f((m) => m.wonBack),
    remindersReached: reached,
    remindersConverted: converted,
    reminderConversion: {
      inPeriod: ratio(converted.inPeriod, reached.inPeriod),
      allTime: ratio(converted.allTime, reached.allTime),
    },
  }
}

export const complaintFigures = (s: ComplaintSeriesState, months: ReadonlyArray<Month>) => {
  const f = (pick: (m: ComplaintMonth) => number) => flow(months, s.months, pick)
  const bySeverity = (k: ReportSeverity) => f((m) => m.received[k])
  const perClock = (pick: (m: ComplaintMonth) => Counts<ComplaintClock>) =>
    Object.fromEntries(complaintClocks.map((c) => [c, f((m) => pick(m)[c])])) as Record<
      ComplaintClock,
      Flow<number>
    >
  const met = perClock((m) => m.met)
  const breached = perClock((m) => m.breached)
  const slaMet = (c: ComplaintClock): Flow<number | null> => ({
    inPeriod: ratio(met[c].inPeriod, met[c].inPeriod + breached[c].inPeriod),
    allTime: ratio(met[c].allTime, met[c].allTime + breached[c].allTime),
  })
  const breachesOf = (m: ComplaintMonth) => complaintClocks.reduce((n, c) => n + m.breached[c], 0)
  return {
    monthly: {
      received: Object.fromEntries(
        severities.map((k) => [k, perMonth(months, s.months, (m) => m.received[k], 0)]),
      ),
      slaMet: Object.fromEntries(
        complaintClocks.map((c) => [
          c,
          perMonth(months, s.months, (m) => ratio(m.met[c], m.met[c] + m.breached[c]), null),
        ]),
      ),
      breaches: perMonth(months, s.months, breachesOf, 0),
      escalations: perMonth(months, s.months, (m) => m.escalations, 0),
      reopenings: perMonth(months, s.months, (m) => m.reopenings, 0),
    } as {
      received: Record<ReportSeverity, number[]>
      slaMet: Record<ComplaintClock, (number | null)[]>
      breaches: number[]
      escalations: number[]
      reopenings: number[]
    },
    received: Object.fromEntries(severities.map((k) => [k, bySeverity(k)])) as Record<
      ReportSeverity,
      Flow<number>
    >,
    receivedAll: f((m) => severities.reduce((n, k) => n + m.received[k], 0)),
    met,
    breached,
    slaMet: Object.fromEntries(complaintClocks.map((c) => [c, slaMet(c)])) as Record<
      ComplaintClock,
      Flow<number | null>
    >,
    breaches: f(breachesOf),
    escalated: f((m) => m.escalated),
    escalations: f((m) => m.escalations),
    reopenings: f((m) => m.reopenings),
    closed: f((m) => m.closed),
    pareto: { inPeriod: causePareto(s, new Set(months)), allTime: causePareto(s) } as Flow<CauseCount[]>,
  }
}

export const referralFigures = (s: ReferralSeriesState, months: ReadonlyArray<Month>) => {
  const f = (pick: (m: ReferralMonth) => number) => flow(months, s, pick)
  const outcomes = Object.fromEntries(callBackOutcomes.map((o) => [o, f((m) => m.outcomes[o])])) as Record<
    CallBackOutcome,
    Flow<number>
  >
  const decided = (k: 'inPeriod' | 'allTime') => callBackOutcomes.reduce((n, o) => n + outcomes[o][k], 0)
  return {
    monthly: {
      claims: perMonth(months, s, (m) => m.claims, 0),
      outcomes: Object.fromEntries(
        callBackOutcomes.map((o) => [o, perMonth(months, s, (m) => m.outcomes[o], 0)]),
      ) as Record<CallBackOutcome, number[]>,
      fraudRate: perMonth(
        months,
        s,
        (m) => ratio(m.outcomes.faked, m.outcomes.verified + m.outcomes.faked + m.outcomes.inconclusive),
        null,
      ),
      rewardsFen: perMonth(months, s, (m) => m.rewardsFen, 0),
      penaltiesFen: perMonth(months, s, (m) => m.penaltiesFen, 0),
    },
    claims: f((m) => m.claims),
    lateClaims: f((m) => m.lateClaims),
    outcomes,
    reopened: Object.fromEntries(callBackOutcomes.map((o) => [o, f((m) => m.reopened[o])])) as Record<
      CallBackOutcome,
      Flow<number>
    >,
    fraudRate: {
      inPeriod: ratio(outcomes.faked.inPeriod, decided('inPeriod')),
      allTime: ratio(outcomes.faked.allTime, decided('allTime')),
    },
    rewards: f((m) => m.rewards),
    rewardsFen: f((m) => m.rewardsFen),
    rewardPoints: f((m) => m.rewardPoints),
    clawedBackFen: f((m) => m.clawedBackFen),
    penalties: f((m) => m.penalties),
    penaltiesFen: f((m) => m.penaltiesFen),
    penaltiesLiftedFen: f((m) => m.penaltiesLiftedFen),
  }
}

export const loyaltyFigures = (
  s: LoyaltySeriesState,
  months: ReadonlyArray<Month>,
  pointValueFen: number,
) => {
  const series = loyaltyMonths(s)
  const f = (pick: (m: LoyaltyMonth) => number) => flow(months, series, pick)
  const levelsAt = months.map((m) => atEnd(series, m, (x) => x.levelsAtEnd) ?? {})
  const order = ['standard', 'silver', 'gold', 'platinum']
  const levelKeys = [...new Set([...order, ...levelsAt.flatMap((r) => Object.keys(r))])].filter((k) =>
    levelsAt.some((r) => r[k] !== undefined),
  )
  const liability = months.map((m) => atEnd(series, m, (x) => x.liabilityPoints) ?? 0)
  const end = months[months.length - 1] as Month
  const liabilityAtEnd = atEnd(series, end, (x) => x.liabilityPoints) ?? 0
  return {
    pointValueFen,
    levelKeys,
    monthly: {
      issued: perMonth(months, series, (m) => m.issued, 0),
      redeemed: perMonth(months, series, (m) => m.redeemed, 0),
      expired: perMonth(months, series, (m) => m.expired, 0),
      reversed: perMonth(months, series, (m) => m.reversed, 0),
      liabilityPoints: liability,
      liabilityFen: liability.map((p) => p * pointValueFen),
      levels: Object.fromEntries(levelKeys.map((k) => [k, levelsAt.map((r) => r[k] ?? 0)])) as Record<
        string,
        number[]
      >,
    },
    issued: f((m) => m.issued),
    redeemed: f((m) => m.redeemed),
    expired: f((m) => m.expired),
    reversed: f((m) => m.reversed),
    enrolled: f((m) => m.enrolled),
    exited: f((m) => m.exited),
    liabilityPointsAtEnd: liabilityAtEnd,
    liabilityFenAtEnd: liabilityAtEnd * pointValueFen,
    prepaidFenAtEnd: atEnd(series, end, (x) => x.prepaidFen) ?? 0,
    levelsAtEnd: levelsAt[levelsAt.length - 1] ?? {},
  }
}

export const auditFigures = (
  s: LogSeriesState,
  months: ReadonlyArray<Month>,
  verifyResult: VerifyResult | undefined,
  anchor: Anchor | undefined,
) => {
  let before = 0
  const first = months[0] as Month
  for (const [m, v] of s.months) if (m < first) before += v.events
  const events = perMonth(months, s.months, (m: LogMonth) => m.events, 0)
  let running = before
  return {
    monthly: { events, cumulative: events.map((n) => (running += n)) },
    events: flow(months, s.months, (m) => m.events),
    newStreams: flow(months, s.months, (m) => m.newStreams),
    streams: s.streams.size,
    verify: verifyResult ?? null,
    anchor: anchor ?? (verifyResult?.ok === true ? verifyResult.anchor : null),
  }
}

export interface ReportFigures {
  readonly from: Month
  readonly to: Month
  readonly months: ReadonlyArray<Month>
  readonly lifecycle: ReturnType<typeof lifecycleFigures>
  readonly complaints: ReturnType<typeof complaintFigures>
  readonly referrals: ReturnType<typeof referralFigures>
  readonly loyalty: ReturnType<typeof loyaltyFigures>
  readonly audit: ReturnType<typeof auditFigures>
}

export interface FigureOptions {
  readonly from: Month
  readonly to: Month
  /** What a point is worth when the liability is stated in money, in fen (default 1: ¥0.01). */
  readonly pointValueFen: number
  readonly verifyResult?: VerifyResult | undefined
  readonly anchor?: Anchor | undefined
}

/** Every figure the report shows, in plain data: the period's months, in-period and all-time apart. */
export const reportFigures = (states: ReportStates, o: FigureOptions): ReportFigures => {
  const months = monthRange(o.from, o.to)
  return {
    from: o.from,
    to: o.to,
    months,
    lifecycle: lifecycleFigures(states.lifecycle, months),
    complaints: complaintFigures(states.complaints, months),
    referrals: referralFigures(states.referrals, months),
    loyalty: loyaltyFigures(states.loyalty, months, o.pointValueFen),
    audit: auditFigures(states.log, months, o.verifyResult, o.anchor),
  }
}
