import {
  elapsedDays,
  epochMs,
  type Instant,
  isBefore,
  later,
  type Projection,
} from '@dealer-crm/eventsourcing'
import type { LifecycleEvent, StageEvidence } from '../events.js'
import type { ContactStyle, LifecycleStage } from '../vocabulary.js'

interface Watched {
  customerId: string
  stage: LifecycleStage
  stageSince: Instant
  evidence: StageEvidence | null
  probationEndsAt: Instant | null
  managerId: string | null
  contactStyle: ContactStyle | null
  vip: boolean
  /** Planned touchpoints by id → due time. */
  planned: Map<string, Instant>
  /** The last time the dealership spoke with the customer: an inbound contact, or a touchpoint that reached them. */
  lastSpokenAt: Instant | null
}

export type ChurnRiskState = Map<string, Watched>

export interface ChurnRiskEntry {
  readonly customerId: string
  readonly stage: LifecycleStage
  readonly why: string
  readonly daysOverdue: number
  readonly managerId: string | null
  readonly contactStyle: ContactStyle | null
  readonly vip: boolean
  readonly lastSpokenAt: Instant | null
}

const handles = [
  'ProspectRegistered',
  'StageChanged',
  'StageOverridden',
  'CustomerManagerAssigned',
  'CustomerManagerReassigned',
  'PersonalityTypeRecorded',
  'AccountFlagSet',
  'TouchpointPlanned',
  'TouchpointDone',
  'TouchpointCancelled',
  'InboundContactRecorded',
] as const satisfies ReadonlyArray<LifecycleEvent['type']>

/**
 * Who to contact this week and why (docs/domain.md §1 stage 6: 发现即将流失的客户,并采取相应的行动留住客户):
 * customers at risk, declining, never serviced, recently lost (or who said they went elsewhere),
 * or won back and on probation.
 */
export const churnRiskProjection: Projection<ChurnRiskState, LifecycleEvent> = {
  name: 'customer-lifecycle.churn-risk',
  version: 2,
  handles,
  init: () => new Map(),
  apply: (state, e) => {
    if (e.type === 'ProspectRegistered') {
      state.set(e.data.customerId, {
        customerId: e.data.customerId,
        stage: 'prospect',
        stageSince: e.data.at,
        evidence: null,
        probationEndsAt: null,
        managerId: null,
        contactStyle: null,
        vip: false,
        planned: new Map(),
        lastSpokenAt: null,
      })
      return state
    }
    const w = state.get(e.data.customerId)
    if (w === undefined) return state
    switch (e.type) {
      case 'StageChanged':
        w.stage = e.data.to
        w.stageSince = e.data.at
        w.evidence = e.data.evidence
        w.probationEndsAt = e.data.probationEndsAt
        break
      case 'StageOverridden':
        w.stage = e.data.to
        w.stageSince = e.data.at
        w.probationEndsAt = null
        break
      case 'CustomerManagerAssigned':
      case 'CustomerManagerReassigned':
        w.managerId = e.data.managerId
        break
      case 'PersonalityTypeRecorded':
        w.contactStyle = e.data.contactStyle
        break
      case 'AccountFlagSet':
        if (e.data.flag === 'vip') w.vip = e.data.value
        break
      case 'TouchpointPlanned':
        w.planned.set(e.data.touchpointId, e.data.dueAt)
        break
      case 'TouchpointDone':
        w.planned.delete(e.data.touchpointId)
        if (e.data.outcome !== 'not-reached') w.lastSpokenAt = laterOf(w.lastSpokenAt, e.data.at)
        break
      case 'TouchpointCancelled':
        w.planned.delete(e.data.touchpointId)
        break
      case 'InboundContactRecorded':
        w.lastSpokenAt = laterOf(w.lastSpokenAt, e.data.at)
        break
    }
    return state
  },
}

const urgency: Partial<Record<LifecycleStage, number>> = {
  'at-risk': 0,
  'won-back': 1,
  declining: 2,
  'never-serviced': 3,
  lost: 4,
}

const laterOf = (a: Instant | null, b: Instant): Instant => (a === null ? b : later(a, b))

const reason = (w: Watched, weekStart: Instant): string | null => {
  const overdue = w.evidence?.daysOverdue ?? 0
  const saidElsewhere = w.evidence?.saidWentElsewhereAt ?? null
  switch (w.stage) {
    case 'at-risk':
      return `not seen for ${w.evidence?.daysSinceLastSeen ?? '?'} days; ${overdue} days past the projected service date`
    case 'declining':
      return `service overdue by ${overdue} days`
    case 'never-serviced':
      return `never came back since delivery on ${w.evidence?.lastDeliveryAt ?? 'record'}`
    case 'won-back':
      return w.probationEndsAt === null ? null : `won back; probation runs until ${w.probationEndsAt}`
    case 'lost':
      return elapsedDays(w.stageSince, weekStart) > 90
        ? null
        : saidElsewhere !== null && !isBefore(saidElsewhere, w.stageSince)
          ? `said on ${saidElsewhere} they went elsewhere; try to win back`
          : `lost since ${w.stageSince}; try to win back`
    default:
      return null
  }
}

/**
 * The customers to contact in the week from `weekStart`, most urgent first (VIPs first within a
 * stage), leaving out those who already have a contact planned this week and those the
 * dealership spoke with in the seven days before it or since (they called in, walked in, or a
 * touchpoint reached them).
 */
export const contactThisWeek = (state: ChurnRiskState, weekStart: Instant): ReadonlyArray<ChurnRiskEntry> => {
  const week = 7 * 86_400_000
  const weekEnd = epochMs(weekStart) + week
  const entries: ChurnRiskEntry[] = []
  for (const w of state.values()) {
    const why = reason(w, weekStart)
    const plannedThisWeek = [...w.planned.values()].some(
      (due) => !isBefore(due, weekStart) && epochMs(due) < weekEnd,
    )
    const spokenLately = w.lastSpokenAt !== null && epochMs(w.lastSpokenAt) >= epochMs(weekStart) - week
    if (why === null || plannedThisWeek || spokenLately) continue
    entries.push({
      customerId: w.customerId,
      stage: w.stage,
      why,
      daysOverdue: w.evidence?.daysOverdue ?? 0,
      managerId: w.managerId,
      contactStyle: w.contactStyle,
      vip: w.vip,
      lastSpokenAt: w.lastSpokenAt,
    })
  }
  return entries.sort(
    (a, b) =>
      (urgency[a.stage] ?? 9) - (urgency[b.stage] ?? 9) ||
      Number(b.vip) - Number(a.vip) ||
      b.daysOverdue - a.daysOverdue ||
      a.customerId.localeCompare(b.customerId),
  )
}
