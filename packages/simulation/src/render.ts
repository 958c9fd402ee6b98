import { formatYuan } from '@dealer-crm/eventsourcing'
import type { Rate } from './metrics.js'
import type { SimulationResult } from './simulation.js'

const n = (value: number): string => value.toLocaleString('en-US')

const pct = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`)

const share = (r: Rate, of: string): string => `${pct(r.rate)} (${n(r.part)} of ${n(r.whole)} ${of})`

const list = (record: Readonly<Record<string, number>>, order?: ReadonlyArray<string>): string => {
  const keys = order === undefined ? Object.keys(record) : order.filter((k) => (record[k] ?? 0) > 0)
  return keys.map((k) => `${k} ${n(record[k] ?? 0)}`).join(' · ')
}

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

/** The text block `pnpm demo` prints: each domain's key figures, and where they come from. */
export const renderMetrics = (result: SimulationResult): string => {
  const m = result.metrics
  const { customers: c, retention: r, consent, referrals: ref, complaints: cmp, loyalty: l, log } = m
  const severity = cmp.bySeverity
  return [
    `Dealership year: ${n(c.registered)} customers, ${m.period.from} to ${m.period.to} (${n(m.period.days)} days)`,
    '',
    'Customers and retention (customer-lifecycle: customerProfiles, lifecycleMetrics)',
    `  owners ${n(c.owners)} of ${n(c.registered)} customers · vehicles ${n(c.vehicles)}`,
    `  stages: ${list(c.stages, stageOrder)}`,
    `  service retention ${share(r.serviceRetention, 'owners due; active within 12 months')}`,
    `    recently lost ${n(r.recentlyLost)} · defected ${n(r.defected)} · never serviced ${n(r.neverServiced)}`,
    `  churn ${share(r.churn, 'owners lost')} · at risk now ${n(r.atRisk)}`,
    `  won back ${share(r.winBack, 'ever at risk or lost')} · churned again ${share(r.reChurn, 'win-backs')}`,
    `  reminder conversion ${share(r.reminderConversion, 'reminders reached')}`,
    `  satisfaction: ${n(r.satisfaction.surveys)} surveys · delighted ${n(r.satisfaction.delighted)} · satisfied ${n(r.satisfaction.satisfied)} · dissatisfied ${n(r.satisfaction.dissatisfied)}`,
    '',
    'Consent (a fold over the log)',
    `  ${n(consent.withdrawals)} withdrawals: marketing by ${n(consent.customersWithdrawingMarketing)} customers · reminders by ${n(consent.customersWithdrawingReminders)} · surveys by ${n(consent.customersWithdrawingSurveys)}`,
    `  contacts made ${n(consent.contactsMade)} · contacts on a withdrawn purpose and channel: ${n(consent.contactsAfterWithdrawal)}`,
    '',
    'Referrals (referral-verification: referralMetrics, fraudReport, referrerLedger)',
    `  claims ${n(ref.claims)} · late claims ${n(ref.lateClaims)} · screened out ${n(ref.screenedOut)} · licence mismatches ${n(ref.licenceMismatches)}`,
    `  call-backs: verified ${n(ref.verified)} · faked ${n(ref.faked)} · inconclusive ${n(ref.inconclusive)}`,
    `  pass rate ${pct(ref.passRate)} · fraud rate ${pct(ref.fraudRate)} · conversion ${pct(ref.conversion)}`,
    `  rewards ${n(ref.rewarded)} (clawed back ${n(ref.clawedBack)}, voided ${n(ref.voided)}) · penalties ${n(ref.penalties)} (${formatYuan(ref.penaltiesFen)}) · referrers blocked ${n(ref.blockedReferrers)}`,
    '',
    'Complaints (complaint-workflow: complaintMetrics, slaBoard, complaintCauses)',
    `  received ${n(cmp.received)}: 一般 general ${n(severity.general)} · 升级 escalated ${n(severity.escalated)} · 重大 major ${n(severity.major)} (safety ${n(cmp.safetyRelated)})`,
    `  SLA met: first response ${share(cmp.firstResponse, 'clocks')}`,
    `           investigation ${share(cmp.investigation, 'clocks')}`,
    `           resolution ${share(cmp.resolution, 'clocks')} · breaches ${n(cmp.breaches)}`,
    `  escalated ${n(cmp.escalated)} (${pct(cmp.escalationRate)}) · reopened ${n(cmp.reopened)} (reopen rate ${pct(cmp.reopenRate)}) · closed ${n(cmp.closed)} · open ${n(cmp.open)}`,
    `  mean time to acknowledge ${cmp.meanHoursToAcknowledge === null ? 'n/a' : `${cmp.meanHoursToAcknowledge.toFixed(1)} business hours`} · justified ${pct(cmp.justifiedRate)} · compensation ${formatYuan(cmp.compensationFen)}`,
    `  root causes: ${cmp.causes.map((cause) => `${cause.rootCause} ${pct(cause.share)}`).join(' · ') || 'none closed'}`,
    '',
    'Loyalty points (loyalty-points: loyaltyTotals, levelDistribution)',
    `  members ${n(l.members)}: ${list(l.levels)}`,
    `  points issued ${n(l.issued)} · redeemed ${n(l.redeemed)} · expired ${n(l.expired)} · reversed ${n(l.reversed)} · forfeited ${n(l.forfeited)}`,
    `  points liability ${n(l.pointsLiability)} · breakage ${share(l.breakage, 'points issued expired')}`,
    `  redemption ${pct(l.redemption.rate)} of points issued · active members ${pct(l.activeMembers.rate)} · prepaid balance ${formatYuan(l.prepaidBalanceFen)}`,
    '',
    'Event log',
    `  ${n(log.events)} events in ${n(log.streams)} streams: ${list(log.eventsByDomain)}`,
    `  process managers: ${n(Object.values(log.processRefusals).reduce((a, b) => a + b, 0))} commands refused by a domain, reported, not dropped${Object.keys(log.processRefusals).length === 0 ? '' : ` (${list(log.processRefusals)})`}`,
    `  the simulated staff's commands refused by the rules, nothing written: ${list(result.refusals) || 'none'}`,
    `  last hash ${result.lastHash.slice(0, 16)}… · digest ${result.digest.slice(0, 16)}…`,
  ].join('\n')
}
