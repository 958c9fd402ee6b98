// Who acts is the bearer token's principal: a missing, invalid or expired token is a 401, a body that
// names another actor or a role the token does not grant a 403, and reads of the 360 are logged.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keyedHash, manualClock, normalizePhone, seededRandom } from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../src/app.js'
import { run } from '../src/main.js'
import { auth, bearer, tokenFor } from './tokens.js'

const dir = mkdtempSync(join(tmpdir(), 'embed-http-auth-'))
const at = (hours: number) =>
  new Date(Date.parse('2026-03-02T09:00:00+08:00') + hours * 3_600_000).toISOString()
const clock = manualClock(at(2))
const wang = { id: 'consultant-wang', roles: ['sales-consultant'] }
const manager = { id: 'manager-huang', roles: ['customer-manager'] }

/** A prospect registration that names no actor: the token says who acts. */
const registerProspect = (customerId: string, phone: string, extra: Record<string, unknown> = {}) => ({
  type: 'RegisterProspect',
  data: {
    customerId,
    at: at(0),
    source: 'showroom',
    kind: 'person',
    name: '王五',
    phone,
    phoneHash: keyedHash('example-secret', normalizePhone(phone)),
    birthday: null,
    ...extra,
  },
})

let service: App

const post = (url: string, payload: unknown, headers: Record<string, string>) =>
  service.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(payload),
  })

const streamVersion = (customerId: string) => service.dealership.store.streamVersion(`customer-${customerId}`)

