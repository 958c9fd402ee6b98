import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isOpenComplaint } from '@dealer-crm/complaint-workflow'
import { createDealership } from '@dealer-crm/dealership'
import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderCustomerPage, writeReport } from '../src/index.js'
import { existingStore, type SimulatedStore, simulatedStore } from './simulated-store.js'

// Debian's chromium package (.ci/run installs it); another binary can be named by CHROMIUM_PATH.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const present = existsSync(chromium)
if (!present && process.env.CI !== 'true')
  console.log(
    `report browser test skipped: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`,
  )

// The page of another database, for docs/report-screenshot.png: REPORT_TEST_DB=.data/dealership-demo.sqlite
// (after pnpm demo). By default the test simulates a small year of its own.
const database = process.env.REPORT_TEST_DB

/** The test's output folder (gitignored): the report pages and their screenshots. */
const output = join(import.meta.dirname, 'output')

interface ChartSeen {
  readonly id: string
  readonly expected: number
  readonly elements: number
  readonly series: number
  readonly width: number
}

/** Opens a file offline: any request but the file itself, a console error or warning, or a page error is a problem. */
const openOffline = async (browser: Browser, file: string): Promise<{ page: Page; problems: string[] }> => {
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`))
  await page.setRequestInterception(true)
  page.on('request', (r) => {
    if (r.url().startsWith('file:')) void r.continue()
    else {
      problems.push(`request: ${r.url()}`)
      void r.abort()
    }
  })
  await page.setViewport({ width: 1360, height: 900 })
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  return { page, problems }
}

describe.runIf(present || process.env.CI === 'true')('the report in headless Chromium', () => {
  let sim: Omit<SimulatedStore, 'result'>
  let browser: Browser
  /** The moment the customer page shows: the last event's. */
  let at = ''

  beforeAll(async () => {
    if (!present)
      throw new Error(`CI=true and no Chromium at ${chromium}: .ci/run installs Debian's chromium`)
    rmSync(output, { recursive: true, force: true })
    mkdirSync(output, { recursive: true })
    sim = database === undefined ? await simulatedStore(200, 1) : await existingStore(database)
    for await (const e of sim.store.readAll()) at = e.metadata.recordedAt.toISOString()
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] })
  })
  afterAll(async () => {
    await browser?.close()
    await sim?.close()
  })

  for (const lang of ['zh-CN', 'en'] as const)
    it(`draws every chart of the ${lang} page offline, with no console error, and is screenshot`, async () => {
      const file = await writeReport(join(output, `report-${lang}.html`), {
        store: sim.store,
        lang,
        verifyResult: sim.verifyResult,
      })
      const { page, problems } = await openOffline(browser, file)

      const charts: ChartSeen[] = await page.$$eval('figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg')
          const drawn = svg === null ? [] : [...svg.querySelectorAll('[ecmeta_ssr_type="chart"]')]
          return {
            id: f.getAttribute('data-chart') ?? '',
            expected: Number(f.getAttribute('data-series')),
            elements: drawn.length,
            series: new Set(drawn.map((e) => e.getAttribute('ecmeta_series_index'))).size,
            width: svg?.getBoundingClientRect().width ?? 0,
          }
        }),
      )
      expect(charts.map((c) => c.id)).toEqual([
        'funnel',
        'churn',
        'retention',
        'received',
        'sla',
        'breaches',
        'pareto',
        'referrals',
        'referral-money',
        'points',
        'liability',
        'levels',
        'log',
      ])
      for (const c of charts) {
        expect(c.elements, c.id).toBeGreaterThan(0)
        expect(c.series, c.id).toBe(c.expected)
        expect(c.width, c.id).toBeGreaterThan(300)
      }
      expect(await page.$$eval('section', (s) => s.map((x) => x.id))).toEqual([
        'customers',
        'service',
        'complaints',
        'referrals',
        'loyalty',
        'audit',
      ])
      expect(await page.$eval('[data-verify]', (e) => e.getAttribute('data-verify'))).toBe('ok')
      expect(problems).toEqual([])

      await page.screenshot({ path: join(output, `report-${lang}.png`), fullPage: true })
      // The top of the page at the README's width: what docs/report-screenshot.png shows.
      await page.setViewport({ width: 1280, height: 900 })
      await page.screenshot({
        path: join(output, `report-${lang}-top.png`),
        clip: { x: 0, y: 0, width: 1280, height: 2160 },
      })
      await page.close()
    })

  for (const lang of ['zh-CN', 'en'] as const)
    it(`shows every section of a customer's ${lang} page offline, with no console error, and is screenshot`, async () => {
      // The customer with the most to show: open complaints (with their SLA clocks), referrals made, a membership.
      const dealership = createDealership({
        store: sim.store,
        clock: manualClock(at),
        random: seededRandom(0),
      })
      const state = await dealership.readModel('customer360')
      const open = (id: string) =>
        [...(state.complaintsOf.get(id) ?? [])].filter((c) => {
          const complaint = state.complaints.get(c)
          return complaint !== undefined && isOpenComplaint(complaint)
        }).length
      const weight = (id: string) =>
        3 * open(id) + (state.referralsOf.get(id)?.size ?? 0) + (state.memberOf.has(id) ? 1 : 0)
      const [customerId] = [...state.profiles.keys()].sort(
        (a, b) => weight(b) - weight(a) || a.localeCompare(b),
      )
      expect(customerId).toBeDefined()
      const view = await dealership.customer360(customerId ?? '', at)
      if (view === undefined) throw new Error(`no customer 360 for ${customerId}`)
      const file = join(output, `customer-${lang}.html`)
      writeFileSync(file, renderCustomerPage(view, lang, at))

      const { page, problems } = await openOffline(browser, file)
      const sections = await page.$$eval('section', (all) =>
        all.map((x) => ({
          id: x.id,
          title: x.querySelector('h2')?.textContent ?? '',
          text: x.textContent ?? '',
        })),
      )
      expect(sections.map((x) => x.id)).toEqual([
        'profile',
        'stage',
        'vehicles',
        'consent',
        'touchpoints',
        'referrals',
        'complaints',
        'membership',
      ])
      for (const x of sections) expect(x.title.length, x.id).toBeGreaterThan(0)
      expect(await page.$eval('h1', (h) => h.textContent)).toContain(view.customerId)
      expect(await page.$eval('[data-stage]', (e) => e.getAttribute('data-stage'))).toBe(view.stage)
      expect(await page.$$eval('#vehicles tbody tr', (rows) => rows.length)).toBe(view.vehicles.length)
      expect(await page.$$eval('#referrals tbody tr', (rows) => rows.length)).toBe(view.referralsMade.length)
      expect(await page.$$eval('#complaints tbody tr', (rows) => rows.length)).toBe(
        view.openComplaints.length,
      )
      if (view.membership !== null)
        expect(await page.$eval('#membership [data-points]', (e) => e.getAttribute('data-points'))).toBe(
          String(view.membership.balance),
        )
      expect(problems).toEqual([])
      await page.screenshot({ path: join(output, `customer-${lang}.png`), fullPage: true })
      await page.close()
    })
})
