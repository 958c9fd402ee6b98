import type { Customer360 } from '@dealer-crm/dealership'
import { describe, expect, it } from 'vitest'
import { renderCustomerNotFound, renderCustomerPage } from '../src/index.js'

const erased = { erased: true, subjectId: 'c-7' } as const

/** A forgotten customer with an open complaint overdue on one clock and a member card. */
const view = {
  customerId: 'c-7',
  stage: 'at-risk',
  profile: {
    customerId: 'c-7',
    name: erased,
    stage: 'at-risk',
    stageSince: '2026-05-01T00:00:00.000Z',
    stageEvidence: null,
    probationEndsAt: null,
    overriddenUntil: null,
    managerId: 'manager-<ma>',
    valueTier: null,
    rfmSegment: null,
    flags: { vip: true, 'big-account': false },
    personality: null,
    referralPotential: null,
    vehicles: {},
    consents: { 'marketing/sms': 'withdrawn' },
  },
  segment: {
    valueTier: null,
    rfmSegment: null,
    flags: { vip: true, 'big-account': false },
    personality: null,
    referralPotential: null,
  },
  vehicles: [
    {
      vin: 'LSVAU2180N2183294',
      model: 'Sagitar',
      colour: 'white',
      plate: erased,
      deliveredAt: '2025-03-02T01:00:00.000Z',
      owned: true,
      lastVisitAt: null,
      lastMileageKm: 12_345,
    },
  ],
  membership: {
    memberId: 'c-7',
    cardNumber: 'card-c-7',
    status: 'active',
    level: 'gold',
    balance: 12_345,
    pendingPoints: 0,
    debt: 0,
    prepaidFen: 50_000,
  },
  openComplaints: [
    {
      complaintId: 'cmp-1',
      customerId: 'c-7',
      owner: 'advisor-li',
      severity: 'major',
      safetyRelated: true,
      handlingLevel: 2,
      pausedFor: null,
      clocks: [
        { clock: 'response', timeLeftMs: null, deadline: null, breached: false },
        { clock: 'investigation', timeLeftMs: -5 * 3_600_000, deadline: null, breached: true },
        { clock: 'resolution', timeLeftMs: 30 * 3_600_000, deadline: null, breached: false },
      ],
      breaches: ['investigation'],
    },
  ],
  referralsMade: [],
  recentTouchpoints: [],
} as unknown as Customer360

describe('renderCustomerPage', () => {
  it('shows erased personal fields as erased, SLA state per clock and points in ¥ (zh-CN by default)', () => {
    const html = renderCustomerPage(view)
    expect(html).toContain('<html lang="zh-CN">')
    expect(html.match(/data-erased/g)).toHaveLength(2) // the name and the plate
    expect(html).toContain('即将流失') // the stage, in the report's words
    expect(html).toContain('重大') // the severity, in the seed material's words
    expect(html).toContain('调查: <span class="late">超时 5 小时</span>')
    expect(html).toContain('解决: 剩余 30 小时')
    expect(html).toContain('首次响应: 已停止')
    expect(html).toContain('金卡会员')
    expect(html).toContain('data-fen="12345">¥123.45</span>')
    expect(html).toContain('manager-&lt;ma&gt;') // text is escaped
    expect(html).not.toMatch(/<script|<link|src=|url\(/i)
  })

  it('speaks English when asked, and an empty section says none', () => {
    const html = renderCustomerPage(view, 'en', '2026-12-31T00:00:00.000Z')
    expect(html).toContain('«erased»')
    expect(html).toContain('Investigation: <span class="late">5 h overdue</span>')
    expect(html).toContain('¥1.00 per 100 points')
    expect(html).toMatch(/<section id="referrals"><h2>Referrals made<\/h2><p class="none">none<\/p>/)
    expect(html).toContain('<strong data-at>2026-12-31T00:00:00.000Z</strong>')
  })

  it('has a page for an unknown customer, with the id escaped', () => {
    expect(renderCustomerNotFound('<x>', 'en')).toContain('There is no customer &lt;x&gt;.')
  })
})
