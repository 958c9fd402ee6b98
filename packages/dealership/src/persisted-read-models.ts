import {
  type BusinessCalendar,
  type ComplaintState,
  type SlaBoardRow,
  slaBoardAt,
  slaBoardProjection,
} from '@dealer-crm/complaint-workflow'
import type { ChurnRiskEntry, CustomerProfile } from '@dealer-crm/customer-lifecycle'
import {
  createReadModelProjector,
  type DocumentProjection,
  type DocumentWriter,
  EventSourcingError,
  handlesEvent,
  type Instant,
  idOf,
  type ProjectorRun,
  type ReadModelStore,
  type RecordedEvent,
  serial,
} from '@dealer-crm/eventsourcing'
import type { LoyaltyState, MemberStatement } from '@dealer-crm/loyalty-points'
import type { CallToMake, ReferrerAccount } from '@dealer-crm/referral-verification'
import {
  type Customer360,
  type Customer360Options,
  type Customer360State,
  customer360Of,
  customer360Projection,
  type ReferralMade,
  type TouchpointSeen,
} from './customer-360.js'
import {
  memberLedgerDocuments,
  persistedMemberLedger,
  persistedReferrerLedger,
  referrerLedgerDocuments,
} from './persisted-ledgers.js'
import {
  callBackQueueDocuments,
  churnRiskDocuments,
  persistedCallBackQueue,
  persistedChurnRisk,
} from './persisted-work-lists.js'
import type { DealershipEvent, DealershipStore } from './registry.js'

/** One customer's part of the customer 360, as stored: document `customer:<id>` of `dealership.customer-360`. */
export interface Customer360Document {
  readonly profile: CustomerProfile | null
  readonly complaints: Record<string, ComplaintState>
  readonly memberId: string | null
  readonly member: LoyaltyState | null
  readonly referrals: Record<string, ReferralMade>
  readonly touchpoints: Record<string, TouchpointSeen>
}

const emptyCustomer: Customer360Document = {
  profile: null,
  complaints: {},
  memberId: null,
  member: null,
  referrals: {},
  touchpoints: {},
}

/** The fold of the customer 360 over one customer's document: the same fold as in memory. */
const stateOf = (customerId: string, d: Customer360Document): Customer360State => ({
  profiles: new Map(d.profile === null ? [] : [[customerId, d.profile]]),
  complaints: new Map(Object.entries(d.complaints)),
  members: new Map(d.memberId === null || d.member === null ? [] : [[d.memberId, d.member]]),
  referrals: new Map(Object.entries(d.referrals)),
  touchpoints: new Map([[customerId, new Map(Object.entries(d.touchpoints))]]),
  complaintsOf: new Map([[customerId, new Set(Object.keys(d.complaints))]]),
  memberOf: new Map(d.memberId === null ? [] : [[customerId, d.memberId]]),
  referralsOf: new Map([[customerId, new Set(Object.keys(d.referrals))]]),
})

const documentOf = (customerId: string, s: Customer360State): Customer360Document => {
  const memberId = s.memberOf.get(customerId) ?? null
  return {
    profile: s.profiles.get(customerId) ?? null,
    complaints: Object.fromEntries(s.complaints),
    memberId,
    member: memberId === null ? null : (s.members.get(memberId) ?? null),
    referrals: Object.fromEntries(s.referrals),
    touchpoints: Object.fromEntries(s.touchpoints.get(customerId) ?? []),
  }
}

