import { causeRanking, complaintMetrics, type Severity } from '@dealer-crm/complaint-workflow'
import {
  churnRate,
  reChurnRate,
  reminderConversion,
  satisfactionDistribution,
  serviceRetention,
  winBackRate,
} from '@dealer-crm/customer-lifecycle'
import type { Dealership } from '@dealer-crm/dealership'
import { instantOf } from '@dealer-crm/eventsourcing'
import { loyaltyMetrics } from '@dealer-crm/loyalty-points'
import { referralMetricsSummary } from '@dealer-crm/referral-verification'
import type { ConsentAudit } from './consent-audit.js'
import type { LogSummary } from './log-summary.js'

/** A share with its parts ("12 of 480"); `rate` is null when there is nothing to divide by. */
export interface Rate {
  readonly part: number
  readonly whole: number
  readonly rate: number | null
}

const rate = (part: number, whole: number): Rate => ({ part, whole, rate: whole === 0 ? null : part / whole })

/**
 * The key figures of each domain at the end of the run, every one read from the domains' own read
 * models (or, for consent and the log, from a fold over the events): they prove the event log, not
 * the simulator's intentions. Plain JSON, and no timings, so two runs of one seed compare equal.
 */
export interface DemoMetrics {
  readonly period: { readonly from: string; readonly to: string; readonly days: number }
  /** customer-lifecycle `customerProfiles`. */
  readonly customers: {
    readonly registered: number
    /** Customers who ever took delivery of a car (the effective base, 有效基盘). */
    readonly owners: number
    readonly vehicles: number
    /** Customers per lifecycle stage at the end. */
    readonly stages: Readonly<Record<string, number>>
  }
  /** customer-lifecycle `lifecycleMetrics` (serviceRetention, churnRate, winBackRate, …) and `customerProfiles`. */
  readonly retention: {
    /** Active ÷ (Active + Recently Lost + Defected + Never Serviced), docs/domain.md §5 Service Lens. */
    readonly serviceRetention: Rate
    readonly recentlyLost: number
    readonly defected: number
    readonly neverServiced: number
    readonly atRisk: number
    /** Lost ÷ every customer who has bought. */
    readonly churn: Rate
    /** Of the customers ever at risk or lost, those won back. */
    readonly winBack: Rate
    /** Of the win-backs, those that fell back again. */
    readonly reChurn: Rate
    /** Service reminders that reached the owner and were followed by a visit within 30 days. */
    readonly reminderConversion: Rate
    readonly satisfaction: {
      readonly surveys: number
      readonly dissatisfied: number
      readonly satisfied: number
      readonly delighted: number
    }
  }
  /** A fold over the log (`consentAuditProjection`): withdrawals, and contacts made despite one. */
  readonly consent: {
    readonly withdrawals: number
    readonly customersWithdrawingMarketing: number
    readonly customersWithdrawingReminders: number
    readonly customersWithdrawingSurveys: number
    readonly contactsMade: number
    readonly contactsAfterWithdrawal: number
  }
  /** referral-verification `referralMetrics`, `fraudReport`, `referrerLedger`. */
  readonly referrals: {
    readonly claims: number
    readonly lateClaims: number
    readonly screenedOut: number
    readonly licenceMismatches: number
    readonly verified: number
    readonly faked: number
    readonly inconclusive: number
    readonly voided: number
    readonly rewarded: number
    readonly clawedBack: number
    /** Verified ÷ call-back outcomes (verified, faked, inconclusive). */
    readonly passRate: number | null
    /** Faked ÷ call-back outcomes. */
    readonly fraudRate: number | null
    /** Claims that ended in a reward kept. */
    readonly conversion: number | null
    readonly penalties: number
    readonly penaltiesFen: number
    readonly blockedReferrers: number
  }
  /** complaint-workflow `complaintMetrics`, `slaBoard`, `complaintCauses`. */
  readonly complaints: {
    readonly received: number
    /** By the severity each complaint ended with (only rises: 一般 → 升级 → 重大). */
    readonly bySeverity: Readonly<Record<Severity, number>>
    readonly safetyRelated: number
    /** Response clocks stopped within target ÷ response clocks stopped or breached. */
    readonly firstResponse: Rate
    readonly resolution: Rate
    readonly investigation: Rate
    readonly breaches: number
    readonly escalated: number
    readonly escalationRate: number | null
    readonly closed: number
    readonly open: number
    readonly reopened: number
    /** Complaints reopened ÷ complaints ever closed. */
    readonly reopenRate: number | null
    readonly justifiedRate: number | null
    readonly meanHoursToAcknowledge: number | null
    readonly compensationFen: number
    /** Root causes of closed complaints, most frequent first, with their share. */
    readonly causes: ReadonlyArray<{
      readonly rootCause: string
      readonly complaints: number
      readonly share: number
    }>
  }
  /** loyalty-points `loyaltyTotals` (via `loyaltyMetrics`) and `levelDistribution`. */
  readonly loyalty: {
    readonly members: number
    readonly levels: Readonly<Record<string, number>>
    readonly issued: number
    readonly redeemed: number
    readonly expired: number
    readonly reversed: number
    readonly forfeited: number
    /** Points the dealer still owes. */
    readonly pointsLiability: number
    /** Expired ÷ issued. */
    readonly breakage: Rate
    readonly redemption: Rate
    readonly activeMembers: Rate
    readonly prepaidBalanceFen: number
  }
  /** The log itself: events per domain, streams, and what the process managers were refused. */
  readonly log: {
    readonly events: number
    readonly streams: number
    readonly eventsByDomain: Readonly<Record<string, number>>
    /** Commands a process manager sent and a domain refused (the facade reports them), by code. */
    readonly processRefusals: Readonly<Record<string, number>>
  }
}

