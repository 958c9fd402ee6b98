// One customer's 360 as a self-contained HTML page: the content of `dealer-crm customer <id>`
// (packages/cli/src/customer-view.ts), styles inline, no script and nothing fetched.
import type { Customer360 } from '@dealer-crm/dealership'
import { formatYuan, isErased } from '@dealer-crm/eventsourcing'
import { fontStack } from './charts.js'
import { type CustomerLabels, customerLabelsFor } from './customer-labels.js'
import { esc } from './html.js'
import { labelOf, type ReportLanguage } from './labels.js'

/** Fen per point, as the CLI shows it: ¥1 per 100 points. */
export const customerPagePointValueFen = 1

/** A personal field: its decrypted value, or that it was erased (the person was forgotten). */
const personal = (v: unknown, l: CustomerLabels): string =>
  isErased(v)
    ? `<span class="erased" data-erased>${esc(l.erased)}</span>`
    : v == null
      ? l.none
      : esc(String(v))

const day = (iso: string | null | undefined, l: CustomerLabels): string =>
  iso == null ? l.none : esc(iso.slice(0, 10))

const word = (l: CustomerLabels, key: string): string => esc(labelOf(l.words, key))

const hours = (ms: number | null, l: CustomerLabels): string => {
  if (ms === null) return esc(l.f.stopped)
  const h = String(Math.round(Math.abs(ms) / 3_600_000))
  return ms < 0
    ? `<span class="late">${esc(l.f.overdue.replace('{h}', h))}</span>`
    : esc(l.f.left.replace('{h}', h))
}

/** A table of escaped (or already safe) cells; an empty one says "none". */
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, l: CustomerLabels) =>
  rows.length === 0
    ? `<p class="none">${esc(l.nothing)}</p>`
    : `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`

/** Label–value pairs. */
const pairs = (rows: ReadonlyArray<readonly [string, string]>) =>
  `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`

const section = (id: string, title: string, body: string) =>
  `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`

const css = `
body{font-family:${fontStack};margin:24px auto;max-width:1100px;color:#1d2733;background:#fff;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #2f6fb3;padding-bottom:4px;margin-top:28px}
.meta{color:#556;font-size:13px}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #e3e7ee;padding:3px 8px;text-align:left;vertical-align:top}
thead th{background:#f3f6fa;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;font-size:14px;margin:0}
dt{color:#556}dd{margin:0}
.erased{color:#8a5a00;font-style:italic}.late{color:#b3261e;font-weight:600}.none{color:#556}
`

const profileSection = (c: Customer360, l: CustomerLabels) => {
  const s = c.segment
  const flags = Object.entries(s.flags)
    .filter(([, on]) => on)
    .map(([f]) => word(l, f))
  return pairs([
    [l.f.name, personal(c.profile.name, l)],
    [l.f.manager, esc(c.profile.managerId ?? l.none)],
    [l.f.valueTier, esc(s.valueTier ?? l.none)],
    [l.f.rfm, esc(s.rfmSegment ?? l.none)],
    [l.f.flags, flags.join(', ') || l.none],
    [
      l.f.personality,
      s.personality === null ? l.none : esc(`${s.personality.type} (${s.personality.contactStyle})`),
    ],
    [l.f.referralPotential, esc(s.referralPotential ?? l.none)],
  ])
}

const stageSection = (c: Customer360, l: CustomerLabels) => {
  const p = c.profile
  const e = p.stageEvidence
  const stage = `<strong data-stage="${esc(c.stage)}">${esc(labelOf(l.stages, c.stage))}</strong> · ${esc(l.f.since)} ${day(p.stageSince, l)}${
    p.overriddenUntil === null ? '' : ` (${esc(l.f.overriddenUntil)} ${day(p.overriddenUntil, l)})`
  }`
  const evidence =
    e === null
      ? esc(l.f.noEvidence)
      : pairs([
          [l.f.lastVisit, day(e.lastVisitAt, l)],
          [l.f.lastDelivery, day(e.lastDeliveryAt, l)],
          [l.f.daysSinceVisit, e.daysSinceLastVisit === null ? l.none : String(e.daysSinceLastVisit)],
          [l.f.nextDue, day(e.projectedDueDate, l)],
          [l.f.daysOverdue, String(e.daysOverdue)],
          [l.f.thresholds, `${e.atRiskAfterDays} / ${e.lostAfterDays}`],
          [l.f.policy, esc(String(e.policyVersion))],
        ])
  return pairs([
    [l.f.stage, stage],
    [l.f.evidence, evidence],
  ])
}

