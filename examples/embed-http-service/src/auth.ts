// Who calls: a bearer token (a JWT signed with HS256 by the dealer's login service), verified with
// `jose`, becomes the facade's principal. The actor of a command is never taken from the request body.
import type { Principal } from '@dealer-crm/dealership'
import type { Clock } from '@dealer-crm/eventsourcing'
import { errors, jwtVerify } from 'jose'
import type { Problem } from './problem.js'

export interface AuthOptions {
  /** The HS256 key shared with the login service that signs the tokens (at least 32 bytes). */
  readonly secret: string | Uint8Array
  /** The `iss` every token must carry. */
  readonly issuer: string
  /** The `aud` every token must carry: this service. */
  readonly audience: string
}

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly problem: Problem; readonly challenge: string }

export const unauthenticatedType = 'urn:dealer-crm:problem:unauthenticated'

const refused = (detail: string, error?: string): Authentication => ({
  ok: false,
  problem: { type: unauthenticatedType, title: 'Authentication is required', status: 401, detail },
  // RFC 6750 §3: the challenge names the error when a token was sent.
  challenge:
    error === undefined
      ? 'Bearer realm="dealer-crm"'
      : `Bearer realm="dealer-crm", error="${error}", error_description="${detail.replaceAll('"', "'")}"`,
})

const keyOf = (secret: string | Uint8Array): Uint8Array =>
  typeof secret === 'string' ? new TextEncoder().encode(secret) : secret

const isStringArray = (u: unknown): u is ReadonlyArray<string> =>
  Array.isArray(u) && u.every((r) => typeof r === 'string')

/**
 * The principal of `Authorization: Bearer <JWT>`: `sub` is the staff id, `roles` the roles the login
 * service grants. Signature (HS256 only), `iss`, `aud` and `exp` (required) are checked against the
 * service's clock; anything else is a 401 that says what was wrong and writes nothing.
 */
export const authenticate = async (
  authorization: string | undefined,
  auth: AuthOptions,
  clock: Clock,
): Promise<Authentication> => {
  if (authorization === undefined) return refused('Send Authorization: Bearer <token>.')
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization)
  if (match?.[1] === undefined)
    return refused('The Authorization header is not "Bearer <token>".', 'invalid_request')
  try {
    const { payload } = await jwtVerify(match[1], keyOf(auth.secret), {
      algorithms: ['HS256'],
      issuer: auth.issuer,
      audience: auth.audience,
      requiredClaims: ['sub', 'exp'],
      currentDate: clock.now(),
    })
    const roles = payload.roles
    if (typeof payload.sub !== 'string' || payload.sub === '' || !isStringArray(roles))
      return refused(
        'The token must name the staff member (sub) and their roles (an array of strings).',
        'invalid_token',
      )
    return { ok: true, principal: { id: payload.sub, roles } }
  } catch (error) {
    if (error instanceof errors.JWTExpired) return refused('The token has expired.', 'invalid_token')
    if (error instanceof errors.JOSEError)
      return refused(`The token is not valid: ${error.code}.`, 'invalid_token')
    throw error
  }
}
