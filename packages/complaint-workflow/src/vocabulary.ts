import { Fen, PositiveInt, Text, taggedUnion } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { ComplaintRole } from './roles.js'

/** How the complaint reached the dealership (docs/domain.md §3: phone, on-site 现场, written). */
export const ComplaintChannel = t.keyof({ phone: null, 'on-site': null, written: null }, 'ComplaintChannel')
export type ComplaintChannel = t.TypeOf<typeof ComplaintChannel>

/**
 * OEM severity levels (docs/domain.md §5 Complaints): 一般 general, 升级 escalated (repeat complaint,
 * risk of extreme action), 重大 major (safety, injury, media, regulator, 12315).
 */
export const Severity = t.keyof({ general: null, escalated: null, major: null }, 'Severity')
export type Severity = t.TypeOf<typeof Severity>

export const severityRank: Readonly<Record<Severity, number>> = { general: 0, escalated: 1, major: 2 }

/** The higher of two severities. */
export const higherSeverity = (a: Severity, b: Severity): Severity =>
  severityRank[a] >= severityRank[b] ? a : b

export const severityLabel: Readonly<Record<Severity, string>> = {
  general: '一般 general',
  escalated: '升级 escalated',
  major: '重大 major',
}

/**
 * Root-cause categories for lessons learned (docs/domain.md §3 typical causes, seed 002; §5: closing
 * requires a root-cause category so causes can be ranked).
 */
export const RootCause = t.keyof(
  {
    'incomplete-inspection': null,
    'pre-delivery-quality-check': null,
    'parts-price-misquote': null,
    'product-quality': null,
    'repair-workmanship': null,
    'service-attitude': null,
    'waiting-time': null,
    billing: null,
    communication: null,
    'unfounded-claim': null,
  },
  'RootCause',
)
export type RootCause = t.TypeOf<typeof RootCause>

/** Why the SLA clock stops (docs/domain.md §5: waiting for customer / parts / maker). */
export const PauseReason = t.keyof(
  { 'waiting-for-customer': null, 'waiting-for-parts': null, 'waiting-for-manufacturer': null },
  'PauseReason',
)
export type PauseReason = t.TypeOf<typeof PauseReason>

type PercentValue = t.Branded<number, { readonly Percent: symbol }>
const isPercent = (u: unknown): u is PercentValue =>
  typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 100

/** A whole discount percentage, 1 to 100. */
export const Percent = new t.Type<PercentValue, number, unknown>(
  'Percent',
  isPercent,
  (u, c) =>
    isPercent(u)
      ? t.success(u)
      : t.failure(u, c, `expected a whole percentage from 1 to 100, got ${JSON.stringify(u)}`),
  t.identity,
)
export type Percent = t.TypeOf<typeof Percent>

/** Typed compensation a resolution may offer (docs/domain.md §3 negotiate; seed 002 补偿多一点). */
export const Compensation = taggedUnion('Compensation', 'kind', {
  apology: t.type({ kind: t.literal('apology'), givenBy: ComplaintRole }, 'Apology'),
  discount: t.type({ kind: t.literal('discount'), percent: Percent, onAmount: Fen }, 'Discount'),
  'price-correction': t.type({ kind: t.literal('price-correction'), amount: Fen }, 'PriceCorrection'),
  'service-voucher': t.type({ kind: t.literal('service-voucher'), amount: Fen }, 'ServiceVoucher'),
  'goodwill-points': t.type({ kind: t.literal('goodwill-points'), points: PositiveInt }, 'GoodwillPoints'),
})
export type Compensation = t.TypeOf<typeof Compensation>

/** What the dealer shows or explains besides compensation (seed 002 §2.6 worked case). */
export const Explanation = taggedUnion('Explanation', 'kind', {
  'standard-price-list': t.type(
    { kind: t.literal('standard-price-list'), summary: Text },
    'StandardPriceList',
  ),
  'technical-explanation': t.type(
    { kind: t.literal('technical-explanation'), summary: Text },
    'TechnicalExplanation',
  ),
})
export type Explanation = t.TypeOf<typeof Explanation>

/** The internal notice that closes the loop: staff education and improvement measures (docs/domain.md §3 step 7). */
export const InternalNotice = t.type(
  { summary: Text, improvementMeasures: t.readonlyArray(Text) },
  'InternalNotice',
)
export type InternalNotice = t.TypeOf<typeof InternalNotice>
