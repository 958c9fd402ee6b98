// Bearer tokens as the dealer's login service would sign them (HS256), for the tests.
import type { Principal } from '@dealer-crm/dealership'
import { SignJWT } from 'jose'
import type { AuthOptions } from '../src/auth.js'

const secret = 'a test key of at least thirty-two bytes'

export const auth: AuthOptions = {
  secret,
  issuer: 'dealer-login',
  audience: 'dealer-crm',
}

export interface TokenOptions {
  /** When the token was issued and how long it lasts (seconds). */
  readonly issuedAt: Date
  readonly lifetimeSeconds?: number
  readonly secret?: string
  readonly audience?: string
}

export const tokenFor = (principal: Principal, options: TokenOptions): Promise<string> => {
  const iat = Math.floor(options.issuedAt.getTime() / 1000)
  return new SignJWT({ roles: principal.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.id)
    .setIssuer(auth.issuer)
    .setAudience(options.audience ?? auth.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeSeconds ?? 24 * 3600))
    .sign(new TextEncoder().encode(options.secret ?? secret))
}

/** `{ authorization: 'Bearer …' }` for the principal. */
export const bearer = async (principal: Principal, options: TokenOptions) => ({
  authorization: `Bearer ${await tokenFor(principal, options)}`,
})
