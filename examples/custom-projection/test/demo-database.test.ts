// main.ts over a simulated dealership: catch-up with a durable checkpoint, and as of a date.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DealershipEvent, dealershipRegistry } from '@dealer-crm/dealership'
import type { RecordedEvent } from '@dealer-crm/eventsourcing'
import { runSimulation } from '@dealer-crm/simulation'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Report, type RunResult, run } from '../src/main.js'
import { type CostRow, costRows } from '../src/reward-cost.js'

const dir = mkdtempSync(join(tmpdir(), 'custom-projection-'))
const path = join(dir, 'demo.sqlite')

const runMain = async (args: ReadonlyArray<string>) => {
  const lines: string[] = []
  const errors: string[] = []
  const result = await run(args, { print: (l) => lines.push(l), error: (l) => errors.push(l) })
  return { result, lines, errors }
}

const report = (result: RunResult): Report => {
  if (result.code !== 0) throw new Error(`main exited with ${result.code}`)
  return result
}

const allEvents = async (): Promise<ReadonlyArray<RecordedEvent<DealershipEvent>>> => {
  const store = createSqliteEventStore({ path, registry: dealershipRegistry })
  const events: RecordedEvent<DealershipEvent>[] = []
  for await (const e of store.readAll()) events.push(e)
  await store.close()
  return events
}

/**
 * The report written again from scratch, without the projection: the consultant of each referral,
 * then every release in its month, then each claw-back off its release's month.
 */
const independentRows = (events: ReadonlyArray<RecordedEvent<DealershipEvent>>, until: Date) => {
  const known = events.filter((e) => e.metadata.committedAt.getTime() <= until.getTime())
  const consultant = new Map<string, string>()
  const releaseMonth = new Map<string, string>()
  const rows = new Map<
    string,
    { released: number; clawedBack: number; fen: Record<string, number>; points: number }
  >()
  const row = (month: string, referralId: string) => {
    const key = `${month} ${consultant.get(referralId) ?? '(unknown)'}`
    const r = rows.get(key) ?? {
      released: 0,
      clawedBack: 0,
      fen: { gift: 0, 'cash-back': 0, 'purchase-voucher': 0 },
      points: 0,
    }
    rows.set(key, r)
    return r
  }
  const chinaMonth = (at: string) =>
    new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 7)
  for (const e of known) {
    if (e.type === 'ReferralRegistered') consultant.set(e.data.referralId, e.data.reportedBy.id)
    if (e.type === 'RewardReleased') {
      const month = chinaMonth(e.data.at)
      releaseMonth.set(e.data.referralId, month)
      const r = row(month, e.data.referralId)
      r.released += 1
      if (e.data.reward.kind === 'loyalty-points') r.points += e.data.reward.points
      else r.fen[e.data.reward.kind] = (r.fen[e.data.reward.kind] ?? 0) + e.data.reward.valueFen
    }
    if (e.type === 'RewardClawedBack') {
      const r = row(releaseMonth.get(e.data.referralId) ?? chinaMonth(e.data.at), e.data.referralId)
      r.clawedBack += 1
      if (e.data.reward.kind === 'loyalty-points') r.points -= e.data.reward.points
      else r.fen[e.data.reward.kind] = (r.fen[e.data.reward.kind] ?? 0) - e.data.reward.valueFen
    }
  }
  return [...rows]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, r]) => {
      const [month = '', consultantId = ''] = key.split(' ')
      return { month, consultantId, ...r }
    })
}

const totalReleased = (rows: ReadonlyArray<CostRow>) => rows.reduce((n, r) => n + r.released, 0)

beforeAll(async () => {
  await runSimulation({ path, customers: 100, seed: 3 })
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('main over the demo database', () => {
  it('says to run the demo first, and exits 1, when there is no database', async () => {
    const missing = join(dir, 'missing.sqlite')
    const { result, errors } = await runMain([missing])
    expect(result.code).toBe(1)
    expect(errors.join('\n')).toContain('run `pnpm demo` first')
    expect(existsSync(missing)).toBe(false)
  })

  it('refuses an --as-of that is not a date, with exit 2', async () => {
    const { result, errors } = await runMain([path, '--as-of', 'mid-June'])
    expect(result.code).toBe(2)
    expect(errors.join('\n')).toContain('--as-of')
  })

  it('catches up from the start, and a second run goes on from the checkpoint with the same table', async () => {
    const first = await runMain([path])
    const one = report(first.result)
    expect(one.from).toBe(0n)
    expect(first.lines[0]).toMatch(/from the start: [1-9]\d* new referral events applied/)
    // A simulated year pays rewards: the table is not empty.
    expect(totalReleased(costRows(one.current))).toBeGreaterThan(0)

    const second = await runMain([path])
    const two = report(second.result)
    expect(two.from).toBe(one.to)
    expect(two.to).toBe(one.to)
    expect(second.lines[0]).toMatch(
      /Resumed from the checkpoint at position \d+: 0 new referral events applied/,
    )
    expect(two.current).toEqual(one.current)
    expect(second.lines.slice(1)).toEqual(first.lines.slice(1))
  })

  it('as of the middle of the data, equals an independent fold of the events committed until then', async () => {
    const { result, lines } = await runMain([path])
    const { asOf, past, current } = report(result)
    const events = await allEvents()
    const times = events
      .filter((e) => ['ReferralRegistered', 'RewardReleased', 'RewardClawedBack'].includes(e.type))
      .map((e) => e.metadata.recordedAt.getTime())
    expect(asOf.getTime()).toBeGreaterThan(Math.min(...times))
    expect(asOf.getTime()).toBeLessThan(Math.max(...times))
    expect(costRows(past)).toEqual(independentRows(events, asOf))
    expect(costRows(current)).toEqual(independentRows(events, new Date(8.64e15)))
    expect(lines.join('\n')).toMatch(/as the store knew it on \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\+8\)/)
  })

  it('as of a date given with --as-of: the end of that day in China time', async () => {
    const events = await allEvents()
    const released = events.find((e) => e.type === 'RewardReleased')
    if (released === undefined) throw new Error('the simulation released no reward')
    const day = new Date(released.metadata.recordedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
    const { asOf, past } = report((await runMain([path, '--as-of', day])).result)
    expect(asOf.toISOString()).toBe(new Date(`${day}T23:59:59.999+08:00`).toISOString())
    expect(totalReleased(costRows(past))).toBeGreaterThanOrEqual(1)
    expect(costRows(past)).toEqual(independentRows(events, asOf))

    // The day before, no reward had been released yet.
    const dayBefore = new Date(Date.parse(`${day}T00:00:00+08:00`) - 1).toISOString()
    const before = report((await runMain([path, '--as-of', dayBefore])).result)
    expect(costRows(before.past)).toEqual([])
  })
})
