import {
  attr,
  type CommandContext,
  createCatchUpRunner,
  createInMemoryEventStore,
  createProcessManagerRunner,
  fixedClock,
  handle,
  handleCommand,
  inMemoryCheckpointStore,
  type LogFields,
  type Logger,
  type ProcessManager,
  type Projection,
} from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type AccountCommand,
  type AccountEvent,
  accountDecider,
  accountRegistry,
  earned,
  pointsOf,
} from './support.js'
import { installTelemetry, parentOf, type Telemetry } from './telemetry-support.js'

type Send = { readonly stream: string; readonly command: AccountCommand }
const welcome: ProcessManager<AccountEvent, Send> = {
  name: 'welcome',
  handles: ['AccountOpened'],
  react: (e) => [{ stream: e.metadata.streamName, command: { type: 'Earn', points: 50, reason: 'welcome' } }],
}
const total: Projection<number, AccountEvent> = {
  name: 'total',
  version: 1,
  handles: ['PointsEarned', 'PointsRedeemed'],
  init: () => 0,
  apply: (sum, e) => sum + pointsOf(e),
}
const open: AccountCommand = { type: 'Open', accountId: '1', holder: 'Wang' }

describe('follower telemetry', () => {
  let telemetry: Telemetry
  beforeAll(() => {
    telemetry = installTelemetry()
  })
  afterAll(async () => telemetry.uninstall())
  beforeEach(() => telemetry.resetSpans())

  it("continues the writer's trace: the reaction's span is a child of the command that wrote the event, its commands children of the reaction", async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    await handleCommand(store, accountDecider, 'account-1', open)()
    const runner = createProcessManagerRunner({
      store,
      processManager: welcome,
      checkpoints: inMemoryCheckpointStore(),
      dispatch: async (send: Send, context: CommandContext) => {
        await handle(store, accountDecider, send.stream, send.command, context)
      },
    })
    await runner.catchUp()
    const spans = telemetry.spans()
    const opening = spans.find((s) => s.name === 'command Open')
    const reaction = spans.find((s) => s.name === 'react welcome')
    const earning = spans.find((s) => s.name === 'command Earn')
    expect(opening && reaction && earning).toBeTruthy()
    if (!opening || !reaction || !earning) return
    expect(reaction.spanContext().traceId).toBe(opening.spanContext().traceId)
    expect(parentOf(reaction)).toBe(opening.spanContext().spanId)
    expect(parentOf(earning)).toBe(reaction.spanContext().spanId)
    expect(reaction.attributes).toMatchObject({
      [attr.processManager]: 'welcome',
      [attr.eventType]: 'AccountOpened',
      [attr.streamName]: 'account-1',
    })
  })

  it('traces a projection batch as a span linked to the commands that wrote its events', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    await handleCommand(store, accountDecider, 'account-2', open)()
    await handleCommand(store, accountDecider, 'account-2', { type: 'Earn', points: 5, reason: 'a' })()
    await handleCommand(store, accountDecider, 'account-2', { type: 'Earn', points: 7, reason: 'b' })()
    const runner = createCatchUpRunner({ store, projection: total })
    await runner.catchUp()
    expect(runner.state()).toBe(12)
    const spans = telemetry.spans()
    const earns = spans.filter((s) => s.name === 'command Earn').map((s) => s.spanContext().spanId)
    const [batch, ...more] = spans.filter((s) => s.name === 'project total@v1')
    expect(more).toEqual([])
    expect(batch).toBeDefined()
    if (batch === undefined) return
    expect(parentOf(batch)).toBe('')
    expect(batch?.attributes).toMatchObject({ [attr.eventCount]: 2, [attr.follower]: 'total@v1' })
    expect(batch?.links.map((l) => l.context.spanId).sort()).toEqual([...earns].sort())
  })

  it('observes the lag of a projection that falls behind, and none once it has caught up', async () => {
    // The store's clock an hour behind: the events it commits are an hour old when the lag is observed.
    const store = createInMemoryEventStore({
      registry: accountRegistry,
      clock: fixedClock(new Date(Date.now() - 3_600_000)),
    })
    await store.appendToStream('account-3', [earned(1)])
    const runner = createCatchUpRunner({ store, projection: total, name: 'lagging' })
    await runner.catchUp()
    const lagOf = async () => {
      const events = (await telemetry.points('dealer_crm.projection.lag.events')).find(
        (p) => p.attributes[attr.follower] === 'lagging',
      )
      const seconds = (await telemetry.points('dealer_crm.projection.lag')).find(
        (p) => p.attributes[attr.follower] === 'lagging',
      )
      return { events: events?.value, seconds: seconds?.value as number | undefined }
    }
    expect(await lagOf()).toEqual({ events: 0, seconds: 0 })
    // Behind: three events it handles and one it does not.
    await store.appendToStream('account-3', [earned(2), earned(3)])
    await store.appendToStream('account-4', [
      { type: 'AccountOpened', data: { accountId: '4', holder: 'Li' } },
      earned(4),
    ])
    const behind = await lagOf()
    expect(behind.events).toBe(3)
    expect(behind.seconds).toBeGreaterThanOrEqual(3600)
    await runner.catchUp()
    expect(runner.state()).toBe(10)
    expect(await lagOf()).toEqual({ events: 0, seconds: 0 })
  })

  it('tells the logger of an event it parks instead of stopping', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    await store.log.append(
      'account-5',
      [
        {
          eventId: '00000000-0000-7000-8000-000000000001',
          recordedAt: new Date().toISOString(),
          type: 'PointsEarned',
          schemaVersion: 1,
          data: { points: 'many' },
          correlationId: null,
          causationId: null,
          commandId: null,
          actor: null,
          traceparent: null,
        },
      ],
      'any',
    )
    const warnings: Array<[string, LogFields]> = []
    const logger: Logger = {
      warn: (message, fields) => warnings.push([message, fields]),
      error: () => undefined,
    }
    const parked: bigint[] = []
    const runner = createCatchUpRunner({
      store,
      projection: total,
      name: 'parking',
      logger,
      onBadEvent: (stored) => {
        parked.push(stored.globalPosition)
      },
    })
    await runner.catchUp()
    expect(parked).toEqual([1n])
    expect(warnings).toEqual([
      [
        'parking parked an event it could not read',
        expect.objectContaining({ follower: 'parking', globalPosition: 1n, errorCode: 'EventDecodeError' }),
      ],
    ])
  })
})
