// End to end over real HTTP: the service listens on a free port and is called with fetch.
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keyedHash, manualClock, normalizePhone, seededRandom } from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../src/app.js'
import { auth, bearer } from './tokens.js'

const dir = mkdtempSync(join(tmpdir(), 'embed-http-service-'))
const path = join(dir, 'dealership.sqlite')
/** Monday 2 March 2026, 09:00 China time, plus whole hours. */
const at = (hours: number) =>
  new Date(Date.parse('2026-03-02T09:00:00+08:00') + hours * 3_600_000).toISOString()
const clock = manualClock(at(0))

const consultant = { id: 'consultant-wang', role: 'sales-consultant' }
/** The consultant's bearer token, signed when the tests start (valid for a day of the test clock). */
let asConsultant: Record<string, string> = {}
const registerProspect = (customerId: string, name: string, phone: string) => ({
  type: 'RegisterProspect',
  data: {
    customerId,
    at: at(0),
    by: consultant,
    source: 'showroom',
    kind: 'person',
    name,
    phone,
    phoneHash: keyedHash('example-secret', normalizePhone(phone)),
    birthday: null,
  },
})
const recordDelivery = (vin: string) => ({
  type: 'RecordDelivery',
  data: {
    customerId: 'zhang-san',
    at: at(1),
    by: consultant,
    vin,
    model: 'Sagitar',
    colour: 'white',
    plate: '粤B12345',
    mileageKm: 12,
    previousOwnerId: null,
  },
})

let service: App
let base = ''

