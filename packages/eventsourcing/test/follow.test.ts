import {
  backoffDelay,
  type CommandContext,
  createCatchUpRunner,
  createEventStore,
  createInMemoryEventLog,
  createProcessManagerRunner,
  type EventLog,
  eventRegistry,
  eventType,
  handle,
  inMemoryCheckpointStore,
  inMemoryKeyVault,
  isTransient,
  type KeyVault,
  type LogFields,
  type Logger,
  type ProcessManager,
  personal,
  type RecordedEvent,
  type RetryPolicy,
  StoreError,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  type AccountCommand,
  type AccountEvent,
  accountDecider,
  accountRegistry,
  collect,
  earned,
  opened,
} from './support.js'

/** Fast retries for tests: the first waits 1-2 ms. */
const quick: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  baseDelayMs: 2,
  maxDelayMs: 8,
  random: seededRandom(1),
}

const lost = (where: string) =>
  new StoreError(`${where}: the connection was lost`, { cause: new Error('ECONNRESET'), transient: true })

/**
 * The in-memory log, but the reads of `readAll` fail as planned: each entry of `plan` makes one
 * read throw `error` after handing over `after` events. Reads beyond the plan succeed.
 */
const flakyReads = (log: EventLog, plan: Array<{ after: number; error: unknown }>) => {
  let reads = 0
  const flaky: EventLog = {
    ...log,
    readAll: async function* (filter) {
      const fault = plan[reads++]
      let handed = 0
      for await (const event of log.readAll(filter)) {
        if (fault !== undefined && handed === fault.after) throw fault.error
        yield event
        handed++
      }
      if (fault !== undefined) throw fault.error
    },
  }
  return { flaky, reads: () => reads }
}

/** A logger that keeps what it is told. */
const recording = () => {
  const entries: Array<{ level: 'warn' | 'error'; message: string; fields: LogFields }> = []
  const logger: Logger = {
    warn: (message, fields) => entries.push({ level: 'warn', message, fields }),
    error: (message, fields) => entries.push({ level: 'error', message, fields }),
  }
  return { logger, entries }
}

/** Wait for `condition`, failing at once if the follower stops meanwhile. */
const until = async (condition: () => boolean | Promise<boolean>, done: Promise<void>) => {
  let failure: { error: unknown } | null = null
  done.then(
    () => (failure ??= { error: new Error('the follower ended') }),
    (error: unknown) => (failure ??= { error }),
  )
  while (!(await condition())) {
    if (failure !== null) throw (failure as { error: unknown }).error
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

const accounts = (log: EventLog) =>
  createEventStore<AccountEvent, unknown>(log, { registry: accountRegistry })

describe('backoff and transient failures (one policy for every follower)', () => {
  it('the delay doubles per attempt up to the cap, jittered between half and all of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 80 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (base, max, attempt, r) => {
          const policy = {
            maxAttempts: 5,
            baseDelayMs: base,
            maxDelayMs: max,
            random: { ...seededRandom(0), next: () => r },
          }
          const capped = Math.min(max, base * 2 ** (attempt - 1))
          const delay = backoffDelay(policy, attempt)
          return delay >= capped / 2 && delay <= capped
        },
      ),
    )
  })

  it('a failure is transient when flagged, or caused by a flagged one; anything else is permanent', () => {
    expect(isTransient(lost('read'))).toBe(true)
    expect(isTransient(new StoreError('wrapped', { cause: lost('read') }))).toBe(true)
    expect(isTransient(new Error('handler', { cause: new Error('deeper', { cause: lost('read') }) }))).toBe(
      true,
    )
    expect(isTransient(new StoreError('the store is closed'))).toBe(false)
    expect(isTransient(new TypeError('x is undefined'))).toBe(false)
    expect(isTransient({ code: 'ECONNRESET' })).toBe(false) // a store says what is transient, by the flag
    expect(isTransient(null)).toBe(false)
    expect(isTransient('transient')).toBe(false)
  })
})