/** Which customer an event is about: from its data, or from the routing document its stream wrote first. */
const customerOf = async (
  e: RecordedEvent<DealershipEvent>,
  documents: DocumentWriter,
): Promise<string | undefined> => {
  const data = e.data as Record<string, unknown>
  const route = async (id: string, customerId?: string) => {
    if (customerId === undefined) return (await documents.get<{ customerId: string }>(id))?.customerId
    documents.put(id, { customerId })
    return customerId
  }
  switch (e.type) {
    case 'ReferralRegistered':
      return route(`referral:${e.data.referralId}`, e.data.referrer.subjectId)
    case 'LateClaimRejected':
      return route(`referral:${e.data.referralId}`, e.data.referrerId)
    case 'ComplaintReceived':
      return route(`complaint:${e.data.complaintId}`, e.data.customerId)
    case 'MemberEnrolled':
      return route(`member:${idOf(e.metadata.streamName)}`, e.data.customerId)
  }
  const category = e.metadata.streamName.slice(0, e.metadata.streamName.indexOf('-'))
  if (category === 'member') return route(`member:${idOf(e.metadata.streamName)}`)
  if (category === 'complaint' && typeof data.complaintId === 'string')
    return route(`complaint:${data.complaintId}`)
  if (category === 'referral' && typeof data.referralId === 'string')
    return route(`referral:${data.referralId}`)
  return typeof data.customerId === 'string' ? data.customerId : undefined
}

/**
 * The customer 360, persisted: one document per customer (`customer:<id>`, index `customer`), and
 * one per complaint, card and referral naming its customer. Each event is folded by the in-memory
 * customer 360's own `apply`, over that one customer's document, so both answer the same.
 */
export const customer360Documents: DocumentProjection<DealershipEvent> = {
  name: 'dealership.customer-360',
  version: 1,
  handles: customer360Projection.handles,
  apply: async (e, documents) => {
    const customerId = await customerOf(e, documents)
    if (customerId === undefined) return
    const id = `customer:${customerId}`
    const state = stateOf(customerId, (await documents.get<Customer360Document>(id)) ?? emptyCustomer)
    customer360Projection.apply(state, e)
    documents.put(id, documentOf(customerId, state), { customer: customerId })
  },
}

/** One customer's 360 from the persisted read model: one lookup by id, no log read. */
export const persistedCustomer360 = async (
  readModels: ReadModelStore,
  customerId: string,
  at: string,
  options: Customer360Options,
): Promise<Customer360 | undefined> => {
  const found = await readModels.get(customer360Documents.name, `customer:${customerId}`)
  if (found === undefined) return undefined
  return customer360Of(stateOf(customerId, found.data as Customer360Document), customerId, at, options)
}

/** Key of complaints that have no running deadline (paused): after every time. */
const noDeadline = '9999-12-31T23:59:59.999Z'

/**
 * The SLA board, persisted: one document per complaint (its state, folded by the board's own
 * `apply`); open complaints are in index `due` (the earliest deadline of a running clock, on the
 * policy's business calendar) and every complaint in index `customer`.
 */
export const slaBoardDocuments = (calendar: BusinessCalendar): DocumentProjection<DealershipEvent> => ({
  name: 'complaint.sla-board',
  version: 1,
  handles: slaBoardProjection.handles,
  apply: async (e, documents) => {
    if (!handlesEvent(slaBoardProjection, e)) return
    const id = e.data.complaintId
    const board = new Map<string, ComplaintState>()
    const before = await documents.get<ComplaintState>(id)
    if (before !== undefined) board.set(id, before)
    slaBoardProjection.apply(board, e)
    const state = board.get(id) as ComplaintState
    const [row] = slaBoardAt(board, calendar, e.metadata.committedAt.toISOString() as Instant)
    const deadlines = (row?.clocks ?? []).flatMap((c) => (c.deadline === null ? [] : [c.deadline])).sort()
    documents.put(id, state, {
      due: row === undefined ? null : (deadlines[0] ?? noDeadline),
      customer: 'customerId' in state ? state.customerId : null,
    })
  },
})

/** The SLA board at `at` from the persisted read model: the open complaints, by index, no log read. */
export const persistedSlaBoard = async (
  readModels: ReadModelStore,
  calendar: BusinessCalendar,
  at: string,
): Promise<ReadonlyArray<SlaBoardRow>> => {
  const open = await readModels.ordered('complaint.sla-board', 'due')
  return slaBoardAt(new Map(open.map((d) => [d.id, d.data as ComplaintState])), calendar, at as Instant)
}

/** `catchUpReadModels` on a dealership created without the `readModels` option. */
export class NoPersistedReadModelsError extends EventSourcingError {
  readonly code = 'NoPersistedReadModels' as const
  constructor() {
    super('this dealership has no persisted read models: create it with the readModels option')
    this.name = 'NoPersistedReadModelsError'
  }
}

