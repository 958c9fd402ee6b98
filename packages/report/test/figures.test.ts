import { defaults } from '@dealer-crm/simulation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ReportFigures, renderReport, reportData } from '../src/index.js'
import { type SimulatedStore, simulatedStore } from './simulated-store.js'

/** Every figure cell of a report page: `data-figure` key → `data-value` (null when shown as none). */
const cellsOf = (html: string): Map<string, number | null> =>
  new Map(
    [...html.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)].map(([, key, value]) => [
      key as string,
      value === '' ? null : Number(value),
    ]),
  )

const flows = (f: ReportFigures) => ({
  'lifecycle.registered': f.lifecycle.registered,
  'lifecycle.deliveries': f.lifecycle.deliveries,
  'lifecycle.lost': f.lifecycle.lost,
  'lifecycle.wonBack': f.lifecycle.wonBack,
  'lifecycle.serviceVisits': f.lifecycle.serviceVisits,
  'lifecycle.remindersReached': f.lifecycle.remindersReached,
  'lifecycle.remindersConverted': f.lifecycle.remindersConverted,
  'lifecycle.reminderConversion': f.lifecycle.reminderConversion,
  'complaints.received': f.complaints.receivedAll,
  'complaints.received.general': f.complaints.received.general,
  'complaints.received.escalated': f.complaints.received.escalated,
  'complaints.received.major': f.complaints.received.major,
  'complaints.slaMet.response': f.complaints.slaMet.response,
  'complaints.slaMet.investigation': f.complaints.slaMet.investigation,
  'complaints.slaMet.resolution': f.complaints.slaMet.resolution,
  'complaints.breaches': f.complaints.breaches,
  'complaints.escalated': f.complaints.escalated,
  'complaints.reopenings': f.complaints.reopenings,
  'complaints.closed': f.complaints.closed,
  'referrals.claims': f.referrals.claims,
  'referrals.verified': f.referrals.outcomes.verified,
  'referrals.faked': f.referrals.outcomes.faked,
  'referrals.inconclusive': f.referrals.outcomes.inconclusive,
  'referrals.fraudRate': f.referrals.fraudRate,
  'referrals.rewardsFen': f.referrals.rewardsFen,
  'referrals.penaltiesFen': f.referrals.penaltiesFen,
  'loyalty.issued': f.loyalty.issued,
  'loyalty.redeemed': f.loyalty.redeemed,
  'loyalty.expired': f.loyalty.expired,
  'loyalty.reversed': f.loyalty.reversed,
  'audit.events': f.audit.events,
})

