// GET /customers/:id as a page and as JSON, through Fastify's inject (no socket).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keyedHash, manualClock, normalizePhone, seededRandom } from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../src/app.js'
import { auth, bearer } from './tokens.js'

const dir = mkdtempSync(join(tmpdir(), 'embed-http-page-'))
const at = (hours: number) =>
  new Date(Date.parse('2026-03-02T09:00:00+08:00') + hours * 3_600_000).toISOString()
const by = { id: 'consultant-wang', role: 'sales-consultant' }
/** The consultant's bearer token (signed before the first request). */
let authorization: Record<string, string> = {}

let service: App

const post = async (payload: Record<string, unknown>) => {
  const r = await service.app.inject({
    method: 'POST',
    url: '/customers/zhang-san/commands',
    headers: { 'content-type': 'application/json', ...authorization },
    payload,
  })
  expect(r.statusCode, r.body).toBe(200)
}
/** A GET as the consultant, with the purpose the customer's access log records. */
const get = (url: string, accept?: string) =>
  service.app.inject({
    method: 'GET',
    url: `${url}${url.includes('?') ? '&' : '?'}purpose=page-test`,
    headers: { ...authorization, ...(accept === undefined ? {} : { accept }) },
  })

const sections = [
  'profile',
  'stage',
  'vehicles',
  'consent',
  'touchpoints',
  'referrals',
  'complaints',
  'membership',
]

beforeAll(async () => {
  authorization = await bearer({ id: by.id, roles: [by.role] }, { issuedAt: new Date(at(0)) })
  service = await buildApp({
    auth,
    path: join(dir, 'dealership.sqlite'),
    clock: manualClock(at(2)),
    random: seededRandom(3),
  })
  await post({
    type: 'RegisterProspect',
    data: {
      customerId: 'zhang-san',
      at: at(0),
      by,
      source: 'showroom',
      kind: 'person',
      name: '张三',
      phone: '13800138000',
      phoneHash: keyedHash('example-secret', normalizePhone('13800138000')),
      birthday: null,
    },
  })
  await post({
    type: 'RecordDelivery',
    data: {
      customerId: 'zhang-san',
      at: at(1),
      by,
      vin: 'LSVAU2180N2183294',
      model: 'Sagitar',
      colour: 'white',
      plate: '粤B12345',
      mileageKm: 12,
      previousOwnerId: null,
    },
  })
  // The live process managers enrol the new owner: wait for the membership (at most 5 s).
  const until = Date.now() + 5_000
  while (Date.now() < until) {
    if ((await get('/customers/zhang-san', 'application/json')).json().membership != null) break
    await new Promise((r) => setTimeout(r, 20))
  }
})
afterAll(async () => {
  await service.app.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('GET /customers/:id', () => {
  it('is an HTML page by default and for Accept: text/html, with every section of the CLI view', async () => {
    for (const accept of [undefined, 'text/html', 'text/html,application/xhtml+xml,*/*;q=0.8']) {
      const r = await get('/customers/zhang-san', accept)
      expect(r.statusCode).toBe(200)
      expect(r.headers['content-type']).toMatch(/^text\/html; charset=utf-8/)
      expect(r.headers.etag).toMatch(/^"\d+"$/)
      for (const id of sections) expect(r.body).toContain(`<section id="${id}">`)
      expect(r.body).toContain('<html lang="zh-CN">')
      expect(r.body).toContain('张三') // the name, decrypted with the key kept in the file
      expect(r.body).toContain('粤B12345')
      expect(r.body).toContain('LSVAU2180N2183294')
      expect(r.body).toContain('新车主') // the stage, in the report's words
      expect(r.body).toContain(`<strong data-at>${at(2)}</strong>`)
      expect(r.body).not.toMatch(/<script|<link|src=|url\(/i)
    }
  })

  it('shows the membership points in ¥ at ¥1 per 100 points, as the CLI does', async () => {
    const json = (await get('/customers/zhang-san', 'application/json')).json()
    expect(json.membership).not.toBeNull()
    const page = (await get('/customers/zhang-san?lang=en')).body
    expect(page).toContain('<html lang="en">')
    expect(page).toContain('Customer 360 · zhang-san')
    expect(page).toContain(`data-points="${json.membership.balance}"`)
    expect(page).toContain(`data-fen="${json.membership.balance}"`)
    expect(page).toContain('¥1.00 per 100 points')
  })

  it('is the customer 360 as JSON with Accept: application/json', async () => {
    const r = await get('/customers/zhang-san', 'application/json')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    expect(r.headers.vary).toMatch(/accept/i)
    expect(r.json()).toMatchObject({
      customerId: 'zhang-san',
      stage: 'owner',
      profile: { name: '张三' },
      vehicles: [{ vin: 'LSVAU2180N2183294', plate: '粤B12345' }],
    })
  })

  it('answers an unknown customer with a 404 page, or a 404 problem to a JSON client', async () => {
    const page = await get('/customers/nobody')
    expect(page.statusCode).toBe(404)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('没有客户 nobody')
    const problem = await get('/customers/nobody', 'application/json')
    expect(problem.statusCode).toBe(404)
    expect(problem.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(problem.json()).toMatchObject({ status: 404, detail: 'There is no customer "nobody".' })
  })

  it('refuses a malformed ?lang or ?at with a 400 naming the parameter', async () => {
    const r = await get('/customers/zhang-san?lang=fr&at=yesterday')
    expect(r.statusCode).toBe(400)
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(r.json().errors.map((e: { path: string }) => e.path)).toEqual(['query.lang', 'query.at'])
    // ?at is "now" for the SLA clocks and points, as the CLI's --at; the page says which moment it shows.
    const later = await get('/customers/zhang-san?at=2026-03-09T09:00:00%2B08:00')
    expect(later.statusCode).toBe(200)
    expect(later.body).toContain('<strong data-at>2026-03-09T01:00:00.000Z</strong>')
  })
})
