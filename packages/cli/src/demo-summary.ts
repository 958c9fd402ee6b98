import { type dealershipReadModels, dealershipRegistry } from '@dealer-crm/dealership'
import { formatYuan, projectAsOf, readWholeLog } from '@dealer-crm/eventsourcing'
import type { Rate, SimulationResult } from '@dealer-crm/simulation'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { together } from './read-models.js'

/**
 * What a point is worth when redeemed, for the liability in ¥: the loyalty policy gives points no
 * cash value, so the demo states its assumption (100 points = ¥1, i.e. 1% back on service spend
 * at 1 point per ¥1).
 */
export const pointValueFen = 1

/** The figures at the start of the simulated year, to tell the year's own from all time. */
export interface YearStart {
  /** The first event's time: where "all time" begins (the opening book of earlier deliveries). */
  readonly firstEventAt: string | null
  readonly customers: number
  readonly referralClaims: number
  readonly rewards: number
  readonly complaints: number
  readonly compensationFen: number
  readonly pointsIssued: number
  readonly pointsRedeemed: number
  readonly pointsExpired: number
}

/**
 * Read the demo's own file, just written, as it stood when the simulated period began. Opened as a
 * writer would (it changes nothing: the schema is current), so that closing it removes the WAL files
 * a read-only reader would leave beside it.
 */
export const readYearStart = async (path: string, start: string): Promise<YearStart> => {
  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  try {
    let firstEventAt: string | null = null
    for await (const e of readWholeLog(store.log, 1)) {
      firstEventAt = e.recordedAt
      break
    }
    const names = ['customerProfiles', 'referralMetrics', 'complaintMetrics', 'loyaltyTotals'] as const
    const s = await projectAsOf(store, together(names), { time: new Date(`${start}T00:00:00+08:00`) })
    const profiles = s.customerProfiles as Awaited<
      ReturnType<typeof dealershipReadModels.customerProfiles.init>
    >
    const referrals = s.referralMetrics as ReturnType<typeof dealershipReadModels.referralMetrics.init>
    const tally = s.complaintMetrics as ReturnType<typeof dealershipReadModels.complaintMetrics.init>
    const loyalty = s.loyaltyTotals as ReturnType<typeof dealershipReadModels.loyaltyTotals.init>
    return {
      firstEventAt,
      customers: profiles.size,
      referralClaims: referrals.claims,
      rewards: referrals.rewarded,
      complaints: tally.received.size,
      compensationFen: tally.compensationCost,
      pointsIssued: loyalty.issued,
      pointsRedeemed: loyalty.redeemed,
      pointsExpired: loyalty.expired,
    }
  } finally {
    await store.close()
  }
}

