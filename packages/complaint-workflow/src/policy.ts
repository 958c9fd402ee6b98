import { type BusinessCalendar, mainlandChinaCalendar } from './calendar.js'
import type { ComplaintRole } from './roles.js'
import type { SlaTargets } from './sla.js'
import type { Severity } from './vocabulary.js'

/** Who may approve compensation up to a value (null: no upper limit). */
export interface ComplaintApprovalTier {
  readonly role: ComplaintRole
  readonly upToFen: number | null
}

/**
 * Tunable rules of complaint handling. Plain data, passed to `complaintDecider`; its
 * `policyVersion` is recorded on the events it shapes.
 */
export interface ComplaintPolicy {
  readonly policyVersion: string
  /** The business calendar the SLA clocks run on: its zone, opening hours and statutory calendar. */
  readonly calendar: BusinessCalendar
  /** SLA targets in business minutes per severity (docs/domain.md §5 Complaints). */
  readonly slaTargets: Readonly<Record<Severity, SlaTargets>>
  /** Compensation above a tier's limit needs a higher role (docs/domain.md §3 rules). Ordered by limit. */
  readonly approvalTiers: ReadonlyArray<ComplaintApprovalTier>
  /** Seniority of each role: a role may act for any tier at or below its rank. */
  readonly roleRank: Readonly<Record<ComplaintRole, number>>
  /** The highest handling level escalation can reach (docs/domain.md §3: escalation raises the level). */
  readonly maxHandlingLevel: number
  /** Automatic escalation (docs/domain.md §5 Complaints; OEM 升级 / 重大 levels). */
  readonly autoEscalation: {
    /** A complaint by the same customer within this many days of their last one is a repeat. */
    readonly repeatWithinDays: number
    readonly onRejectedResolution: boolean
    /** Words in the customer's account or a contact note that make the complaint 重大 major. */
    readonly majorKeywords: ReadonlyArray<string>
  }
  /** What one goodwill loyalty point is worth, for the approval limit (the loyalty package books them). */
  readonly fenPerGoodwillPoint: number
}

const HOUR = 60
const WORKING_DAY = 24 * HOUR

/**
 * Defaults from docs/domain.md: confirm within 24 h, investigate within 48 h, resolve within 5 working
 * days for 一般 general complaints; 升级 and 重大 complaints get tighter targets (library choice).
 * The clock runs all day on the working days of mainland China in Asia/Shanghai: Monday–Friday,
 * without the statutory public holidays, plus the weekend days worked in their place (调休).
 */
export const defaultComplaintPolicy: ComplaintPolicy = {
  policyVersion: 'complaint-policy/2026-2',
  calendar: mainlandChinaCalendar,
  slaTargets: {
    general: { response: 24 * HOUR, investigation: 48 * HOUR, resolution: 5 * WORKING_DAY },
    escalated: { response: 12 * HOUR, investigation: 24 * HOUR, resolution: 3 * WORKING_DAY },
    major: { response: 4 * HOUR, investigation: 12 * HOUR, resolution: 2 * WORKING_DAY },
  },
  approvalTiers: [
    { role: 'service-manager', upToFen: 100_000 },
    { role: 'after-sales-director', upToFen: 500_000 },
    { role: 'general-manager', upToFen: null },
  ],
  roleRank: {
    system: 0,
    'call-back-staff': 1,
    'service-advisor': 1,
    'customer-manager': 1,
    'duty-manager': 2,
    'service-manager': 3,
    'after-sales-director': 4,
    'general-manager': 5,
  },
  maxHandlingLevel: 3,
  autoEscalation: {
    repeatWithinDays: 90,
    onRejectedResolution: true,
    majorKeywords: [
      '媒体',
      '记者',
      '曝光',
      '12315',
      '消协',
      '律师',
      'media',
      'journalist',
      'lawyer',
      'consumer association',
    ],
  },
  fenPerGoodwillPoint: 1,
}

/** The lowest role allowed to approve compensation worth `valueFen`. */
export const requiredApprover = (policy: ComplaintPolicy, valueFen: number): ComplaintRole => {
  const tier =
    policy.approvalTiers.find((t) => t.upToFen === null || valueFen <= t.upToFen) ??
    policy.approvalTiers.at(-1)
  // A policy without tiers leaves approval to the general manager.
  return tier?.role ?? 'general-manager'
}
