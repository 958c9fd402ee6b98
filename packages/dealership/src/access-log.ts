import { createHmac } from 'node:crypto'
import {
  type Clock,
  EventSourcingError,
  type EventsIn,
  eventRegistry,
  eventType,
  type KeyVault,
  streamName,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import type { Principal } from './principal.js'
import type { DealershipStore } from './registry.js'

/**
 * Who read a person's personal data, when, which fields and why (PIPL; docs/privacy.md, "Who saw
 * what"). Appended to the person's access-log stream, named by a keyed hash of their id: nothing in
 * it is personal data or sealed under the person's key, so `forget` leaves it readable, and the
 * stream's hash chain (`verify`) makes it tamper-evident (docs/adr/0023-principals-and-access-log.md).
 */
export const PersonalDataAccessed = eventType(
  'PersonalDataAccessed',
  t.type({
    /** The keyed hash of the person's id (`subjectHashOf`), never the id. */
    subject: t.string,
    by: t.type({ id: t.string, roles: t.readonlyArray(t.string) }),
    purpose: t.string,
    /** The personal fields read, as paths of what was returned (`profile.name`, `data.phone`…). */
    fields: t.readonlyArray(t.string),
    /** The call that read them (`customer360`, `dealer-crm trail`…). */
    via: t.string,
    at: t.string,
  }),
)

export const accessLogEvents = eventRegistry([PersonalDataAccessed])
export type AccessLogEvent = EventsIn<typeof accessLogEvents>

/** The category of the access-log streams: `access_log-<keyed hash of the person's id>`. */
export const accessLogCategory = 'access_log'

/**
 * The secret of the keyed hash that names a person's access-log stream. The host keeps it like the
 * phone-hash secret; `vaultAccessLogSecret` keeps it in the store's durable key vault.
 */
export type AccessLogSecret = () => Promise<string | Uint8Array>

/** The key-vault subject under which `vaultAccessLogSecret` keeps the secret; no person has this id. */
export const accessLogKeySubject = 'dealer-crm:access-log'

/** The secret kept in a durable key vault (created on first use, exported and imported with the keys). */
export const vaultAccessLogSecret =
  (vault: KeyVault): AccessLogSecret =>
  () =>
    vault.keyFor(accessLogKeySubject)

/** HMAC-SHA-256 of a person's id under the access-log secret: 64 hex digits. */
export const subjectHashOf = (secret: string | Uint8Array, personId: string): string =>
  createHmac('sha256', secret).update(personId).digest('hex')

export const accessLogStreamOf = (secret: string | Uint8Array, personId: string): string =>
  streamName(accessLogCategory, subjectHashOf(secret, personId))

/** Personal data asked for without saying why: refused, nothing read. */
export class PurposeRequiredError extends EventSourcingError {
  readonly code = 'PurposeRequired' as const
  constructor(readonly via: string) {
    super(
      `${via}: reading personal data needs a principal and a purpose (dealership.as(principal), { purpose }); nothing was read`,
    )
  }
}

/** Personal data asked for from a facade that has no access-log secret: refused, nothing read. */
export class AccessLogNotConfiguredError extends EventSourcingError {
  readonly code = 'AccessLogNotConfigured' as const
  constructor(readonly via: string) {
    super(`${via}: give createDealership an accessLogSecret to read personal data; nothing was read`)
  }
}

/** What one read of a person's data was: recorded before the data is returned. */
export interface PersonalDataAccess {
  readonly personId: string
  readonly purpose: string
  readonly fields: ReadonlyArray<string>
  readonly via: string
}

/** One entry of a person's access log, as `accessLogOf` reads it back. */
export interface AccessLogEntry {
  readonly at: string
  readonly by: { readonly id: string; readonly roles: ReadonlyArray<string> }
  readonly purpose: string
  readonly fields: ReadonlyArray<string>
  readonly via: string
  readonly eventId: string
  readonly streamPosition: number
}

/** The purpose, trimmed; a missing or blank one is refused. */
export const purposeOf = (purpose: unknown, via: string): string => {
  if (typeof purpose !== 'string' || purpose.trim() === '') throw new PurposeRequiredError(via)
  return purpose.trim()
}

/** Append the access to the person's access-log stream. */
export const recordAccess = async (
  store: DealershipStore,
  secret: string | Uint8Array,
  clock: Clock,
  principal: Principal,
  access: PersonalDataAccess,
): Promise<void> => {
  const event: AccessLogEvent = {
    type: 'PersonalDataAccessed',
    data: {
      subject: subjectHashOf(secret, access.personId),
      by: { id: principal.id, roles: [...principal.roles] },
      purpose: purposeOf(access.purpose, access.via),
      fields: access.fields,
      via: access.via,
      at: clock.now().toISOString(),
    },
  }
  await store.appendToStream(accessLogStreamOf(secret, access.personId), [event], {
    metadata: { actor: { id: principal.id, role: principal.roles[0] ?? 'none' } },
  })
}

/** Who read a person's personal data, oldest first. */
export const accessLogOf = async (
  store: DealershipStore,
  secret: string | Uint8Array,
  personId: string,
): Promise<ReadonlyArray<AccessLogEntry>> => {
  const entries: AccessLogEntry[] = []
  for await (const event of store.readStream(accessLogStreamOf(secret, personId))) {
    if (event.type !== 'PersonalDataAccessed') continue
    const { by, purpose, fields, via, at } = event.data
    entries.push({
      at,
      by,
      purpose,
      fields,
      via,
      eventId: event.metadata.eventId,
      streamPosition: event.metadata.streamPosition,
    })
  }
  return entries
}