const n = (value: number): string => value.toLocaleString('en-US')
const pct = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`)
const share = (r: Rate, of: string): string => `${pct(r.rate)} (${n(r.part)} of ${n(r.whole)} ${of})`
/** What the simulated days are called: "the year" when they are one. */
const spanOf = (days: number): string => (days === 365 || days === 366 ? 'the year' : `the ${n(days)} days`)

const stageOrder = [
  'prospect',
  'owner',
  'active',
  'stable',
  'declining',
  'at-risk',
  'lost',
  'won-back',
  'never-serviced',
]

/**
 * The demo's summary for a dealership manager: what happened in the simulated year, told apart
 * from all time (the log begins with an opening book of earlier deliveries) and from how things
 * stand at the end; money in ¥ (kernel formatYuan); no read-model names (`--verbose` adds them).
 */
export const renderDemoSummary = (result: SimulationResult, y: YearStart): string => {
  const m = result.metrics
  const { customers: c, retention: r, consent, referrals: ref, complaints: cmp, loyalty: l } = m
  const stages = stageOrder
    .filter((s) => (c.stages[s] ?? 0) > 0)
    .map((s) => `${s} ${n(c.stages[s] ?? 0)}`)
    .join(' · ')
  const since = y.firstEventAt === null ? 'the first event' : y.firstEventAt.slice(0, 10)
  const span = spanOf(m.period.days)
  /** "in the year 120 · all time 410" */
  const yearAndAll = (end: number, atStart: number, money = false): string => {
    const show = money ? formatYuan : n
    return `in ${span} ${show(end - atStart)} · all time ${show(end)}`
  }
  return [
    `A dealership simulated from ${m.period.from} to ${m.period.to} (${n(m.period.days)} days, China time)`,
    `"In ${span}" counts what happened in those days; "all time" also counts the earlier history the`,
    `log holds (owners who bought since ${since}); "at the end" is how things stood on the last day.`,
    '',
    'Customers (at the end)',
    `  ${n(c.registered)} customers (${n(c.registered - y.customers)} new in ${span}) · owners ${n(c.owners)} · vehicles ${n(c.vehicles)}`,
    `  stages: ${stages}`,
    `  service retention ${share(r.serviceRetention, 'owners; serviced within 12 months')}`,
    `    not seen for 12-24 months ${n(r.recentlyLost)} · over 24 months ${n(r.defected)} · never serviced ${n(r.neverServiced)}`,
    `  churn ${share(r.churn, 'owners lost')} · at risk now ${n(r.atRisk)}`,
    `  won back ${share(r.winBack, 'ever at risk or lost')} · lost again ${share(r.reChurn, 'won back')}`,
    `  service reminders followed by a visit ${share(r.reminderConversion, 'reminders that reached the owner')}`,
    `  satisfaction surveys ${n(r.satisfaction.surveys)}: delighted ${n(r.satisfaction.delighted)} · satisfied ${n(r.satisfaction.satisfied)} · dissatisfied ${n(r.satisfaction.dissatisfied)}`,
    '',
    'Consent (all time)',
    `  ${n(consent.withdrawals)} withdrawals: marketing by ${n(consent.customersWithdrawingMarketing)} customers · reminders by ${n(consent.customersWithdrawingReminders)} · surveys by ${n(consent.customersWithdrawingSurveys)}`,
    `  contacts made ${n(consent.contactsMade)} · contacts after the customer said no: ${n(consent.contactsAfterWithdrawal)}`,
    '',
    'Referrals',
    `  claims: ${yearAndAll(ref.claims, y.referralClaims)}`,
    `  rewards paid: ${yearAndAll(ref.rewarded, y.rewards)} (all time: clawed back ${n(ref.clawedBack)}, voided ${n(ref.voided)})`,
    `  all time: late claims ${n(ref.lateClaims)} · screened out ${n(ref.screenedOut)} · licence mismatches ${n(ref.licenceMismatches)}`,
    `  call-backs: verified ${n(ref.verified)} · faked ${n(ref.faked)} · inconclusive ${n(ref.inconclusive)} · pass rate ${pct(ref.passRate)} · fraud rate ${pct(ref.fraudRate)}`,
    `  penalties on consultants ${n(ref.penalties)} (${formatYuan(ref.penaltiesFen)}) · referrers blocked ${n(ref.blockedReferrers)}`,
    '',
    'Complaints',
    `  received: ${yearAndAll(cmp.received, y.complaints)}`,
    `  all time by severity: 一般 general ${n(cmp.bySeverity.general)} · 升级 escalated ${n(cmp.bySeverity.escalated)} · 重大 major ${n(cmp.bySeverity.major)} (safety ${n(cmp.safetyRelated)})`,
    `  deadlines met: first response ${share(cmp.firstResponse, 'clocks')} · investigation ${share(cmp.investigation, 'clocks')}`,
    `                 resolution ${share(cmp.resolution, 'clocks')} · deadlines missed ${n(cmp.breaches)}`,
    `  at the end: closed ${n(cmp.closed)} · open ${n(cmp.open)} · reopened ${n(cmp.reopened)} (${pct(cmp.reopenRate)} of closed)`,
    `  compensation: ${yearAndAll(cmp.compensationFen, y.compensationFen, true)}`,
    '',
    'Loyalty points',
    `  members ${n(l.members)} at the end: ${Object.entries(l.levels)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(' · ')}`,
    `  points issued: ${yearAndAll(l.issued, y.pointsIssued)}`,
    `  points redeemed: ${yearAndAll(l.redeemed, y.pointsRedeemed)}`,
    `  points expired: ${yearAndAll(l.expired, y.pointsExpired)}`,
    `  points still owed to members at the end: ${n(l.pointsLiability)} points = ${formatYuan(l.pointsLiability * pointValueFen)} (at ${formatYuan(100 * pointValueFen)} per 100 points)`,
    `  prepaid card balances at the end: ${formatYuan(l.prepaidBalanceFen)} · active members ${pct(l.activeMembers.rate)}`,
  ].join('\n')
}
