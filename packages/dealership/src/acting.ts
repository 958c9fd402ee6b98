import type { Clock, HandleOptions } from '@dealer-crm/eventsourcing'
import type { MemberStatement } from '@dealer-crm/loyalty-points'
import type { ReferrerAccount } from '@dealer-crm/referral-verification'
import {
  type AccessLogEntry,
  AccessLogNotConfiguredError,
  type AccessLogSecret,
  accessLogOf,
  type PersonalDataAccess,
  purposeOf,
  recordAccess,
} from './access-log.js'
import type { Customer360 } from './customer-360.js'
import type { CommandOptions, DomainCommands } from './dealership.js'
import { orThrow } from './or-throw.js'
import { type Principal, sendAs } from './principal.js'
import type { DealershipStore } from './registry.js'
import type { Send } from './send.js'
import { type SubjectExport, subjectExportOf } from './subject-export.js'

/** A read of personal data: why (required, recorded in the access log) and, for a view, when. */
export interface PersonalRead {
  readonly purpose: string
  /** The ISO instant of the view (default now). */
  readonly at?: string
}

/** The personal fields a customer 360 returns, as the access log names them. */
export const customer360PersonalFields: ReadonlyArray<string> = [
  'profile.name',
  'vehicles[].plate',
  'recentTouchpoints[].note',
]

/**
 * The facade as one principal (`dealership.as(principal)`): commands act as them (their actor
 * filled from the principal, another actor or a role they do not hold refused, nothing written),
 * and reads of personal data need a purpose and are recorded in the person's access log.
 */
export interface ActingDealership extends DomainCommands {
  readonly principal: Principal
  /** The one command path as the principal: refusals as values (`ActorMismatch`, `RoleNotHeld` among them). */
  readonly send: Send
  /**
   * One customer across the four domains, their personal fields decrypted: the read is recorded in
   * their access log (who, when, which fields, why) before the view is returned. Without a purpose
   * it is refused (`PurposeRequired`), and so without an access-log secret (`AccessLogNotConfigured`).
   */
  readonly customer360: (customerId: string, read: PersonalRead) => Promise<Customer360 | undefined>
  /**
   * Record a read of personal data made outside the facade's views (an audit trail, an export, a
   * subject-access export) in the person's access log; the purpose is required.
   */
  readonly recordAccess: (access: PersonalDataAccess) => Promise<void>
  /** Who read this person's personal data, oldest first (no personal data in it: nothing to record). */
  readonly accessLog: (personId: string) => Promise<ReadonlyArray<AccessLogEntry>>
  /**
   * Everything held about one person (a data-subject access request): their events decrypted, the
   * read models' rows, consents and access log, as one JSON-ready document; the export is itself
   * recorded in the access log (and listed in it). Undefined when nothing is held about them.
   */
  readonly subjectExport: (
    personId: string,
    read: { readonly purpose: string },
  ) => Promise<SubjectExport | undefined>
}

export interface ActingDependencies {
  /** The facade's command path (as the system, before any principal). */
  readonly send: Send
  readonly handleOptions: (options?: CommandOptions) => HandleOptions
  readonly customer360: (customerId: string, at?: string) => Promise<Customer360 | undefined>
  readonly memberLedger: (memberId: string) => Promise<MemberStatement | undefined>
  readonly referrerLedger: (referrerId: string) => Promise<ReferrerAccount | undefined>
  readonly store: DealershipStore
  readonly clock: Clock
  readonly accessLogSecret: AccessLogSecret | undefined
}

export const actingDealership = (deps: ActingDependencies, principal: Principal): ActingDealership => {
  const send = sendAs(deps.send, principal)
  const secret = async (via: string) => {
    if (deps.accessLogSecret === undefined) throw new AccessLogNotConfiguredError(via)
    return deps.accessLogSecret()
  }
  const record = async (access: PersonalDataAccess) => {
    purposeOf(access.purpose, access.via)
    await recordAccess(deps.store, await secret(access.via), deps.clock, principal, access)
  }
  return {
    principal,
    send,
    customerLifecycle: async (input, o) =>
      orThrow(await send('customer-lifecycle', input, deps.handleOptions(o))),
    referralVerification: async (input, o) =>
      orThrow(await send('referral-verification', input, deps.handleOptions(o))),
    complaintWorkflow: async (input, o) =>
      orThrow(await send('complaint-workflow', input, deps.handleOptions(o))),
    loyaltyPoints: async (input, o) => orThrow(await send('loyalty-points', input, deps.handleOptions(o))),
    customer360: async (customerId, read) => {
      const via = 'customer360'
      const purpose = purposeOf(read?.purpose, via)
      const key = await secret(via)
      const view = await deps.customer360(customerId, read.at)
      if (view !== undefined)
        await recordAccess(deps.store, key, deps.clock, principal, {
          personId: customerId,
          purpose,
          fields: customer360PersonalFields,
          via,
        })
      return view
    },
    recordAccess: record,
    accessLog: async (personId) => accessLogOf(deps.store, await secret('accessLog'), personId),
    subjectExport: async (personId, read) => {
      const via = 'subjectExport'
      const purpose = purposeOf(read?.purpose, via)
      const key = await secret(via)
      return subjectExportOf(
        {
          store: deps.store,
          customer360: (id) => deps.customer360(id),
          memberLedger: (id) => deps.memberLedger(id),
          referrerLedger: deps.referrerLedger,
          record: (fields) =>
            recordAccess(deps.store, key, deps.clock, principal, { personId, purpose, fields, via }),
          accessLog: () => accessLogOf(deps.store, key, personId),
          now: () => deps.clock.now(),
        },
        principal,
        personId,
        purpose,
      )
    },
  }
}
