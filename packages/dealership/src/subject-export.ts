import { type Actor, readWholeLog } from '@dealer-crm/eventsourcing'
import type { MemberStatement } from '@dealer-crm/loyalty-points'
import type { ReferrerAccount } from '@dealer-crm/referral-verification'
import type { AccessLogEntry } from './access-log.js'
import type { Customer360 } from './customer-360.js'
import { sealedFieldsBySubject } from './personal-fields.js'
import type { Principal } from './principal.js'
import type { DealershipStore } from './registry.js'

/** One event held about the person, their personal fields decrypted (or erased, once forgotten). */
export interface SubjectEvent {
  readonly streamName: string
  readonly streamPosition: number
  readonly globalPosition: string
  readonly recordedAt: string
  readonly type: string
  readonly actor: Actor | null
  readonly data: unknown
}

/**
 * Everything held about one person, for a data-subject access request (PIPL): the events about
 * them with their personal fields decrypted, the read models' rows, their consents, and who read
 * their data (this export included). One portable JSON document.
 */
export interface SubjectExport {
  readonly format: 'dealer-crm/subject-export/1'
  readonly subject: string
  readonly exportedAt: string
  readonly exportedBy: { readonly id: string; readonly roles: ReadonlyArray<string> }
  readonly purpose: string
  readonly events: ReadonlyArray<SubjectEvent>
  readonly readModels: {
    readonly customer360: Customer360 | null
    readonly memberLedger: MemberStatement | null
    readonly referrerAccount: ReferrerAccount | null
  }
  /** `${purpose}/${channel}` → the person's latest word (from their profile). */
  readonly consents: Readonly<Record<string, 'granted' | 'withdrawn'>>
  readonly accessLog: ReadonlyArray<AccessLogEntry>
}

export interface SubjectExportSources {
  readonly store: DealershipStore
  readonly customer360: (personId: string) => Promise<Customer360 | undefined>
  readonly memberLedger: (memberId: string) => Promise<MemberStatement | undefined>
  readonly referrerLedger: (referrerId: string) => Promise<ReferrerAccount | undefined>
  /** Record the export in the person's access log (before the log is read into the export). */
  readonly record: (fields: ReadonlyArray<string>) => Promise<void>
  readonly accessLog: () => Promise<ReadonlyArray<AccessLogEntry>>
  readonly now: () => Date
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

/**
 * The person's events: their own streams (`customer-<id>`, their card's `member-<id>`), every event
 * that names them as its `customerId` (complaints) and every event holding personal data sealed under
 * their key (a referral naming them as referee or referrer). Undefined when nothing is held.
 */
export const subjectExportOf = async (
  sources: SubjectExportSources,
  principal: Principal,
  personId: string,
  purpose: string,
): Promise<SubjectExport | undefined> => {
  const view = (await sources.customer360(personId)) ?? null
  const memberId = view?.membership?.memberId
  const own = new Set([`customer-${personId}`, ...(memberId === undefined ? [] : [`member-${memberId}`])])
  const events: SubjectEvent[] = []
  const fields = new Set<string>()
  for await (const stored of readWholeLog(sources.store.log)) {
    const sealed = sealedFieldsBySubject(stored.data).get(personId) ?? []
    const about =
      own.has(stored.streamName) ||
      sealed.length > 0 ||
      (isRecord(stored.data) && stored.data.customerId === personId)
    if (!about) continue
    for (const path of sealed) fields.add(`${stored.type} ${path}`)
    const decoded = await sources.store.decode(stored)
    events.push({
      streamName: stored.streamName,
      streamPosition: stored.streamPosition,
      globalPosition: stored.globalPosition.toString(),
      recordedAt: stored.recordedAt,
      type: stored.type,
      actor: decoded.metadata.actor,
      data: decoded.data,
    })
  }
  if (view === null && events.length === 0) return undefined
  await sources.record([...fields].sort())
  return {
    format: 'dealer-crm/subject-export/1',
    subject: personId,
    exportedAt: sources.now().toISOString(),
    exportedBy: { id: principal.id, roles: [...principal.roles] },
    purpose,
    events,
    readModels: {
      customer360: view,
      memberLedger: memberId === undefined ? null : ((await sources.memberLedger(memberId)) ?? null),
      referrerAccount: (await sources.referrerLedger(personId)) ?? null,
    },
    consents: view?.profile.consents ?? {},
    accessLog: await sources.accessLog(),
  }
}
