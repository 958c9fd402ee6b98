import { complaintRoles } from '@dealer-crm/complaint-workflow'
import { lifecycleRoles } from '@dealer-crm/customer-lifecycle'
import { type Actor, EventSourcingError, type HandleOptions } from '@dealer-crm/eventsourcing'
import { loyaltyRoles } from '@dealer-crm/loyalty-points'
import { referralRoles } from '@dealer-crm/referral-verification'
import { left } from 'fp-ts/lib/Either.js'
import type { DomainName } from './routes.js'
import type { Send } from './send.js'

/**
 * Who acts, as the host authenticated them (a verified token, a login): the staff id and the roles
 * the host grants. The facade takes the actor of a command from it, never from the command's JSON
 * (docs/adr/0023-principals-and-access-log.md).
 */
export interface Principal {
  readonly id: string
  readonly roles: ReadonlyArray<string>
  /**
   * A process of the dealership itself (the process managers): it passes on the actor that the
   * triggering event recorded, so the actor its commands name is not checked against it.
   */
  readonly system?: boolean
}

/** The principal the process managers act as; their commands keep the actor the triggering event recorded. */
export const systemPrincipal = (id: string): Principal => ({ id, roles: [], system: true })

/** The roles each domain declares (its `<d>Roles`): a principal acts in a domain in one of these. */
export const domainRoles: { readonly [D in DomainName]: ReadonlyArray<string> } = {
  'customer-lifecycle': lifecycleRoles,
  'referral-verification': referralRoles,
  'complaint-workflow': complaintRoles,
  'loyalty-points': loyaltyRoles,
}

/**
 * The field of a command's `data` that names who acts: `by`, except where the domain names the
 * acting person otherwise (the duty manager who registers a referral; the verifier of a call-back).
 * Other actor fields (`reportedBy`: the consultant who reported a referral) name someone else.
 */
const actorFieldOf = (commandType: string): string => {
  if (commandType === 'RegisterReferral') return 'registeredBy'
  if (commandType === 'RecordCallBackAnswers' || commandType === 'RecordCallBackUnreachable')
    return 'verifier'
  return 'by'
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

/** The actor a command's JSON names in its acting field (`by`, `registeredBy`, `verifier`), if any. */
export const actorNamedBy = (input: unknown): Actor | undefined => {
  if (!isRecord(input) || !isRecord(input.data) || typeof input.type !== 'string') return undefined
  const named = input.data[actorFieldOf(input.type)]
  return isRecord(named) && typeof named.id === 'string' && typeof named.role === 'string'
    ? { id: named.id, role: named.role }
    : undefined
}

/** The command names someone other than the principal as its actor: refused, nothing written. */
export class ActorMismatchError extends EventSourcingError {
  readonly code = 'ActorMismatch' as const
  constructor(
    readonly commandType: string,
    readonly path: string,
    readonly named: string,
    readonly principalId: string,
  ) {
    super(
      `${commandType}: ${path} names ${JSON.stringify(named)}, but the request acts as ${JSON.stringify(principalId)}; leave the actor out and the facade fills it in; nothing was written`,
    )
  }
}

/** The principal does not hold the role the command acts in (or none the domain declares): refused, nothing written. */
export class RoleNotHeldError extends EventSourcingError {
  readonly code = 'RoleNotHeld' as const
  constructor(
    readonly commandType: string,
    readonly principalId: string,
    readonly role: string | null,
    readonly domain: DomainName,
  ) {
    super(
      role === null
        ? `${commandType}: ${principalId} holds none of the roles ${domain} declares; nothing was written`
        : `${commandType}: ${principalId} does not hold the role ${JSON.stringify(role)}; nothing was written`,
    )
  }
}

export type ActAsResult =
  | { readonly ok: true; readonly input: unknown; readonly options: HandleOptions }
  | { readonly ok: false; readonly error: ActorMismatchError | RoleNotHeldError }

/**
 * The command as the principal sends it: its actor field filled from the principal (in the
 * principal's first role the domain declares, unless the command names one of the principal's
 * roles), and the same actor in the event metadata. A command that names another person, or a
 * role the principal does not hold, is refused. Input that is not a command is passed on for the
 * codec to refuse.
 */
export const actAs = (
  principal: Principal,
  domain: DomainName,
  input: unknown,
  options: HandleOptions,
): ActAsResult => {
  if (!isRecord(input) || !isRecord(input.data)) return { ok: true, input, options }
  if (principal.system === true)
    return {
      ok: true,
      input,
      options: { ...options, actor: options.actor ?? { id: principal.id, role: 'system' } },
    }
  const type = typeof input.type === 'string' ? input.type : '(unknown command)'
  const field = actorFieldOf(type)
  const named = input.data[field]
  if (isRecord(named) && typeof named.id === 'string' && named.id !== principal.id)
    return { ok: false, error: new ActorMismatchError(type, `data.${field}.id`, named.id, principal.id) }
  if (options.actor !== undefined && options.actor.id !== principal.id)
    return {
      ok: false,
      error: new ActorMismatchError(type, 'options.actor.id', options.actor.id, principal.id),
    }
  const namedRole = isRecord(named) && typeof named.role === 'string' ? named.role : undefined
  const role = namedRole ?? principal.roles.find((r) => domainRoles[domain].includes(r))
  if (role === undefined) return { ok: false, error: new RoleNotHeldError(type, principal.id, null, domain) }
  if (!principal.roles.includes(role))
    return { ok: false, error: new RoleNotHeldError(type, principal.id, role, domain) }
  const actor: Actor = { id: principal.id, role }
  if (options.actor !== undefined && options.actor.role !== role)
    return { ok: false, error: new ActorMismatchError(type, 'options.actor.role', options.actor.role, role) }
  return {
    ok: true,
    input: { ...input, data: { ...input.data, [field]: actor } },
    options: { ...options, actor },
  }
}

/** The command path as one principal: every command acts as them, or is refused before anything is read or written. */
export const sendAs =
  (send: Send, principal: Principal): Send =>
  async (domain, input, options = {}) => {
    const acted = actAs(principal, domain, input, options)
    return acted.ok ? send(domain, acted.input, acted.options) : left(acted.error)
  }
