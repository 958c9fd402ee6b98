import {
  attr,
  createInMemoryEventStore,
  type EventStore,
  handleCommand,
  parseTraceparent,
  seededRandom,
} from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type AccountCommand, type AccountEvent, accountDecider, accountRegistry, earned } from './support.js'
import { childrenOf, installTelemetry, parentOf, type Telemetry } from './telemetry-support.js'

const open: AccountCommand = { type: 'Open', accountId: '1', holder: 'Wang' }
const fastRetry = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2, random: seededRandom(1) }

describe('with no SDK registered', () => {
  it('handles commands and stamps no trace context', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    const result = await handleCommand(store, accountDecider, 'account-1', open)()
    expect(result._tag).toBe('Right')
    const [event] = result._tag === 'Right' ? result.right.events : []
    expect(event?.metadata.traceparent).toBeNull()
  })
})

describe('command telemetry', () => {
  let telemetry: Telemetry
  beforeAll(() => {
    telemetry = installTelemetry()
  })
  afterAll(async () => telemetry.uninstall())
  beforeEach(() => telemetry.resetSpans())

  it('traces a command as a span with load, decide and append under it', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    const result = await handleCommand(store, accountDecider, 'account-1', open, { domain: 'accounts' })()
    expect(result._tag).toBe('Right')
    const spans = telemetry.spans()
    const command = spans.find((s) => s.name === 'command Open')
    expect(command).toBeDefined()
    if (command === undefined) return
    expect(parentOf(command)).toBe('')
    expect(childrenOf(spans, command)).toEqual(['load', 'decide', 'append'])
    expect(command.attributes).toMatchObject({
      [attr.domain]: 'accounts',
      [attr.commandType]: 'Open',
      [attr.streamName]: 'account-1',
      [attr.category]: 'account',
      [attr.outcome]: 'appended',
      [attr.version]: 1,
      [attr.attempts]: 1,
      [attr.conflicts]: 0,
      [attr.eventsAppended]: 1,
    })
    const load = spans.find((s) => s.name === 'load')
    expect(load?.attributes).toMatchObject({ [attr.eventsRead]: 0, [attr.loadSource]: 'store' })
    expect(spans.find((s) => s.name === 'decide')?.attributes[attr.decision]).toBe('accepted')
    // The event carries the command span's context: whoever handles it later links to this span.
    const [event] = result._tag === 'Right' ? result.right.events : []
    const carried = parseTraceparent(event?.metadata.traceparent ?? null)
    expect(carried?.traceId).toBe(command.spanContext().traceId)
    expect(carried?.spanId).toBe(command.spanContext().spanId)
  })

  it('records a refusal with the rule code, and no error status', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    await handleCommand(store, accountDecider, 'account-2', open)()
    telemetry.resetSpans()
    const result = await handleCommand(store, accountDecider, 'account-2', open)()
    expect(result._tag).toBe('Left')
    const [command] = telemetry.spans().filter((s) => s.name === 'command Open')
    expect(command?.attributes).toMatchObject({
      [attr.outcome]: 'refused',
      [attr.errorCode]: 'AlreadyOpen',
      [attr.domain]: 'account',
    })
    expect(command?.status.code).toBe(0)
    expect(telemetry.spans().find((s) => s.name === 'decide')?.attributes[attr.decision]).toBe('refused')
  })

  it('counts the conflicts a command was retried after', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    await handleCommand(store, accountDecider, 'account-3', open)()
    // Someone else appends to the stream before the first append: a real conflict in the store.
    let interlopers = 1
    const contended: EventStore<AccountEvent> = {
      ...store,
      appendToStream: async (stream, events, options) => {
        if (interlopers-- > 0) await store.appendToStream(stream, [earned(1, 'interloper')])
        return store.appendToStream(stream, events, options)
      },
    }
    telemetry.resetSpans()
    const earn: AccountCommand = { type: 'Earn', points: 5, reason: 'service' }
    const result = await handleCommand(contended, accountDecider, 'account-3', earn, { retry: fastRetry })()
    expect(result._tag).toBe('Right')
    const command = telemetry.spans().find((s) => s.name === 'command Earn')
    expect(command?.attributes).toMatchObject({
      [attr.outcome]: 'appended',
      [attr.attempts]: 2,
      [attr.conflicts]: 1,
      [attr.version]: 3,
    })
    expect(command?.events.map((e) => e.name)).toEqual(['conflict'])
  })

  it('counts commands by outcome, their duration, append sizes and events by type', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    await handleCommand(store, accountDecider, 'account-4', open, { domain: 'metrics-test' })()
    await handleCommand(store, accountDecider, 'account-4', open, { domain: 'metrics-test' })()
    const commands = (await telemetry.points('dealer_crm.commands')).filter(
      (p) => p.attributes[attr.domain] === 'metrics-test',
    )
    expect(commands.map((p) => [p.attributes[attr.outcome], p.attributes[attr.errorCode], p.value])).toEqual([
      ['appended', undefined, 1],
      ['refused', 'AlreadyOpen', 1],
    ])
    const durations = (await telemetry.points('dealer_crm.command.duration')).filter(
      (p) => p.attributes[attr.domain] === 'metrics-test',
    )
    expect(durations.map((p) => (p.value as { count: number }).count)).toEqual([1, 1])
    const opened = (await telemetry.points('dealer_crm.events.appended')).find(
      (p) => p.attributes[attr.eventType] === 'AccountOpened',
    )
    expect(opened?.value).toBeGreaterThanOrEqual(1)
    const sizes = await telemetry.points('dealer_crm.append.batch_size')
    expect((sizes[0]?.value as { count: number } | undefined)?.count).toBeGreaterThanOrEqual(1)
  })
})