beforeAll(async () => {
  service = await buildApp({ path: join(dir, 'dealership.sqlite'), auth, clock, random: seededRandom(9) })
})
afterAll(async () => {
  await service.app.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('bearer tokens', () => {
  it('acts as the token’s subject in its role: the actor is filled in and recorded', async () => {
    const r = await post('/customers/wang-wu/commands', registerProspect('wang-wu', '13700137000'), {
      ...(await bearer(wang, { issuedAt: new Date(at(0)) })),
    })
    expect(r.statusCode, r.body).toBe(200)
    const events = []
    for await (const e of service.dealership.store.readStream('customer-wang-wu')) events.push(e)
    const [event] = events
    expect(event?.data).toMatchObject({ by: { id: 'consultant-wang', role: 'sales-consultant' } })
    expect(event?.metadata.actor).toEqual({ id: 'consultant-wang', role: 'sales-consultant' })
  })

  it('refuses a missing, malformed, forged, foreign or expired token with a 401, writing nothing', async () => {
    const body = registerProspect('zhao-liu', '13600136000')
    const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
      [{}, 'Send Authorization'],
      [{ authorization: 'Basic Y29uc3VsdGFudDpwYXNz' }, 'not "Bearer <token>"'],
      [
        {
          authorization: `Bearer ${await tokenFor(wang, { issuedAt: new Date(at(0)), secret: 'another key of at least thirty-two bytes' })}`,
        },
        'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      ],
      [
        {
          authorization: `Bearer ${await tokenFor(wang, { issuedAt: new Date(at(0)), audience: 'another-service' })}`,
        },
        'ERR_JWT_CLAIM_VALIDATION_FAILED',
      ],
      // Issued at 09:00 for one hour; the service's clock says 11:00.
      [
        {
          authorization: `Bearer ${await tokenFor(wang, { issuedAt: new Date(at(0)), lifetimeSeconds: 3600 })}`,
        },
        'expired',
      ],
    ]
    for (const [headers, detail] of cases) {
      const r = await post('/customers/zhao-liu/commands', body, headers)
      expect(r.statusCode, JSON.stringify(headers)).toBe(401)
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="dealer-crm"/)
      expect(r.json()).toMatchObject({ status: 401, type: 'urn:dealer-crm:problem:unauthenticated' })
      expect(r.json().detail).toContain(detail)
    }
    const expired = await service.app.inject({
      method: 'GET',
      url: '/customers/wang-wu?purpose=x',
      headers: cases[4]?.[0] ?? {},
    })
    expect(expired.headers['www-authenticate']).toContain('error="invalid_token"')
    expect(await streamVersion('zhao-liu')).toBe(0)
  })

  it('refuses a body that names another actor, or a role the token does not grant, with a 403', async () => {
    const asWang = await bearer(wang, { issuedAt: new Date(at(0)) })
    const other = await post(
      '/customers/zhao-liu/commands',
      registerProspect('zhao-liu', '13600136000', { by: { id: 'consultant-ma', role: 'sales-consultant' } }),
      asWang,
    )
    expect(other.statusCode).toBe(403)
    expect(other.json()).toMatchObject({ type: 'urn:dealer-crm:problem:forbidden', code: 'ActorMismatch' })
    const promoted = await post(
      '/customers/zhao-liu/commands',
      registerProspect('zhao-liu', '13600136000', {
        by: { id: 'consultant-wang', role: 'showroom-manager' },
      }),
      asWang,
    )
    expect(promoted.statusCode).toBe(403)
    expect(promoted.json()).toMatchObject({ code: 'RoleNotHeld' })
    expect(await streamVersion('zhao-liu')).toBe(0)
  })

  it('needs a purpose to show the customer 360, and records the read in the access log', async () => {
    const asManager = await bearer(manager, { issuedAt: new Date(at(0)) })
    const noPurpose = await service.app.inject({
      method: 'GET',
      url: '/customers/wang-wu',
      headers: { accept: 'application/json', ...asManager },
    })
    expect(noPurpose.statusCode).toBe(400)
    expect(noPurpose.json().errors.map((e: { path: string }) => e.path)).toEqual(['query.purpose'])
    const view = await service.app.inject({
      method: 'GET',
      url: '/customers/wang-wu?purpose=welcome%20call',
      headers: { accept: 'application/json', ...asManager },
    })
    expect(view.statusCode).toBe(200)
    expect(view.json().profile.name).toBe('王五')
    const log = await service.app.inject({
      method: 'GET',
      url: '/customers/wang-wu/access-log',
      headers: asManager,
    })
    expect(log.json()).toEqual([
      expect.objectContaining({ by: manager, purpose: 'welcome call', via: 'customer360', at: at(2) }),
    ])
  })

  it('exports everything held about a person with a purpose, and logs the export', async () => {
    const asManager = await bearer(manager, { issuedAt: new Date(at(0)) })
    const get = (url: string) => service.app.inject({ method: 'GET', url, headers: asManager })
    const noPurpose = await get('/customers/wang-wu/subject-export')
    expect(noPurpose.statusCode).toBe(400)
    expect(noPurpose.json().errors.map((e: { path: string }) => e.path)).toEqual(['query.purpose'])
    expect((await get('/customers/nobody/subject-export?purpose=request')).statusCode).toBe(404)
    const exported = await get('/customers/wang-wu/subject-export?purpose=access%20request')
    expect(exported.statusCode).toBe(200)
    expect(exported.json()).toMatchObject({
      format: 'dealer-crm/subject-export/1',
      subject: 'wang-wu',
      exportedBy: manager,
      events: [{ type: 'ProspectRegistered', data: { name: '王五' } }],
    })
    expect(exported.json().accessLog.at(-1)).toMatchObject({
      via: 'subjectExport',
      purpose: 'access request',
    })
  })

  it('asks for a token on every route but the list of read-model names', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/read-models' })).statusCode).toBe(200)
    for (const [method, url] of [
      ['GET', '/read-models/customerProfiles'],
      ['GET', '/customers/wang-wu?purpose=x'],
      ['GET', '/customers/wang-wu/access-log'],
      ['GET', '/customers/wang-wu/subject-export?purpose=x'],
      ['POST', '/referrals/ref-1/call-back-draw'],
    ] as const)
      expect((await service.app.inject({ method, url })).statusCode, url).toBe(401)
  })

  it('will not start without a JWT_SECRET of at least 32 bytes', async () => {
    await expect(run({ DB_PATH: join(dir, 'unused.sqlite'), JWT_SECRET: 'short' })).rejects.toThrow(
      /^JWT_SECRET/,
    )
  })
})