const membershipSection = (c: Customer360, l: CustomerLabels) => {
  const m = c.membership
  if (m === null) return `<p class="none">${esc(l.f.notMember)}</p>`
  const n = (x: number) => x.toLocaleString('en-US')
  const rate = l.f.pointRate.replace('{v}', formatYuan(100 * customerPagePointValueFen))
  return pairs([
    [l.f.card, `${esc(m.cardNumber ?? l.none)} (${esc(m.memberId)})`],
    [l.f.memberStatus, word(l, m.status)],
    [l.f.memberLevel, m.level === null ? l.none : esc(labelOf(l.levels, m.level))],
    [l.f.balance, `<span data-points="${m.balance}">${n(m.balance)}</span> ${esc(l.f.points)}`],
    [
      l.f.pointsValue,
      `<span data-fen="${m.balance * customerPagePointValueFen}">${esc(formatYuan(m.balance * customerPagePointValueFen))}</span> (${esc(rate)})`,
    ],
    [l.f.pending, n(m.pendingPoints)],
    [l.f.debt, n(m.debt)],
    [l.f.prepaid, esc(formatYuan(m.prepaidFen))],
  ])
}

/** The customer 360 as one HTML page, labels in Simplified Chinese (default) or English; `at` is the moment shown. */
export const renderCustomerPage = (
  view: Customer360,
  lang: ReportLanguage = 'zh-CN',
  at?: string,
): string => {
  const l = customerLabelsFor(lang)
  const c = view
  const vehicles = table(
    [l.f.vin, l.f.model, l.f.colour, l.f.plate, l.f.delivered, l.f.lastVisit, l.f.km],
    c.vehicles.map((v) => [
      esc(v.vin),
      esc(v.model),
      esc(v.colour),
      personal(v.plate, l),
      day(v.deliveredAt, l),
      day(v.lastVisitAt, l),
      v.lastMileageKm.toLocaleString('en-US'),
    ]),
    l,
  )
  const consent = table(
    [l.f.purposeChannel, l.f.consent],
    Object.entries(c.profile.consents).map(([k, v]) => [esc(k), word(l, v)]),
    l,
  )
  const touchpoints = table(
    [l.f.touchpoint, l.f.kind, l.f.channel, l.f.due, l.f.status, l.f.outcome],
    c.recentTouchpoints.map((t) => [
      esc(t.touchpointId),
      esc(t.kind),
      esc(t.channel),
      day(t.dueAt, l),
      word(l, t.status),
      t.outcome === null ? l.none : esc(t.outcome),
    ]),
    l,
  )
  const referrals = table(
    [l.f.referral, l.f.referee, l.f.registered, l.f.outcome, l.f.reward, l.f.rewardStatus],
    c.referralsMade.map((r) => [
      esc(r.referralId),
      esc(r.refereeId),
      day(r.registeredAt, l),
      word(l, r.outcome),
      r.reward === null
        ? l.none
        : 'valueFen' in r.reward
          ? esc(`${r.reward.kind} ${formatYuan(r.reward.valueFen)}`)
          : esc(`${r.reward.points.toLocaleString('en-US')} ${l.f.points}`),
      word(l, r.rewardStatus),
    ]),
    l,
  )
  const complaints = table(
    [l.f.complaint, l.f.severity, l.f.owner, l.f.level, l.f.deadlines, l.f.missed],
    c.openComplaints.map((o) => [
      `${esc(o.complaintId)}${o.safetyRelated ? ` (${esc(l.f.safety)})` : ''}`,
      esc(labelOf(l.severities, o.severity)),
      esc(o.owner),
      String(o.handlingLevel),
      o.pausedFor === null
        ? o.clocks.map((k) => `${esc(labelOf(l.clocks, k.clock))}: ${hours(k.timeLeftMs, l)}`).join('<br>')
        : `${esc(l.f.paused)}: ${esc(o.pausedFor)}`,
      o.breaches.map((b) => esc(labelOf(l.clocks, b))).join(', ') || l.none,
    ]),
    l,
  )
  const title = `${l.title} · ${c.customerId}`
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${at === undefined ? '' : `<p class="meta">${esc(l.asOf)} <strong data-at>${esc(at)}</strong></p>`}
${section('profile', l.sections.profile, profileSection(c, l))}
${section('stage', l.sections.stage, stageSection(c, l))}
${section('vehicles', l.sections.vehicles, vehicles)}
${section('consent', l.sections.consent, consent)}
${section('touchpoints', l.sections.touchpoints, touchpoints)}
${section('referrals', l.sections.referrals, referrals)}
${section('complaints', l.sections.complaints, complaints)}
${section('membership', l.sections.membership, membershipSection(c, l))}
</body>
</html>
`
}

/** The page for a customer the lifecycle does not know (served with a 404). */
export const renderCustomerNotFound = (customerId: string, lang: ReportLanguage = 'zh-CN'): string => {
  const l = customerLabelsFor(lang)
  const text = lang === 'en' ? `There is no customer ${customerId}.` : `没有客户 ${customerId}。`
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${esc(l.title)} · 404</title><style>${css}</style></head>
<body><h1>${esc(l.title)}</h1><p data-not-found>${esc(text)}</p></body>
</html>
`
}
