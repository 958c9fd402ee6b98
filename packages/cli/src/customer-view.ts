import type { Customer360 } from '@dealer-crm/dealership'
import { formatYuan, isErased } from '@dealer-crm/eventsourcing'
import { pointValueFen } from './demo-summary.js'
import { renderTable } from './table.js'

/** A personal field: its decrypted value, or that it was erased (the person was forgotten). */
const personal = (v: unknown): string =>
  isErased(v) ? '«erased»' : v === null || v === undefined ? '-' : String(v)

const day = (iso: string | null | undefined): string => (iso == null ? '-' : iso.slice(0, 10))

const hours = (ms: number | null): string => {
  if (ms === null) return 'stopped'
  const h = Math.round(Math.abs(ms) / 3_600_000)
  return ms < 0 ? `${h} h overdue` : `${h} h left`
}

const section = (title: string, rows: number, table: () => string): string =>
  rows === 0 ? `${title}: none` : `${title}\n${table()}`

/** Why the customer is at their stage: the evidence the lifecycle recorded with the change. */
const evidence = (c: Customer360): string => {
  const e = c.profile.stageEvidence
  if (e === null) return '  evidence: none recorded (the stage was set at registration or by hand)'
  const parts = [
    `last visit ${day(e.lastVisitAt)}`,
    `last delivery ${day(e.lastDeliveryAt)}`,
    e.daysSinceLastVisit === null ? null : `${e.daysSinceLastVisit} days since the last visit`,
    `next service due ${day(e.projectedDueDate)}`,
    e.daysOverdue > 0 ? `${e.daysOverdue} days overdue` : null,
    `at risk after ${e.atRiskAfterDays} days, lost after ${e.lostAfterDays} (policy ${e.policyVersion})`,
  ]
  return `  evidence recorded with it: ${parts.filter((p) => p !== null).join(' · ')}`
}

/** One customer's 360 view for the terminal: profile, stage, vehicles, consent, touchpoints, referrals, complaints, membership. */
export const renderCustomer = (c: Customer360, at: Date): string => {
  const p = c.profile
  const flags = Object.entries(c.segment.flags)
    .filter(([, on]) => on)
    .map(([f]) => f)
  const consents = Object.entries(p.consents)
  const m = c.membership
  return [
    `Customer ${c.customerId} as of ${at.toISOString()}`,
    `  name: ${personal(p.name)}`,
    `  manager: ${p.managerId ?? '-'} · value tier ${c.segment.valueTier ?? '-'} · RFM ${c.segment.rfmSegment ?? '-'} · flags ${flags.join(', ') || '-'}`,
    `  personality: ${c.segment.personality === null ? '-' : `${c.segment.personality.type} (${c.segment.personality.contactStyle})`} · referral potential ${c.segment.referralPotential ?? '-'}`,
    '',
    `Stage: ${c.stage} since ${day(p.stageSince)}${p.overriddenUntil === null ? '' : ` (set by hand until ${day(p.overriddenUntil)})`}`,
    evidence(c),
    '',
    section('Vehicles', c.vehicles.length, () =>
      renderTable(
        ['VIN', 'model', 'colour', 'plate', 'delivered', 'last visit', 'km'],
        c.vehicles.map((v) => [
          v.vin,
          v.model,
          v.colour,
          personal(v.plate),
          day(v.deliveredAt),
          day(v.lastVisitAt),
          v.lastMileageKm.toLocaleString('en-US'),
        ]),
        ['left', 'left', 'left', 'left', 'left', 'left', 'right'],
      ),
    ),
    '',
    section('Consent (latest word per purpose and channel)', consents.length, () =>
      renderTable(
        ['purpose / channel', 'consent'],
        consents.map(([k, v]) => [k, v]),
      ),
    ),
    '',
    section('Touchpoints (latest first)', c.recentTouchpoints.length, () =>
      renderTable(
        ['touchpoint', 'kind', 'channel', 'due', 'status', 'outcome'],
        c.recentTouchpoints.map((t) => [
          t.touchpointId,
          t.kind,
          t.channel,
          day(t.dueAt),
          t.status,
          t.outcome ?? '-',
        ]),
      ),
    ),
    '',
    section('Referrals made', c.referralsMade.length, () =>
      renderTable(
        ['referral', 'referee', 'registered', 'outcome', 'reward', 'reward status'],
        c.referralsMade.map((r) => [
          r.referralId,
          r.refereeId,
          day(r.registeredAt),
          r.outcome,
          r.reward === null
            ? '-'
            : 'valueFen' in r.reward
              ? `${r.reward.kind} ${formatYuan(r.reward.valueFen)}`
              : `${r.reward.points.toLocaleString('en-US')} points`,
          r.rewardStatus,
        ]),
      ),
    ),
    '',
    section('Open complaints (deadlines on the business calendar)', c.openComplaints.length, () =>
      renderTable(
        ['complaint', 'severity', 'owner', 'level', 'deadlines', 'missed'],
        c.openComplaints.map((o) => [
          `${o.complaintId}${o.safetyRelated ? ' (safety)' : ''}`,
          o.severity,
          o.owner,
          String(o.handlingLevel),
          o.pausedFor === null
            ? o.clocks.map((k) => `${k.clock}: ${hours(k.timeLeftMs)}`).join('\n')
            : `paused: ${o.pausedFor}`,
          o.breaches.join(', ') || '-',
        ]),
      ),
    ),
    '',
    m === null
      ? 'Membership: not a member'
      : [
          `Membership: card ${m.cardNumber ?? '-'} (${m.memberId}) · ${m.status} · level ${m.level ?? '-'}`,
          `  points to spend ${m.balance.toLocaleString('en-US')} (${formatYuan(m.balance * pointValueFen)} at ${formatYuan(100 * pointValueFen)} per 100 points) · pending ${m.pendingPoints.toLocaleString('en-US')} · owed back ${m.debt.toLocaleString('en-US')}`,
          `  prepaid balance ${formatYuan(m.prepaidFen)}`,
        ].join('\n'),
  ].join('\n')
}
