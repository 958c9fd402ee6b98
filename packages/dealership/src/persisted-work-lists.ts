import {
  type ChurnRiskEntry,
  type ChurnRiskState,
  churnRiskProjection as churnRisk,
  contactThisWeek,
} from '@dealer-crm/customer-lifecycle'
import {
  type DocumentProjection,
  handlesEvent,
  type Instant,
  type ReadModelStore,
} from '@dealer-crm/eventsourcing'
import {
  type CallBackQueue,
  type CallToMake,
  callBackQueueProjection as callBackQueue,
  callsDueOn,
} from '@dealer-crm/referral-verification'
import type { DealershipEvent } from './registry.js'

/** A customer the churn-risk list watches, as the in-memory fold keeps it. */
type Watched = ChurnRiskState extends Map<string, infer W> ? W : never

/** A watched customer as stored: planned touchpoints as an object (JSON has no maps). */
export type ChurnRiskDocument = Omit<Watched, 'planned'> & { readonly planned: Record<string, Instant> }

/** The stages the list can name, in its order (most urgent first): its risk bands. */
const bands: ReadonlyArray<Watched['stage']> = ['at-risk', 'won-back', 'declining', 'never-serviced', 'lost']

/**
 * Key of index `risk`: band, stage, VIPs first, most days overdue first (`0/at-risk/0/99958`), so
 * that key order is the list's order; null for a customer in a stage the list never names.
 */
const riskKey = (w: Watched): string | null => {
  const band = bands.indexOf(w.stage)
  if (band < 0) return null
  const overdue = Math.min(Math.max(w.evidence?.daysOverdue ?? 0, 0), 99_999)
  return `${band}/${w.stage}/${w.vip ? 0 : 1}/${String(99_999 - overdue).padStart(5, '0')}`
}

/**
 * The churn-risk list, persisted: one document per customer (`<customerId>`), folded by the
 * in-memory list's own `apply`; the customers in a risk band are in index `risk`.
 */
export const churnRiskDocuments: DocumentProjection<DealershipEvent> = {
  name: 'customer-lifecycle.churn-risk',
  version: 1,
  handles: churnRisk.handles,
  apply: async (e, documents) => {
    if (!handlesEvent(churnRisk, e)) return
    const id = e.data.customerId
    const before = await documents.get<ChurnRiskDocument>(id)
    const state: ChurnRiskState = new Map(
      before === undefined ? [] : [[id, { ...before, planned: new Map(Object.entries(before.planned)) }]],
    )
    churnRisk.apply(state, e)
    const w = state.get(id)
    if (w === undefined) return // an event about a customer the list never registered: as in memory
    documents.put(id, { ...w, planned: Object.fromEntries(w.planned) } satisfies ChurnRiskDocument, {
      risk: riskKey(w),
    })
  },
}

/** The customers to contact in the week from `weekStart`: the risk bands, read in key order, no log read. */
export const persistedChurnRisk = async (
  readModels: ReadModelStore,
  weekStart: Instant,
): Promise<ReadonlyArray<ChurnRiskEntry>> => {
  const banded = await readModels.ordered(churnRiskDocuments.name, 'risk')
  const state: ChurnRiskState = new Map(
    banded.map(({ id, data }) => {
      const d = data as ChurnRiskDocument
      return [id, { ...d, planned: new Map(Object.entries(d.planned)) }]
    }),
  )
  return contactThisWeek(state, weekStart)
}

/** One referral's part of the call-back queue: its parties, its call to make, its manual review. */
export interface CallBackDocument {
  readonly parties: CallBackQueue['parties'][string] | null
  readonly call: CallToMake | null
  readonly manualReview: CallBackQueue['manualReview'][string] | null
}

const some = <V>(key: string, value: V | null | undefined): Record<string, V> =>
  value === null || value === undefined ? {} : { [key]: value }

/**
 * The call-back queue, persisted: one document per referral (`<referralId>`), folded by the
 * in-memory queue's own `apply`; calls to make are in index `due` (when scheduled), referrals
 * waiting for manual review in index `review` (since when).
 */
export const callBackQueueDocuments: DocumentProjection<DealershipEvent> = {
  name: 'referral-verification.call-back-queue',
  version: 1,
  handles: callBackQueue.handles,
  apply: async (e, documents) => {
    if (!handlesEvent(callBackQueue, e)) return
    const id = e.data.referralId
    const before = await documents.get<CallBackDocument>(id)
    const queue: CallBackQueue = {
      parties: some(id, before?.parties),
      calls: some(id, before?.call),
      manualReview: some(id, before?.manualReview),
    }
    callBackQueue.apply(queue, e)
    const call = queue.calls[id] ?? null
    const manualReview = queue.manualReview[id] ?? null
    documents.put(id, { parties: queue.parties[id] ?? null, call, manualReview } satisfies CallBackDocument, {
      due: call?.scheduledAt ?? null,
      review: manualReview?.since ?? null,
    })
  },
}

/** The calls to make on the showroom's day of `at`: the queued calls, read in due order, no log read. */
export const persistedCallBackQueue = async (
  readModels: ReadModelStore,
  at: Instant,
): Promise<ReadonlyArray<CallToMake>> => {
  const queued = await readModels.ordered(callBackQueueDocuments.name, 'due')
  const calls = Object.fromEntries(queued.map(({ id, data }) => [id, (data as CallBackDocument).call]))
  return callsDueOn({ parties: {}, calls: calls as Record<string, CallToMake>, manualReview: {} }, at)
}
