import { mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { createDealership, dealershipRegistry } from '@dealer-crm/dealership'
import { deterministicIds, manualClock, rebuildProjection, seededRandom } from '@dealer-crm/eventsourcing'
import { createSqliteEventStore, createSqliteReadModelStore } from '@dealer-crm/store-sqlite'
import { createAgenda } from './agenda.js'
import { consentAuditProjection } from './consent-audit.js'
import { simulateDay } from './day.js'
import { summariseLog } from './log-summary.js'
import { computeMetrics, type DemoMetrics } from './metrics.js'
import { resolveOptions, type SimulationOptions } from './options.js'
import { referredProspect } from './referrals.js'
import { planNewProspects, planOpeningBook } from './sales.js'
import { chinaDay, chinaMidnight, DAY, HOUR, iso } from './time.js'
import { createViews } from './views.js'
import { createWorld, moveTo, type Sim } from './world.js'

export interface SimulationResult {
  readonly path: string
  readonly events: number
  readonly streams: number
  /** The hash of the last event in the log (see `digest` for a fingerprint of the whole log). */
  readonly lastHash: string
  /** SHA-256 over every event as read back: equal for two runs of one seed. */
  readonly digest: string
  /** Commands the domains refused, by code (the simulator asks for some things the rules forbid). */
  readonly refusals: Readonly<Record<string, number>>
  readonly metrics: DemoMetrics
}

/** Share of the customers who are owners in the opening book; the rest arrive during the period. */
const openingShare = 0.6
/** How far back the opening book's deliveries go (about 30 months). */
const historyDays = 930

// Separate streams of randomness, so that what the simulated people do does not shift event ids.
const idsSeed = (seed: number) => (seed ^ 0x1d5eed) >>> 0
const facadeSeed = (seed: number) => (seed ^ 0xfacade) >>> 0

const removeDatabase = (path: string) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true })
}

/**
 * A year of a dealership, from a seed, through the `createDealership` facade on the embedded SQLite
 * store: time from a manual clock stepped through the days, randomness from `seededRandom(seed)`,
 * event ids from `deterministicIds`, so a seed always writes the same log.
 */
export const runSimulation = async (options: SimulationOptions): Promise<SimulationResult> => {
  const o = resolveOptions(options)
  removeDatabase(o.path)
  mkdirSync(dirname(o.path), { recursive: true })
  const start = chinaMidnight(o.start)
  const end = start + o.days * DAY
  const historyStart = start - historyDays * DAY
  const clock = manualClock(new Date(historyStart))
  const store = createSqliteEventStore({
    path: o.path,
    registry: dealershipRegistry,
    clock,
    ids: deterministicIds(clock, seededRandom(idsSeed(o.seed))),
    // A simulation can be run again: no fsync per append (a power cut loses only the last appends).
    synchronous: 'NORMAL',
  })
  const dealership = createDealership({
    store,
    clock,
    random: seededRandom(facadeSeed(o.seed)),
    checkpoints: store.checkpoints,
    // The year's customer 360, SLA board, ledgers and work lists, kept in the file for the CLI,
    // the report and other readers (ADR 0017).
    readModels: createSqliteReadModelStore(store.sqliteLog),
  })
  const sim: Sim = {
    dealership,
    views: createViews(dealership),
    clock,
    random: seededRandom(o.seed),
    agenda: createAgenda(clock),
    world: createWorld(),
    start,
    end,
    scale: o.customers / 2000,
    refusals: {},
  }
  try {
    const owners = Math.round(o.customers * openingShare)
    planOpeningBook(sim, owners)
    planNewProspects(sim, o.customers - owners, referredProspect)

    // The opening book, a week at a time; the process managers open the members' cards each week.
    for (let midnight = historyStart; midnight < start; midnight += 7 * DAY) {
      const weekEnd = Math.min(start, midnight + 7 * DAY)
      if ((await sim.agenda.runUntil(weekEnd)) === 0) continue
      moveTo(sim, weekEnd - HOUR)
      await dealership.runProcessManagers()
    }

    for (let day = 0; day < o.days; day++) {
      await simulateDay(sim, day, o.days)
      o.onProgress(day + 1, o.days)
    }

    await dealership.catchUpReadModels()
    const log = await summariseLog(store)
    const consent = await rebuildProjection(store, consentAuditProjection)
    const metrics = await computeMetrics({
      dealership,
      from: o.start,
      to: chinaDay(end - 1),
      asOf: iso(end),
      days: o.days,
      consent,
      log,
    })
    return {
      path: o.path,
      events: log.events,
      streams: log.streams,
      lastHash: log.lastHash,
      digest: log.digest,
      refusals: Object.fromEntries(Object.entries(sim.refusals).sort(([a], [b]) => a.localeCompare(b))),
      metrics,
    }
  } finally {
    await dealership.close()
  }
}