describe('a subscription after transient read failures', () => {
  it('resumes after the last event handled: every event once, in order, live afterwards', async () => {
    const log = createInMemoryEventLog()
    const store = accounts(log)
    for (let i = 0; i < 5; i++) await store.appendToStream(`account-${i}`, [opened(String(i)), earned(i + 1)])
    // Fail before the first event, after 3, after 4 more, then after 1.
    const { flaky, reads } = flakyReads(log, [
      { after: 0, error: lost('read 1') },
      { after: 3, error: lost('read 2') },
      { after: 4, error: lost('read 3') },
      { after: 1, error: lost('read 4') },
    ])
    const { logger, entries } = recording()
    const seen: RecordedEvent<AccountEvent>[] = []
    const sub = accounts(flaky).subscribe(
      (e) => {
        seen.push(e)
      },
      { retry: quick, logger, name: 'sub-test' },
    )
    await until(() => seen.length === 10, sub.done)
    await store.appendToStream('account-9', [opened('9')])
    await until(() => seen.length === 11, sub.done)
    expect(seen.map((e) => e.metadata.globalPosition)).toEqual(
      Array.from({ length: 11 }, (_, i) => BigInt(i + 1)),
    )
    expect(reads()).toBeGreaterThanOrEqual(5)
    expect(entries.map((e) => [e.level, e.fields.follower, e.fields.attempt])).toEqual([
      ['warn', 'sub-test', 1],
      ['warn', 'sub-test', 1], // progress in between resets the count
      ['warn', 'sub-test', 1],
      ['warn', 'sub-test', 1],
    ])
    expect(entries[0]?.fields.error).toMatchObject({ transient: true })
    await sub.close()
    await expect(sub.done).resolves.toBeUndefined()
  })

  it('a permanent read failure stops it with that error, reported once, without retrying', async () => {
    const log = createInMemoryEventLog()
    const store = accounts(log)
    await store.appendToStream('account-1', [opened('1'), earned(5)])
    const corrupt = new StoreError('row 2 cannot be read')
    const { flaky, reads } = flakyReads(log, [{ after: 1, error: corrupt }])
    const { logger, entries } = recording()
    const seen: bigint[] = []
    const sub = accounts(flaky).subscribe(
      (e) => {
        seen.push(e.metadata.globalPosition)
      },
      { retry: quick, logger },
    )
    await expect(sub.done).rejects.toBe(corrupt)
    expect(seen).toEqual([1n])
    expect(reads()).toBe(1)
    expect(entries.map((e) => [e.level, e.fields.error])).toEqual([['error', corrupt]])
  })

  it('gives up after maxAttempts transient failures in a row', async () => {
    const log = createInMemoryEventLog()
    await accounts(log).appendToStream('account-1', [opened('1')])
    const failures = Array.from({ length: 10 }, (_, i) => ({ after: 0, error: lost(`read ${i}`) }))
    const { flaky, reads } = flakyReads(log, failures)
    const { logger, entries } = recording()
    const sub = accounts(flaky).subscribe(() => undefined, { retry: { ...quick, maxAttempts: 3 }, logger })
    await expect(sub.done).rejects.toBe(failures[2]!.error)
    expect(reads()).toBe(3)
    expect(entries.map((e) => e.level)).toEqual(['warn', 'warn', 'error'])
  })

  it('close() during a backoff ends it at once', async () => {
    const log = createInMemoryEventLog()
    await accounts(log).appendToStream('account-1', [opened('1')])
    const { flaky } = flakyReads(log, [{ after: 0, error: lost('read') }])
    const { logger, entries } = recording()
    const hour = { maxAttempts: 5, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 }
    const sub = accounts(flaky).subscribe(() => undefined, { retry: hour, logger })
    await until(() => entries.length === 1, sub.done)
    await sub.close() // would wait for the hour if the backoff ignored close
    await expect(sub.done).resolves.toBeUndefined()
  })

  it("a handler's own error stops it, the handler having seen the event once", async () => {
    const log = createInMemoryEventLog()
    await accounts(log).appendToStream('account-1', [opened('1'), earned(5)])
    const bug = new TypeError('cannot read properties of undefined')
    const calls: bigint[] = []
    const sub = accounts(log).subscribe(
      (e) => {
        calls.push(e.metadata.globalPosition)
        if (e.metadata.globalPosition === 2n) throw bug
      },
      { retry: quick },
    )
    await expect(sub.done).rejects.toBe(bug)
    expect(calls).toEqual([1n, 2n])
  })
})

/** Every newly opened account earns a welcome bonus. */
const welcome: ProcessManager<AccountEvent, { stream: string; command: AccountCommand }> = {
  name: 'welcome',
  handles: ['AccountOpened'],
  react: (e) => [{ stream: e.metadata.streamName, command: { type: 'Earn', points: 50, reason: 'welcome' } }],
}