const checkReport = (customers: number, seed: number) => {
  let sim: SimulatedStore
  let html: string
  let figures: ReportFigures

  beforeAll(async () => {
    sim = await simulatedStore(customers, seed)
    const options = { store: sim.store, verifyResult: sim.verifyResult }
    html = await renderReport(options)
    figures = (await reportData(options)).figures
  })
  afterAll(() => sim?.close())

  it('covers the simulated year, month by month', () => {
    expect(figures.from).toBe('2026-01')
    expect(figures.to).toBe('2026-12')
    expect(figures.months).toHaveLength(12)
  })

  it('shows in every figure cell the figure the series give, in period and all time apart', () => {
    const cells = cellsOf(html)
    for (const [key, value] of Object.entries(flows(figures))) {
      expect(cells.get(`${key}.inPeriod`), key).toBe(value.inPeriod)
      expect(cells.get(`${key}.allTime`), key).toBe(value.allTime)
    }
    for (const [stage, n] of Object.entries(figures.lifecycle.stagesAtEnd))
      expect(cells.get(`lifecycle.stages.${stage}.atEnd`), stage).toBe(n)
    for (const [level, n] of Object.entries(figures.loyalty.levelsAtEnd))
      expect(cells.get(`loyalty.levels.${level}.atEnd`), level).toBe(n)
    expect(cells.get('loyalty.liabilityPoints.atEnd')).toBe(figures.loyalty.liabilityPointsAtEnd)
    expect(cells.get('loyalty.prepaidFen.atEnd')).toBe(figures.loyalty.prepaidFenAtEnd)
    expect(cells.get('lifecycle.retention.atEnd')).toBe(figures.lifecycle.retentionAtEnd?.retention)
    expect(cells.get('audit.streams.atEnd')).toBe(figures.audit.streams)
    // The opening book lies before the period: all-time figures are more than the period's.
    expect(figures.lifecycle.registered.allTime).toBeGreaterThan(figures.lifecycle.registered.inPeriod)
    expect(figures.audit.events.allTime).toBeGreaterThan(figures.audit.events.inPeriod)
  })

  it("agrees with the domains' own read models (the simulation's year-end figures)", () => {
    const m = sim.result.metrics
    const lc = figures.lifecycle
    expect(lc.registered.allTime).toBe(m.customers.registered)
    expect(lc.stagesAtEnd).toEqual(m.customers.stages)
    expect(lc.retentionAtEnd?.retention).toBe(m.retention.serviceRetention.rate)
    expect(lc.remindersReached.allTime).toBe(m.retention.reminderConversion.whole)
    expect(lc.remindersConverted.allTime).toBe(m.retention.reminderConversion.part)

    const cp = figures.complaints
    expect(cp.receivedAll.allTime).toBe(m.complaints.received)
    expect(cp.breaches.allTime).toBe(m.complaints.breaches)
    expect(cp.escalated.allTime).toBe(m.complaints.escalated)
    expect(cp.met.response.allTime).toBe(m.complaints.firstResponse.part)
    expect(cp.met.investigation.allTime).toBe(m.complaints.investigation.part)
    expect(cp.met.resolution.allTime).toBe(m.complaints.resolution.part)
    expect(cp.slaMet.response.allTime).toBe(m.complaints.firstResponse.rate)
    expect(cp.pareto.allTime.map((c) => [c.rootCause, c.complaints])).toEqual(
      m.complaints.causes.map((c) => [c.rootCause, c.complaints]),
    )

    const rf = figures.referrals
    expect(rf.claims.allTime).toBe(m.referrals.claims)
    expect(rf.lateClaims.allTime).toBe(m.referrals.lateClaims)
    for (const o of ['verified', 'faked', 'inconclusive'] as const)
      expect(rf.outcomes[o].allTime - rf.reopened[o].allTime, o).toBe(m.referrals[o])
    expect(rf.rewards.allTime).toBe(m.referrals.rewarded)
    expect(rf.penaltiesFen.allTime - rf.penaltiesLiftedFen.allTime).toBe(m.referrals.penaltiesFen)

    const ly = figures.loyalty
    expect(ly.issued.allTime).toBe(m.loyalty.issued)
    expect(ly.redeemed.allTime).toBe(m.loyalty.redeemed)
    expect(ly.expired.allTime).toBe(m.loyalty.expired)
    expect(ly.reversed.allTime).toBe(m.loyalty.reversed)
    expect(ly.liabilityPointsAtEnd).toBe(m.loyalty.pointsLiability)
    expect(ly.prepaidFenAtEnd).toBe(m.loyalty.prepaidBalanceFen)
    expect(ly.levelsAtEnd).toEqual(m.loyalty.levels)

    expect(figures.audit.events.allTime).toBe(sim.result.events)
    expect(figures.audit.streams).toBe(sim.result.streams)
    expect(figures.audit.anchor).toEqual(sim.verifyResult.ok ? sim.verifyResult.anchor : null)
  })
}

describe('the report of a small simulated store (60 customers, seed 7)', () => checkReport(60, 7))
// What `pnpm demo` writes: the simulation's defaults (2,000 customers, seed 1, the year 2026).
describe('the report of the default run (2,000 customers, seed 1)', () =>
  checkReport(defaults.customers, defaults.seed))
