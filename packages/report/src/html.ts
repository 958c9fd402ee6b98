import { anchorToJson } from '@dealer-crm/eventsourcing'
import type { Chart } from './charts.js'
import { fontStack } from './charts.js'
import type { Flow, ReportFigures } from './figures.js'
import { type Labels, labelOf, type ReportLanguage } from './labels.js'

export const esc = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  )

type Kind = 'count' | 'rate' | 'fen'
const show = (value: number | null, kind: Kind, none: string): string => {
  if (value === null) return none
  if (kind === 'rate') return `${(value * 100).toFixed(1)}%`
  if (kind === 'fen')
    return `¥${(value / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
  return value.toLocaleString('en-US')
}

/** A table cell that carries the figure's key and raw value, so a test can read back what is shown. */
const cell = (key: string, value: number | null, kind: Kind, l: Labels) =>
  `<td data-figure="${esc(key)}" data-value="${value === null ? '' : value}">${show(value, kind, l.none)}</td>`

interface Row {
  readonly key: string
  readonly label: string
  readonly value: Flow<number | null>
  readonly kind?: Kind
}

const flowTable = (rows: ReadonlyArray<Row>, l: Labels) =>
  `<table class="figures"><thead><tr><th>${esc(l.figure)}</th><th>${esc(l.inPeriod)}</th><th>${esc(l.allTime)}</th></tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr><th>${esc(r.label)}</th>${cell(`${r.key}.inPeriod`, r.value.inPeriod, r.kind ?? 'count', l)}${cell(
          `${r.key}.allTime`,
          r.value.allTime,
          r.kind ?? 'count',
          l,
        )}</tr>`,
    )
    .join('')}</tbody></table>`

interface EndRow {
  readonly key: string
  readonly label: string
  readonly value: number | null
  readonly kind?: Kind
}
const endTable = (rows: ReadonlyArray<EndRow>, l: Labels) =>
  `<table class="figures"><thead><tr><th>${esc(l.figure)}</th><th>${esc(l.atEnd)}</th></tr></thead><tbody>${rows
    .map((r) => `<tr><th>${esc(r.label)}</th>${cell(`${r.key}.atEnd`, r.value, r.kind ?? 'count', l)}</tr>`)
    .join('')}</tbody></table>`

const figure = (chart: Chart) =>
  `<figure class="chart" data-chart="${esc(chart.id)}" data-series="${chart.series}">${chart.svg}</figure>`

const section = (id: string, title: string, charts: ReadonlyArray<Chart>, tables: string) =>
  `<section id="${id}"><h2>${esc(title)}</h2><div class="charts">${charts.map(figure).join('')}</div>${tables}</section>`

const css = `
body{font-family:${fontStack};margin:24px auto;max-width:1320px;color:#1d2733;background:#fff;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #2f6fb3;padding-bottom:4px;margin-top:32px}
.meta{color:#556;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}
figure.chart{margin:0;border:1px solid #e3e7ee;border-radius:6px;padding:4px}
figure.chart svg{width:100%;height:auto;display:block}
.tables{display:flex;flex-wrap:wrap;align-items:flex-start;gap:16px;margin-top:12px}
table.figures{border-collapse:collapse;font-size:13px;min-width:360px}
table.figures th,table.figures td{border:1px solid #e3e7ee;padding:3px 8px;text-align:right}
table.figures th:first-child{text-align:left;font-weight:normal}
table.figures thead th{background:#f3f6fa;font-weight:600}
pre{background:#f3f6fa;padding:8px;font-size:12px;white-space:pre-wrap;word-break:break-all}
.ok{color:#23793f;font-weight:600}.failed{color:#b3261e;font-weight:600}
`

/** The whole page: one file, styles inline, charts as inline SVG, no script and nothing fetched. */
export const renderHtml = (
  f: ReportFigures,
  charts: ReadonlyArray<Chart>,
  l: Labels,
  lang: ReportLanguage,
): string => {
  const byId = (...ids: string[]) => charts.filter((c) => ids.includes(c.id))
  const lc = f.lifecycle
  const cp = f.complaints
  const rf = f.referrals
  const ly = f.loyalty
  const au = f.audit
  const tables = (...t: string[]) => `<div class="tables">${t.join('')}</div>`

  const customers = tables(
    flowTable(
      [
        { key: 'lifecycle.registered', label: l.f.registered, value: lc.registered },
        { key: 'lifecycle.deliveries', label: l.f.deliveries, value: lc.deliveries },
        { key: 'lifecycle.lost', label: l.f.lost, value: lc.lost },
        { key: 'lifecycle.wonBack', label: l.f.wonBack, value: lc.wonBack },
      ],
      l,
    ),
    endTable(
      lc.stageKeys.map((k) => ({
        key: `lifecycle.stages.${k}`,
        label: labelOf(l.stages, k),
        value: lc.stagesAtEnd[k] ?? 0,
      })),
      l,
    ),
  )
  const service = tables(
    flowTable(
      [
        { key: 'lifecycle.serviceVisits', label: l.f.serviceVisits, value: lc.serviceVisits },
        { key: 'lifecycle.remindersReached', label: l.f.remindersReached, value: lc.remindersReached },
        { key: 'lifecycle.remindersConverted', label: l.f.remindersConverted, value: lc.remindersConverted },
        {
          key: 'lifecycle.reminderConversion',
          label: l.f.reminderConversion,
          value: lc.reminderConversion,
          kind: 'rate',
        },
      ],
      l,
    ),
    endTable(
      [
        {
          key: 'lifecycle.retention',
          label: l.f.retention,
          value: lc.retentionAtEnd?.retention ?? null,
          kind: 'rate',
        },
      ],
      l,
    ),
  )
  const complaints = tables(
    flowTable(
      [
        { key: 'complaints.received', label: l.f.received, value: cp.receivedAll },
        ...Object.entries(cp.received).map(([k, v]) => ({
          key: `complaints.received.${k}`,
          label: `${l.f.received} · ${labelOf(l.severities, k)}`,
          value: v,
        })),
        ...Object.entries(cp.slaMet).map(([k, v]) => ({
          key: `complaints.slaMet.${k}`,
          label: `${l.f.slaMet} · ${labelOf(l.clocks, k)}`,
          value: v,
          kind: 'rate' as const,
        })),
        { key: 'complaints.breaches', label: l.f.breaches, value: cp.breaches },
        { key: 'complaints.escalated', label: l.f.escalated, value: cp.escalated },
        { key: 'complaints.reopenings', label: l.f.reopenings, value: cp.reopenings },
        { key: 'complaints.closed', label: l.f.closed, value: cp.closed },
      ],
      l,
    ),
    flowTable(
      cp.pareto.allTime.map((r) => ({
        key: `complaints.causes.${r.rootCause}`,
        label: `${l.f.rootCause} · ${labelOf(l.causes, r.rootCause)}`,
        value: {
          inPeriod: cp.pareto.inPeriod.find((p) => p.rootCause === r.rootCause)?.complaints ?? 0,
          allTime: r.complaints,
        },
      })),
      l,
    ),
  )
  const referrals = tables(
    flowTable(
      [
        { key: 'referrals.claims', label: l.f.claims, value: rf.claims },
        { key: 'referrals.lateClaims', label: l.f.lateClaims, value: rf.lateClaims },
        { key: 'referrals.verified', label: l.f.verified, value: rf.outcomes.verified },
        { key: 'referrals.faked', label: l.f.faked, value: rf.outcomes.faked },
        { key: 'referrals.inconclusive', label: l.f.inconclusive, value: rf.outcomes.inconclusive },
        { key: 'referrals.fraudRate', label: l.f.fraudRate, value: rf.fraudRate, kind: 'rate' },
        { key: 'referrals.rewards', label: l.f.rewards, value: rf.rewards },
        { key: 'referrals.rewardsFen', label: l.f.rewardsFen, value: rf.rewardsFen, kind: 'fen' },
        { key: 'referrals.rewardPoints', label: l.f.rewardPoints, value: rf.rewardPoints },
        { key: 'referrals.clawedBackFen', label: l.f.clawedBackFen, value: rf.clawedBackFen, kind: 'fen' },
        { key: 'referrals.penalties', label: l.f.penalties, value: rf.penalties },
        { key: 'referrals.penaltiesFen', label: l.f.penaltiesFen, value: rf.penaltiesFen, kind: 'fen' },
        {
          key: 'referrals.penaltiesLiftedFen',
          label: l.f.penaltiesLiftedFen,
          value: rf.penaltiesLiftedFen,
          kind: 'fen',
        },
      ],
      l,
    ),
  )
  const loyalty = tables(
    flowTable(
      [
        { key: 'loyalty.issued', label: l.f.issued, value: ly.issued },
        { key: 'loyalty.redeemed', label: l.f.redeemed, value: ly.redeemed },
        { key: 'loyalty.expired', label: l.f.expired, value: ly.expired },
        { key: 'loyalty.reversed', label: l.f.reversed, value: ly.reversed },
        { key: 'loyalty.enrolled', label: l.f.enrolled, value: ly.enrolled },
        { key: 'loyalty.exited', label: l.f.exited, value: ly.exited },
      ],
      l,
    ),
    endTable(
      [
        { key: 'loyalty.liabilityPoints', label: l.f.liabilityPoints, value: ly.liabilityPointsAtEnd },
        {
          key: 'loyalty.liabilityFen',
          label: `${l.f.liabilityFen} (${l.f.pointValue.replace('{v}', (ly.pointValueFen / 100).toFixed(2))})`,
          value: ly.liabilityFenAtEnd,
          kind: 'fen',
        },
        { key: 'loyalty.prepaidFen', label: l.f.prepaidFen, value: ly.prepaidFenAtEnd, kind: 'fen' },
        ...ly.levelKeys.map((k) => ({
          key: `loyalty.levels.${k}`,
          label: `${l.f.members} · ${labelOf(l.levels, k)}`,
          value: ly.levelsAtEnd[k] ?? 0,
        })),
      ],
      l,
    ),
  )
  const verify =
    au.verify === null
      ? `<span>${esc(l.f.verifyMissing)}</span>`
      : au.verify.ok
        ? `<span class="ok" data-verify="ok">${esc(l.f.verifyOk)}</span>`
        : `<span class="failed" data-verify="failed">${esc(l.f.verifyFailed)}: ${esc(au.verify.finding.code)} — ${esc(au.verify.finding.reason)}</span>`
  const anchor =
    au.anchor === null
      ? `<p>${esc(l.f.anchor)}: ${esc(l.f.anchorMissing)}</p>`
      : `<p>${esc(l.f.anchor)}:</p><pre data-anchor>${esc(JSON.stringify(anchorToJson(au.anchor), null, 2))}</pre>`
  const audit = `${tables(
    flowTable(
      [
        { key: 'audit.events', label: l.f.events, value: au.events },
        { key: 'audit.newStreams', label: l.f.newStreams, value: au.newStreams },
      ],
      l,
    ),
    endTable([{ key: 'audit.streams', label: l.f.streams, value: au.streams }], l),
  )}<p>${esc(l.f.verify)}: ${verify}</p>${anchor}`

  const period = `${f.from} – ${f.to}`
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${l.title} · ${period}`)}</title>
<style>${css}</style>
</head>
<body>
<h1>${esc(l.title)}</h1>
<p class="meta">${esc(l.period)}: <strong data-period>${esc(period)}</strong> · ${esc(l.inPeriod)} / ${esc(l.allTime)}</p>
${section('customers', l.sections.customers, byId('funnel', 'churn'), customers)}
${section('service', l.sections.service, byId('retention'), service)}
${section('complaints', l.sections.complaints, byId('received', 'sla', 'breaches', 'pareto'), complaints)}
${section('referrals', l.sections.referrals, byId('referrals', 'referral-money'), referrals)}
${section('loyalty', l.sections.loyalty, byId('points', 'liability', 'levels'), loyalty)}
${section('audit', l.sections.audit, byId('log'), audit)}
</body>
</html>
`
}
