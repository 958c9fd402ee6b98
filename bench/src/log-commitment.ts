/**
 * What the signed log commitment costs (docs/audit.md, ADR 0012), on SQLite and PostgreSQL:
 * - building it: events per second of a log checkpointer signing a head over a whole log of
 *   `--events` events from scratch, against merely reading that log with `readAll` (the floor) and
 *   against a full `verify` (every stream's chain and the commitment);
 * - what it takes from appends: `--writers` concurrent writers appending one event each to their
 *   own streams, alone, with a plain catch-up reader following the log (what any projection costs),
 *   and with a checkpointer following it (`start()`), in turns whose order rotates.
 * Each figure is the best of `--rounds` rounds after a warm-up.
 *
 *   pnpm --filter @dealer-crm/bench log-commitment [--events 100000] [--writers 16] [--appends 4000] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createLogCheckpointer,
  type EventLog,
  emptyLogHead,
  extendLogHead,
  generateAuditKeys,
  inMemoryCheckpointStore,
  type PendingEvent,
  readWholeLog,
  tailLog,
  verify,
} from '@dealer-crm/eventsourcing'
import { createPostgresEventLog } from '@dealer-crm/store-postgres'
import { openSqliteEventLog } from '@dealer-crm/store-sqlite'
import pg from 'pg'
import { rate } from './measure.js'
import { EVENT_TYPE, visit } from './workload.js'

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    writers: { type: 'string', default: '16' },
    appends: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
  },
})
const positive = (name: keyof typeof args): number => {
  const value = Number(args[name])
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, not ${JSON.stringify(args[name])}`)
  return value
}
const events = positive('events')
const writers = positive('writers')
const appends = positive('appends')
const rounds = positive('rounds')
const pgUrl = process.env.DEALER_CRM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const keys = generateAuditKeys()

let n = 0
const pending = (): PendingEvent => ({
  eventId: `01930000-0000-7000-8000-${(n++).toString(16).padStart(12, '0')}`,
  recordedAt: new Date().toISOString(),
  type: EVENT_TYPE,
  schemaVersion: 1,
  data: visit(n),
  correlationId: null,
  causationId: null,
  commandId: null,
  actor: { id: 'u-1', role: 'service-advisor' },
  traceparent: null,
})

const fill = async (log: EventLog) => {
  for (let from = 0; from < events; from += 100)
    await log.append(
      `visits-${from / 100}`,
      Array.from({ length: Math.min(100, events - from) }, pending),
      'no_stream',
    )
}

/** Building the commitment against reading and verifying the same log, in turns whose order rotates. */
const build = async (log: EventLog) => {
  const ways = {
    read: async () => {
      for await (const _ of readWholeLog(log));
    },
    chain: async () => {
      let head = emptyLogHead
      for await (const e of readWholeLog(log)) head = extendLogHead(head, e)
    },
    checkpointer: async () => {
      const checkpoints = inMemoryCheckpointStore()
      const head = await createLogCheckpointer({ log, checkpoints, privateKey: keys.privateKey }).checkpoint()
      if (head.count !== events) throw new Error(`the head covers ${head.count} events, not ${events}`)
    },
    verified: async () => {
      if (!(await verify(log)).ok) throw new Error('the bench log does not verify')
    },
  }
  const names = ['read', 'chain', 'checkpointer', 'verified'] as const
  const best = { read: 0, chain: 0, checkpointer: 0, verified: 0 }
  for (const name of names) await ways[name]() // warm-up
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length] as (typeof names)[number]
      best[name] = Math.max(best[name], await rate(events, ways[name]))
    }
  return best
}

let streams = 0
const concurrentAppends = (log: EventLog) =>
  rate(appends, async () => {
    const each = Math.ceil(appends / writers)
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < each; i++) await log.append(`writer-${streams++}`, [pending()], 'no_stream')
      }),
    )
  })

/** Starts following a log from a position; resolves to its stop. */
type Follower = (log: EventLog, from: bigint) => Promise<() => Promise<void>>

const followers: Readonly<Record<'none' | 'reader' | 'checkpointer', Follower>> = {
  none: async () => async () => undefined,
  /** Any catch-up reader of the log (a projection) costs the appends this much. */
  reader: async (log, from) => {
    const subscription = tailLog(
      log,
      { from, batchSize: 1000, categories: null, types: null },
      () => undefined,
    )
    return () => subscription.close()
  },
  checkpointer: async (log) => {
    const checkpointer = createLogCheckpointer({
      log,
      checkpoints: inMemoryCheckpointStore(),
      privateKey: keys.privateKey,
    })
    await checkpointer.checkpoint() // caught up: from here it follows only the new appends
    const repeater = checkpointer.start()
    return () => repeater.close()
  },
}

/** Concurrent appends per second while `follower`, started caught up, follows the log. */
const alongside = async (log: EventLog, follower: Follower) => {
  let last = 0n
  for await (const e of readWholeLog(log, 10_000)) last = e.globalPosition
  const stop = await follower(log, last + 1n)
  const appended = await concurrentAppends(log)
  await stop()
  return appended
}

/** Appends per second alone, with a plain reader, and with a checkpointer following, in rotating order. */
const following = async (log: EventLog) => {
  const best = { none: 0, reader: 0, checkpointer: 0 }
  const names = ['none', 'reader', 'checkpointer'] as const
  await concurrentAppends(log) // warm-up
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length] as (typeof names)[number]
      best[name] = Math.max(best[name], await alongside(log, followers[name]))
    }
  return best
}

const thousands = (n: number) => n.toLocaleString('en')
const row = (store: string, b: Awaited<ReturnType<typeof build>>, c: Awaited<ReturnType<typeof following>>) =>
  `| ${store} | ${thousands(b.read)} | ${thousands(b.chain)} | ${thousands(b.checkpointer)} | ${thousands(b.verified)} | ` +
  `${thousands(c.none)} | ${thousands(c.reader)} (${Math.round((100 * c.reader) / c.none)}%) | ` +
  `${thousands(c.checkpointer)} (${Math.round((100 * c.checkpointer) / c.none)}%) |`

const main = async () => {
  const lines: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'dealer-crm-commitment-'))
  const sqlite = openSqliteEventLog({ path: join(dir, 'events.db') })
  try {
    await fill(sqlite)
    lines.push(row('dealer-crm SQLite', await build(sqlite), await following(sqlite)))
  } finally {
    await sqlite.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const admin = new pg.Pool({ connectionString: pgUrl, max: 1 })
  const schema = 'bench_log_commitment'
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    const postgres = await createPostgresEventLog({ connectionString: pgUrl, schema })
    try {
      await fill(postgres)
      lines.push(row('dealer-crm PostgreSQL', await build(postgres), await following(postgres)))
    } finally {
      await postgres.close()
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.end()
  }
  process.stdout.write(
    `${events.toLocaleString('en')} events; ${writers} writers × ${appends.toLocaleString('en')} single-event appends; best of ${rounds} rounds\n\n` +
      '| store | readAll only (events/s) | commitment chain only (events/s) | checkpointer, whole log (events/s) | verify, whole log (events/s) | appends alone (events/s) | appends, a plain reader following (events/s) | appends, checkpointer following (events/s) |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      `${lines.join('\n')}\n`,
  )
}

await main()
