import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dealershipRegistry } from '@dealer-crm/dealership'
import { rebuildProjection, verify } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consentAuditProjection,
  isSimulationOptionsError,
  renderMetrics,
  runSimulation,
  SimulationOptionsError,
  type SimulationResult,
} from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'simulation-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const openStore = (path: string) => createSqliteEventStore({ path, registry: dealershipRegistry })

/** What the log holds, counted from the store itself (not from the simulator). */
const census = async (path: string) => {
  const store = openStore(path)
  const types = new Map<string, number>()
  const severities = new Set<string>()
  let wonBack = 0
  try {
    for await (const e of store.readAll()) {
      types.set(e.type, (types.get(e.type) ?? 0) + 1)
      if (e.type === 'ComplaintReceived') severities.add(e.data.severity)
      if (e.type === 'SeverityRaised') severities.add(e.data.to)
      if (e.type === 'StageChanged' && e.data.to === 'won-back') wonBack++
    }
    const consent = await rebuildProjection(store, consentAuditProjection)
    const check = await verify(store)
    return { count: (type: string) => types.get(type) ?? 0, severities, wonBack, consent, check }
  } finally {
    await store.close()
  }
}

// A whole year, small enough to run in seconds: 200 customers under the default seed reach every
// fact asserted below (150 miss a 重大 complaint, 100 a faked referral). Bigger runs belong to the
// demo (pnpm demo) and bench/.
describe('a year of a dealership (200 customers, the default seed)', () => {
  const path = join(dir, 'year.sqlite')
  let result: SimulationResult
  let log: Awaited<ReturnType<typeof census>>
  const progress: number[] = []

  beforeAll(async () => {
    result = await runSimulation({ path, customers: 200, onProgress: (done) => progress.push(done) })
    log = await census(path)
  })

  it('leaves a log whose hash chain verifies, with every event the result counts', () => {
    expect(log.check).toMatchObject({ ok: true, events: result.events, streams: result.streams })
    expect(result.events).toBeGreaterThan(5_000)
    expect(result.metrics.customers.registered).toBe(200)
    expect(progress).toHaveLength(365)
    expect(progress.at(-1)).toBe(365)
  })

  it('has referrals verified, faked (fined) and claimed late', () => {
    expect(log.count('ReferralVerified')).toBeGreaterThan(0)
    expect(log.count('RewardReleased')).toBeGreaterThan(0)
    expect(log.count('ReferralFaked')).toBeGreaterThan(0)
    expect(log.count('FraudPenaltyRecorded')).toBe(log.count('ReferralFaked'))
    expect(log.count('LateClaimRejected')).toBeGreaterThan(0)
    expect(result.metrics.referrals.faked).toBe(log.count('ReferralFaked'))
    expect(result.metrics.referrals.lateClaims).toBe(log.count('LateClaimRejected'))
  })

  it('has complaints of every severity, escalations, SLA breaches and reopenings', () => {
    expect([...log.severities].sort()).toEqual(['escalated', 'general', 'major'])
    expect(log.count('ComplaintEscalated')).toBeGreaterThan(0)
    expect(log.count('SlaBreached')).toBeGreaterThan(0)
    expect(log.count('ComplaintClosed')).toBeGreaterThan(0)
    expect(log.count('ComplaintReopened')).toBeGreaterThan(0)
    expect(result.metrics.complaints.received).toBe(log.count('ComplaintReceived'))
    expect(result.metrics.complaints.breaches).toBeLessThanOrEqual(log.count('SlaBreached'))
  })

  it('has points earned, redeemed, refunded and expired', () => {
    expect(log.count('PointsEarned')).toBeGreaterThan(0)
    expect(log.count('PointsRedeemed')).toBeGreaterThan(0)
    expect(log.count('PointsReversed')).toBeGreaterThan(0)
    expect(log.count('PointsExpired')).toBeGreaterThan(0)
    expect(result.metrics.loyalty.expired).toBeGreaterThan(0)
    expect(result.metrics.loyalty.members).toBeGreaterThan(0)
  })

  it('honours consent: customers withdrew it and were not contacted on that purpose and channel again', () => {
    expect(log.count('ConsentWithdrawn')).toBeGreaterThan(0)
    expect(log.consent.withdrawals).toBe(log.count('ConsentWithdrawn'))
    expect(log.consent.contactsAfterWithdrawal).toBe(0)
    expect(result.metrics.consent.contactsAfterWithdrawal).toBe(0)
    expect(log.count('TouchpointDone')).toBeGreaterThan(0)
  })

  it('sees customers slip (at risk, lost) over the year and wins some back', () => {
    expect(log.wonBack).toBeGreaterThan(0)
    expect(result.metrics.retention.winBack.part).toBeGreaterThan(0)
    expect(log.count('LifecycleEvaluated')).toBeGreaterThan(0)
    expect(
      (result.metrics.customers.stages['at-risk'] ?? 0) + (result.metrics.customers.stages.lost ?? 0),
    ).toBeGreaterThan(0)
  })

  it('renders every domain and the log', () => {
    const text = renderMetrics(result)
    for (const heading of [
      'Customers and retention',
      'Consent',
      'Referrals',
      'Complaints',
      'Loyalty points',
      'Event log',
    ])
      expect(text).toContain(heading)
    expect(text).toContain('service retention')
    expect(text).toContain('fraud rate')
    expect(text).toContain('first response')
    expect(text).toContain('breakage')
  })
})

describe('a seed decides everything', () => {
  const small = (name: string, seed: number) =>
    runSimulation({ path: join(dir, `${name}.sqlite`), customers: 60, days: 90, seed })

  it('runs twice with one seed to the same figures, log digest and last hash; another seed differs', async () => {
    const first = await small('first', 11)
    const again = await small('again', 11)
    const other = await small('other', 12)
    expect(again.metrics).toEqual(first.metrics)
    expect(again.digest).toBe(first.digest)
    expect(again.lastHash).toBe(first.lastHash)
    expect(again.events).toBe(first.events)
    expect(other.digest).not.toBe(first.digest)
    expect(other.metrics).not.toEqual(first.metrics)
  })
})

describe('bad options', () => {
  it.each([
    [{ customers: 5 }, 'customers'],
    [{ customers: 2.5 }, 'customers'],
    [{ days: 0 }, 'days'],
    [{ seed: -1 }, 'seed'],
    [{ start: '2026-02-30' }, 'start'],
    [{ path: '' }, 'path'],
  ])('%j is refused naming %s, and no file is written', async (bad, option) => {
    const path = join(dir, `bad-${option}.sqlite`)
    const error = await runSimulation({ path, ...bad }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SimulationOptionsError)
    expect(isSimulationOptionsError(error)).toBe(true)
    expect((error as SimulationOptionsError).option).toBe(option)
    expect((error as Error).message).toMatch(new RegExp(`^${option}: `))
    expect(existsSync(path)).toBe(false)
  })
})