describe('runners after transient failures', () => {
  it('a live process manager whose dispatch and checkpoint saves fail transiently acts once per event', async () => {
    const log = createInMemoryEventLog()
    const store = accounts(log)
    const saves = inMemoryCheckpointStore()
    let failSaves = 0
    const checkpoints = {
      ...saves,
      save: async (name: string, checkpoint: Parameters<typeof saves.save>[1]) => {
        if (failSaves > 0 && failSaves-- > 0) throw lost('checkpoint save')
        await saves.save(name, checkpoint)
      },
    }
    let failDispatches = 0
    const dispatched: CommandContext[] = []
    const runner = createProcessManagerRunner({
      store,
      processManager: welcome,
      checkpoints,
      retry: quick,
      dispatch: async (send, context) => {
        dispatched.push(context)
        // The command's append goes through, then its acknowledgement is lost.
        await handle(store, accountDecider, send.stream, send.command, context)
        if (failDispatches > 0 && failDispatches-- > 0) throw lost('dispatch')
      },
    })
    const live = await runner.start()
    failDispatches = 2
    await store.appendToStream('account-1', [opened('1')])
    failSaves = 2
    await store.appendToStream('account-2', [opened('2')])
    const last = (await store.appendToStream('account-3', [opened('3')])).globalPositions[0]!
    await until(async () => (await saves.load('process:welcome'))?.position === last + 1n, live.done)
    await live.close()
    // Redelivered events dispatched the same command ids, which the handler did not repeat.
    expect(new Set(dispatched.map((c) => c.commandId)).size).toBe(3)
    expect(dispatched.length).toBe(3 + 2 + 2)
    for (const id of ['1', '2', '3']) {
      const events = await collect(store.readStream(`account-${id}`))
      expect(events.map((e) => e.type)).toEqual(['AccountOpened', 'PointsEarned'])
    }
  })

  it('a live catch-up runner whose checkpoint saves fail transiently folds each event once', async () => {
    const log = createInMemoryEventLog()
    const store = accounts(log)
    const saves = inMemoryCheckpointStore()
    let failSaves = 3
    const runner = createCatchUpRunner({
      store,
      projection: {
        name: 'movements',
        version: 1,
        handles: ['AccountOpened', 'PointsEarned'],
        init: () => 0,
        apply: (n) => n + 1,
      },
      checkpoints: {
        ...saves,
        save: async (name, checkpoint) => {
          if (failSaves-- > 0) throw lost('checkpoint save')
          await saves.save(name, checkpoint)
        },
      },
      checkpointEvery: 1,
      retry: quick,
    })
    const live = await runner.start()
    for (let i = 0; i < 4; i++) await store.appendToStream(`account-${i}`, [opened(String(i)), earned(3)])
    await until(() => runner.position() === 9n, live.done)
    await live.close()
    expect(runner.state()).toBe(8)
    expect((await saves.load('movements@v1'))?.position).toBe(9n)
  })

  it('a key vault that cannot be reached is retried, not parked as a bad event', async () => {
    const Profiled = eventType('Profiled', t.type({ subjectId: t.string, name: personal(t.string) }), {
      subject: (d) => d.subjectId,
    })
    const registry = eventRegistry([Profiled])
    const vault = inMemoryKeyVault()
    let unreachable = 2
    const flakyVault: KeyVault = {
      ...vault,
      existingKey: async (subject) => {
        if (unreachable-- > 0) throw lost('key vault')
        return vault.existingKey(subject)
      },
    }
    const log = createInMemoryEventLog()
    await createEventStore(log, { registry, keyVault: vault }).appendToStream('profile-1', [
      Profiled.make({ subjectId: 'p1', name: '张三' }),
    ])
    const parked: unknown[] = []
    const names: string[] = []
    const runner = createCatchUpRunner({
      store: createEventStore(log, { registry, keyVault: flakyVault }),
      projection: {
        name: 'names',
        version: 1,
        handles: ['Profiled'],
        init: () => null,
        apply: (s, e) => {
          names.push(String(e.data.name))
          return s
        },
      },
      onBadEvent: (_stored, error) => {
        parked.push(error)
      },
      retry: quick,
    })
    const live = await runner.start()
    await until(() => names.length + parked.length > 0, live.done)
    await live.close()
    expect(names).toEqual(['张三'])
    expect(parked).toEqual([])
  })
})