const open = async () => {
  service = await buildApp({ path, auth, clock, random: seededRandom(5) })
  await service.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`
}

interface Reply {
  readonly status: number
  readonly contentType: string
  readonly etag: string | null
  readonly body: Record<string, unknown>
}

const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      // The customer 360 is an HTML page unless JSON is asked for (test/customer-page.test.ts).
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...asConsultant,
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    etag: response.headers.get('etag'),
    body: (await response.json()) as Record<string, unknown>,
  } satisfies Reply
}
const command = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  call('POST', url, body, headers)

/** The customer 360 once the live process managers have caught up with `ready`. */
const eventually = async (url: string, ready: (r: Reply) => boolean): Promise<Reply> => {
  const until = Date.now() + 5_000
  for (;;) {
    const reply = await call('GET', url)
    if (ready(reply) || Date.now() > until) return reply
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The events of the domains (a customer 360 read appends to the access log, counted apart). */
const countEvents = async () => {
  let n = 0
  for await (const e of service.dealership.store.readAll())
    if (!e.metadata.streamName.startsWith('access_log-')) n++
  return n
}

const expectProblem = (reply: Reply, status: number) => {
  expect(reply.status).toBe(status)
  expect(reply.contentType).toMatch(/^application\/problem\+json/)
  expect(reply.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) })
  expect(reply.body.detail).toEqual(expect.any(String))
}

beforeAll(async () => {
  asConsultant = await bearer({ id: consultant.id, roles: [consultant.role] }, { issuedAt: new Date(at(0)) })
  await open()
})
afterAll(async () => {
  await service.app.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the dealership over HTTP', () => {
  it('registers a prospect, delivers a car and shows the customer 360 with the membership', async () => {
    const registered = await command(
      '/customers/zhang-san/commands',
      registerProspect('zhang-san', '张三', '13800138000'),
    )
    expect(registered.status).toBe(200)
    expect(registered.body).toMatchObject({ stream: 'customer-zhang-san', version: 1, repeated: false })
    expect(registered.etag).toBe('"1"')

    const delivered = await command('/customers/zhang-san/commands', recordDelivery('LSVAU2180N2183294'), {
      'if-match': registered.etag ?? '',
    })
    expect(delivered.status).toBe(200)
    expect((delivered.body.events as Array<{ type: string }>).map((e) => e.type)).toContain(
      'VehicleDelivered',
    )
    expect(delivered.etag).toBe(`"${delivered.body.version}"`)

    clock.set(at(2))
    // The delivery-membership process manager runs live: the card appears without a further call.
    const view = await eventually('/customers/zhang-san?purpose=follow-up', (r) => r.body.membership != null)
    expect(view.status).toBe(200)
    expect(view.etag).toBe(delivered.etag)
    expect(view.body).toMatchObject({
      stage: 'owner',
      profile: { name: '张三' },
      vehicles: [{ vin: 'LSVAU2180N2183294' }],
      membership: { memberId: 'zhang-san', status: 'active' },
    })

    const ledgers = await call('GET', '/read-models/memberLedgers')
    expect(ledgers.status).toBe(200)
    expect(JSON.stringify(ledgers.body)).toContain('zhang-san')
  })

  it('refuses a malformed command with a 400 naming each field path, and writes nothing', async () => {
    const before = await call('GET', '/customers/zhang-san?purpose=follow-up')
    const events = await countEvents()

    const bad = await command('/customers/zhang-san/commands', recordDelivery('NOT-A-VIN'))
    expectProblem(bad, 400)
    expect(bad.body.errors).toEqual([{ path: 'data.vin', pointer: '/data/vin', detail: expect.any(String) }])

    const badHeaders = await command('/customers/zhang-san/commands', recordDelivery('LSVAU2180N2183295'), {
      'if-match': 'yesterday',
    })
    expectProblem(badHeaders, 400)
    expect(badHeaders.body.errors).toEqual([
      { path: 'headers.if-match', detail: expect.stringContaining('yesterday') },
    ])

    const noToken = await call('POST', '/customers/zhang-san/commands', recordDelivery('LSVAU2180N2183295'), {
      authorization: '',
    })
    expectProblem(noToken, 401)

    const otherCustomer = await command('/customers/li-si/commands', recordDelivery('LSVAU2180N2183295'))
    expectProblem(otherCustomer, 400)
    expect(otherCustomer.body.errors).toMatchObject([{ path: 'data.customerId' }])

    const badPoints = await command('/members/zhang-san/commands', {
      type: 'AwardPoints',
      data: {
        memberId: 'zhang-san',
        document: { category: 'goodwill', documentId: 'x' },
        points: -5,
        at: at(3),
        by: consultant,
      },
    })
    expect(badPoints.body.errors).toMatchObject([{ path: 'data.points', pointer: '/data/points' }])

    const malformed = await command('/customers/zhang-san/commands', '{"type": "RecordDelivery", ')
    expectProblem(malformed, 400)
    expect(malformed.body.type).toBe('about:blank')

    const text = await command('/customers/zhang-san/commands', 'RecordDelivery', {
      'content-type': 'text/plain',
    })
    expectProblem(text, 415)

    const after = await call('GET', '/customers/zhang-san?purpose=follow-up')
    expect(after.etag).toBe(before.etag)
    expect(await countEvents()).toBe(events)
  })

  it('answers a stale If-Match with a 409 naming the expected and actual versions', async () => {
    const current = await call('GET', '/customers/zhang-san?purpose=follow-up')
    const stale = await command(
      '/customers/zhang-san/commands',
      { type: 'RecordServiceVisit', data: {} },
      { 'if-match': '"1"' },
    )
    // The body is checked first: a malformed command is a 400 whatever the version.
    expectProblem(stale, 400)

    const assess = {
      type: 'AssessReferralPotential',
      data: {
        customerId: 'zhang-san',
        at: at(4),
        by: consultant,
        potential: 'high',
        reason: 'knows many buyers',
      },
    }
    const conflict = await command('/customers/zhang-san/commands', assess, { 'if-match': '"1"' })
    expectProblem(conflict, 409)
    expect(conflict.body).toMatchObject({
      expectedVersion: 1,
      actualVersion: Number(current.etag?.slice(1, -1)),
    })
    expect((await call('GET', '/customers/zhang-san?purpose=follow-up')).etag).toBe(current.etag)

    const fresh = await command('/customers/zhang-san/commands', assess, { 'if-match': current.etag ?? '' })
    expect(fresh.status).toBe(200)
  })

  it('returns the first result for a repeated Idempotency-Key and stores one set of events', async () => {
    const events = await countEvents()
    const key = { 'idempotency-key': '5f0c1e4e-li-si-registration' }
    const first = await command(
      '/customers/li-si/commands',
      registerProspect('li-si', '李四', '13900139000'),
      key,
    )
    const again = await command(
      '/customers/li-si/commands',
      registerProspect('li-si', '李四', '13900139000'),
      key,
    )
    expect(first.status).toBe(200)
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ ...first.body, repeated: true })
    expect(again.etag).toBe(first.etag)
    expect(await countEvents()).toBe(events + (first.body.events as unknown[]).length)
  })

  it('answers a refusal by the rules with a 422 carrying its code', async () => {
    const events = await countEvents()
    const twice = await command('/customers/li-si/commands', registerProspect('li-si', '李四', '13900139000'))
    expectProblem(twice, 422)
    expect(twice.body.code).toBe('AlreadyRegistered')
    expect(await countEvents()).toBe(events)
  })

  it('answers unknown read models, customers and routes with a 404 problem', async () => {
    expectProblem(await call('GET', '/read-models/nonsense'), 404)
    expectProblem(await call('GET', '/customers/nobody?purpose=follow-up'), 404)
    expectProblem(await call('GET', '/nowhere'), 404)
    const names = await call('GET', '/read-models')
    expect(names.body).toContain('customer360')
  })

  it('after a restart on the same file, reads the same customer and repeats no process-manager work', async () => {
    const before = await call('GET', '/customers/zhang-san?purpose=follow-up')
    const events = await countEvents()
    await service.app.close()
    await open()
    // Names are sealed with keys kept in the file: they read back after the restart.
    const after = await call('GET', '/customers/zhang-san?purpose=follow-up')
    expect(after.body).toEqual(before.body)
    await new Promise((r) => setTimeout(r, 100))
    expect(await countEvents()).toBe(events)
  })
})