const sortedRecord = (entries: Iterable<readonly [string, number]>): Record<string, number> =>
  Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)))

const count = <T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> => {
  const out = new Map<string, number>()
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1)
  return sortedRecord(out)
}

const clockRate = (met: Set<string>, breached: Set<string>, clock: string): Rate => {
  const ours = (s: Set<string>) => [...s].filter((key) => key.endsWith(`/${clock}`)).length
  const m = ours(met)
  return rate(m, m + ours(breached))
}

export interface MetricsInput {
  readonly dealership: Dealership
  /** First and last simulated day (China time). */
  readonly from: string
  readonly to: string
  /** The instant the figures are taken at: the end of the last day. */
  readonly asOf: string
  readonly days: number
  readonly consent: ConsentAudit
  readonly log: LogSummary
}

/** Read every figure from the read models, as of `asOf`. */
export const computeMetrics = async (input: MetricsInput): Promise<DemoMetrics> => {
  const { dealership: d, asOf } = input
  const profiles = await d.readModel('customerProfiles')
  const lifecycle = await d.readModel('lifecycleMetrics')
  const referralCounts = await d.readModel('referralMetrics')
  const fraud = await d.readModel('fraudReport')
  const ledger = await d.readModel('referrerLedger')
  const tally = await d.readModel('complaintMetrics')
  const board = await d.readModel('slaBoard')
  const causes = await d.readModel('complaintCauses')
  const totals = await d.readModel('loyaltyTotals')
  const levels = await d.readModel('levelDistribution')

  const retention = serviceRetention(lifecycle, instantOf(Date.parse(asOf)))
  const churn = churnRate(lifecycle)
  const winBack = winBackRate(lifecycle)
  const reChurn = reChurnRate(lifecycle)
  const reminders = reminderConversion(lifecycle)
  const satisfaction = satisfactionDistribution(lifecycle)
  const referralRates = referralMetricsSummary(referralCounts)
  const complaintRates = complaintMetrics(tally)
  const loyalty = loyaltyMetrics(totals, instantOf(Date.parse(asOf)))
  const consultants = Object.values(fraud.consultants)
  const complaints = [...board.values()].filter((c) => c.stage !== 'not-received')
  const bySeverity: Record<Severity, number> = { general: 0, escalated: 0, major: 0 }
  for (const c of complaints) bySeverity[c.severity] += 1
  const withdrawing = (purpose: string) => input.consent.customersWithdrawing[purpose]?.size ?? 0

  return {
    period: { from: input.from, to: input.to, days: input.days },
    customers: {
      registered: profiles.size,
      owners: churn.base,
      vehicles: [...profiles.values()].reduce((n, p) => n + Object.keys(p.vehicles).length, 0),
      stages: count(profiles.values(), (p) => p.stage),
    },
    retention: {
      serviceRetention: rate(
        retention.active,
        retention.active + retention.recentlyLost + retention.defected + retention.neverServiced,
      ),
      recentlyLost: retention.recentlyLost,
      defected: retention.defected,
      neverServiced: retention.neverServiced,
      atRisk: [...profiles.values()].filter((p) => p.stage === 'at-risk').length,
      churn: rate(churn.lost, churn.base),
      winBack: rate(winBack.wonBack, winBack.slipped),
      reChurn: rate(reChurn.reChurned, reChurn.wonBack),
      reminderConversion: rate(reminders.converted, reminders.reached),
      satisfaction: {
        surveys: satisfaction.total,
        dissatisfied: satisfaction.dissatisfied.count,
        satisfied: satisfaction.satisfied.count,
        delighted: satisfaction.delighted.count,
      },
    },
    consent: {
      withdrawals: input.consent.withdrawals,
      customersWithdrawingMarketing: withdrawing('marketing'),
      customersWithdrawingReminders: withdrawing('service-reminder'),
      customersWithdrawingSurveys: withdrawing('survey'),
      contactsMade: Object.values(input.consent.contactsMade).reduce((a, b) => a + b, 0),
      contactsAfterWithdrawal: input.consent.contactsAfterWithdrawal,
    },
    referrals: {
      claims: referralCounts.claims,
      lateClaims: referralCounts.lateClaims,
      screenedOut: referralCounts.screenedOut,
      licenceMismatches: referralCounts.licenceMismatches,
      verified: referralCounts.verified,
      faked: referralCounts.faked,
      inconclusive: referralCounts.inconclusive,
      voided: referralCounts.voided,
      rewarded: referralCounts.rewarded,
      clawedBack: referralCounts.clawedBack,
      passRate: referralRates.verificationPassRate,
      fraudRate: referralRates.fraudRate,
      conversion: referralRates.conversion,
      penalties: consultants.reduce((n, c) => n + c.faked.length, 0),
      penaltiesFen: consultants.reduce((n, c) => n + c.penaltiesFen, 0),
      blockedReferrers: Object.values(ledger.accounts).filter((a) => a.blocked).length,
    },
    complaints: {
      received: complaintRates.complaints,
      bySeverity,
      safetyRelated: complaints.filter((c) => c.safetyRelated).length,
      firstResponse: clockRate(tally.slaMet, tally.slaBreached, 'response'),
      investigation: clockRate(tally.slaMet, tally.slaBreached, 'investigation'),
      resolution: clockRate(tally.slaMet, tally.slaBreached, 'resolution'),
      breaches: tally.slaBreached.size,
      escalated: tally.escalated.size,
      escalationRate: complaintRates.escalationRate,
      closed: complaints.filter((c) => c.stage === 'closed').length,
      open: complaints.filter((c) => c.stage !== 'closed').length,
      reopened: tally.reopened.size,
      reopenRate: complaintRates.reopenRate,
      justifiedRate: complaintRates.justifiedRate,
      meanHoursToAcknowledge:
        complaintRates.meanTimeToAcknowledgeMs === null
          ? null
          : complaintRates.meanTimeToAcknowledgeMs / 3_600_000,
      compensationFen: tally.compensationCost,
      causes: causeRanking(causes).map((c) => ({
        rootCause: c.rootCause,
        complaints: c.complaints,
        share: c.share,
      })),
    },
    loyalty: {
      members: totals.members.size,
      levels: sortedRecord(Object.entries(levels.members).filter(([, n]) => n > 0)),
      issued: totals.issued,
      redeemed: totals.redeemed,
      expired: totals.expired,
      reversed: totals.reversed,
      forfeited: totals.forfeited,
      pointsLiability: loyalty.pointsLiability,
      breakage: rate(loyalty.breakage.numerator, loyalty.breakage.denominator),
      redemption: rate(loyalty.redemptionRate.numerator, loyalty.redemptionRate.denominator),
      activeMembers: rate(loyalty.activeMemberRate.numerator, loyalty.activeMemberRate.denominator),
      prepaidBalanceFen: loyalty.prepaidLiabilityFen,
    },
    log: {
      events: input.log.events,
      streams: input.log.streams,
      eventsByDomain: input.log.eventsByDomain,
      processRefusals: count(d.rejections(), (r) => r.code),
    },
  }
}
