import * as echarts from 'echarts'
import type { ReportFigures } from './figures.js'
import { type Labels, labelOf } from './labels.js'

/** One chart of the report: the SVG ECharts drew on the server and the number of series it holds. */
export interface Chart {
  readonly id: string
  readonly title: string
  readonly series: number
  readonly svg: string
}

/** Fonts the reader's machine has: nothing is fetched (the page works offline). */
export const fontStack =
  '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
const palette = [
  '#2f6fb3',
  '#e07b39',
  '#3a9b5c',
  '#c0392b',
  '#8e6bbf',
  '#8c6d3f',
  '#d4a017',
  '#5b8fa8',
  '#7f7f7f',
]

type Series = Record<string, unknown> & { readonly name: string; readonly type: 'bar' | 'line' }
type Option = Record<string, unknown> & { readonly series: ReadonlyArray<Series> }

const width = 620
const height = 340

/** Server-side rendering to an SVG string (ECharts SSR: no DOM, no canvas, no client script). */
export const renderSvg = (option: Option): string => {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption(option)
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

const percent = (values: ReadonlyArray<number | null>) =>
  values.map((v) => (v === null ? null : Math.round(v * 1000) / 10))
const yuan = (fen: ReadonlyArray<number>) => fen.map((v) => Math.round(v) / 100)

interface Axis {
  readonly format?: string
  readonly max?: number
}
const valueAxis = ({ format, max }: Axis = {}) => ({
  type: 'value',
  ...(max === undefined ? {} : { max }),
  axisLabel: format === undefined ? {} : { formatter: format },
})

const cartesian = (
  title: string,
  categories: ReadonlyArray<string>,
  series: Series[],
  axes: Axis[] = [{}],
  /** Category labels turned by this many degrees (long names: the Pareto's causes). */
  rotate = 0,
): Option => ({
  animation: false,
  color: palette,
  textStyle: { fontFamily: fontStack },
  title: { text: title, left: 'center', top: 6, textStyle: { fontSize: 14, fontFamily: fontStack } },
  legend: { top: 32, type: 'plain', textStyle: { fontFamily: fontStack } },
  grid: {
    left: 64,
    right: axes.length > 1 ? 72 : 24,
    top: series.length > 4 ? 92 : 72,
    bottom: rotate > 0 ? 72 : 36,
  },
  xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, fontSize: 10, rotate } },
  yAxis: axes.map(valueAxis),
  series,
})

const bar = (name: string, data: ReadonlyArray<number | null>, stack?: string): Series => ({
  name,
  type: 'bar',
  data,
  ...(stack === undefined ? {} : { stack }),
})
const line = (name: string, data: ReadonlyArray<number | null>, yAxisIndex = 0): Series => ({
  name,
  type: 'line',
  data,
  yAxisIndex,
  symbolSize: 5,
  connectNulls: false,
})

/** Every chart of the report, in the order the page shows them. */
export const reportCharts = (f: ReportFigures, l: Labels): Chart[] => {
  const m = f.months
  const c = l.charts
  const lc = f.lifecycle
  const cp = f.complaints
  const rf = f.referrals
  const ly = f.loyalty
  const options: Array<[string, string, Option]> = [
    [
      'funnel',
      c.funnel,
      cartesian(
        c.funnel,
        m,
        lc.stageKeys.map((k) => bar(labelOf(l.stages, k), lc.stagesByMonth[k] ?? [], 'stages')),
      ),
    ],
    [
      'churn',
      c.churn,
      cartesian(c.churn, m, [bar(l.f.lost, lc.monthly.lost), bar(l.f.wonBack, lc.monthly.wonBack)]),
    ],
    [
      'retention',
      c.retention,
      cartesian(
        c.retention,
        m,
        [
          line(l.f.retention, percent(lc.monthly.retention)),
          line(l.f.reminderConversion, percent(lc.monthly.reminderConversion)),
        ],
        [{ format: '{value}%', max: 100 }],
      ),
    ],
    [
      'received',
      c.received,
      cartesian(
        c.received,
        m,
        Object.entries(cp.monthly.received).map(([k, v]) => bar(labelOf(l.severities, k), v, 'severity')),
      ),
    ],
    [
      'sla',
      c.sla,
      cartesian(
        c.sla,
        m,
        Object.entries(cp.monthly.slaMet).map(([k, v]) => line(labelOf(l.clocks, k), percent(v))),
        [{ format: '{value}%', max: 100 }],
      ),
    ],
    [
      'breaches',
      c.breaches,
      cartesian(c.breaches, m, [
        bar(l.f.breaches, cp.monthly.breaches),
        bar(l.f.escalations, cp.monthly.escalations),
        bar(l.f.reopenings, cp.monthly.reopenings),
      ]),
    ],
    [
      'pareto',
      c.pareto,
      cartesian(
        c.pareto,
        cp.pareto.inPeriod.map((r) => labelOf(l.causes, r.rootCause)),
        [
          bar(
            l.f.complaints,
            cp.pareto.inPeriod.map((r) => r.complaints),
          ),
          line(l.f.cumulative, percent(cp.pareto.inPeriod.map((r) => r.cumulativeShare)), 1),
        ],
        [{}, { format: '{value}%', max: 100 }],
        30,
      ),
    ],
    [
      'referrals',
      c.referrals,
      cartesian(
        c.referrals,
        m,
        [
          bar(l.f.claims, rf.monthly.claims),
          bar(l.f.verified, rf.monthly.outcomes.verified),
          bar(l.f.faked, rf.monthly.outcomes.faked),
          bar(l.f.inconclusive, rf.monthly.outcomes.inconclusive),
          line(l.f.fraudRate, percent(rf.monthly.fraudRate), 1),
        ],
        [{}, { format: '{value}%', max: 100 }],
      ),
    ],
    [
      'referral-money',
      c.referralMoney,
      cartesian(
        c.referralMoney,
        m,
        [
          bar(l.f.rewardsFen, yuan(rf.monthly.rewardsFen)),
          bar(l.f.penaltiesFen, yuan(rf.monthly.penaltiesFen)),
        ],
        [{ format: '¥{value}' }],
      ),
    ],
    [
      'points',
      c.points,
      cartesian(c.points, m, [
        bar(l.f.issued, ly.monthly.issued),
        bar(l.f.redeemed, ly.monthly.redeemed),
        bar(l.f.expired, ly.monthly.expired),
        bar(l.f.reversed, ly.monthly.reversed),
      ]),
    ],
    [
      'liability',
      c.liability,
      cartesian(
        c.liability,
        m,
        [
          line(l.f.liabilityPoints, ly.monthly.liabilityPoints),
          line(l.f.liabilityFen, yuan(ly.monthly.liabilityFen), 1),
        ],
        [{}, { format: '¥{value}' }],
      ),
    ],
    [
      'levels',
      c.levels,
      cartesian(
        c.levels,
        m,
        ly.levelKeys.map((k) => bar(labelOf(l.levels, k), ly.monthly.levels[k] ?? [], 'levels')),
      ),
    ],
    [
      'log',
      c.log,
      cartesian(
        c.log,
        m,
        [bar(l.f.events, f.audit.monthly.events), line(l.f.cumulativeEvents, f.audit.monthly.cumulative, 1)],
        [{}, {}],
      ),
    ],
  ]
  return options.map(([id, title, option]) => ({
    id,
    title,
    series: option.series.length,
    svg: renderSvg(option),
  }))
}