/**
 * Whether the live version of a persisted read model is the projection's and holds every event the
 * log has committed: a query then reads it without a catch-up run (no write, so a read-only store
 * can serve it). Only a log that can name its head cheaply (`EventLog.headPosition`) says so;
 * elsewhere the catch-up run finds out.
 */
export const caughtUp = async (
  store: DealershipStore,
  readModels: ReadModelStore,
  projection: DocumentProjection<DealershipEvent>,
): Promise<boolean> => {
  if (store.log.headPosition === undefined) return false
  const live = await readModels.live(projection.name)
  return (
    live !== null && live.version === projection.version && live.position > (await store.log.headPosition())
  )
}

/** The facade's queries served from persisted read models, each caught up (under its lease) before it reads. */
export interface PersistedQueries {
  readonly customer360: (customerId: string, at: Instant) => Promise<Customer360 | undefined>
  readonly slaBoard: (at: Instant) => Promise<ReadonlyArray<SlaBoardRow>>
  readonly memberLedger: (memberId: string, at: Instant) => Promise<MemberStatement | undefined>
  readonly churnRisk: (weekStart: Instant) => Promise<ReadonlyArray<ChurnRiskEntry>>
  readonly callBackQueue: (at: Instant) => Promise<ReadonlyArray<CallToMake>>
  readonly referrerLedger: (referrerId: string) => Promise<ReferrerAccount | undefined>
  /** Bring every persisted read model up to the end of the log (each under its lease). */
  readonly catchUp: () => Promise<Readonly<Record<string, ProjectorRun>>>
  /**
   * Drop every version of the read models that hold personal data (the customer 360, the SLA board,
   * the call-back queue): they are rebuilt from the log, with erased values, on the next query.
   */
  readonly reset: () => Promise<void>
}

export const persistedQueries = (
  store: DealershipStore,
  readModels: ReadModelStore,
  calendar: BusinessCalendar,
): PersistedQueries => {
  /** Each read model's catch-up run, by name (`catchUp` runs them all). */
  const runs: Array<readonly [string, () => Promise<ProjectorRun>]> = []
  /** The projection's catch-up, one run at a time in this process, then the read. */
  const served = <A extends unknown[], R>(
    projection: DocumentProjection<DealershipEvent>,
    read: (...args: A) => Promise<R>,
  ): ((...args: A) => Promise<R>) => {
    const projector = createReadModelProjector({ store, readModels, projection })
    const once = serial()
    runs.push([projection.name, () => once(projector.catchUp)])
    return async (...args) => {
      if (!(await caughtUp(store, readModels, projection))) await once(projector.catchUp)
      return read(...args)
    }
  }
  const personal = [customer360Documents, slaBoardDocuments(calendar), callBackQueueDocuments] as const
  const [customer360, slaBoard, callBackQueue] = personal
  return {
    customer360: served(customer360, (customerId: string, at: Instant) =>
      persistedCustomer360(readModels, customerId, at, { calendar }),
    ),
    slaBoard: served(slaBoard, (at: Instant) => persistedSlaBoard(readModels, calendar, at)),
    memberLedger: served(memberLedgerDocuments, (memberId: string, at: Instant) =>
      persistedMemberLedger(readModels, memberId, at),
    ),
    churnRisk: served(churnRiskDocuments, (weekStart: Instant) => persistedChurnRisk(readModels, weekStart)),
    callBackQueue: served(callBackQueue, (at: Instant) => persistedCallBackQueue(readModels, at)),
    referrerLedger: served(referrerLedgerDocuments, (referrerId: string) =>
      persistedReferrerLedger(readModels, referrerId),
    ),
    catchUp: async () => {
      const done: Record<string, ProjectorRun> = {}
      for (const [name, run] of runs) done[name] = await run()
      return done
    },
    reset: () =>
      readModels.transaction(async (tx) => {
        for (const projection of personal) await tx.drop(projection.name)
      }),
  }
}
