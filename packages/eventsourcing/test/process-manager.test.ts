import {
  type CommandContext,
  commandContext,
  createEventStore,
  createInMemoryEventLog,
  createInMemoryEventStore,
  createProcessManagerRunner,
  deterministicId,
  type EventStore,
  eventRegistry,
  eventType,
  handle,
  inMemoryCheckpointStore,
  type ProcessManager,
  type StoredEvent,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  type AccountCommand,
  type AccountEvent,
  accountDecider,
  accountRegistry,
  collect,
  opened,
  rejection,
  waitFor,
} from './support.js'

/** Every newly opened account earns a welcome bonus, then a birthday voucher. */
type Send = { readonly stream: string; readonly command: AccountCommand }
const welcome: ProcessManager<AccountEvent, Send> = {
  name: 'welcome',
  handles: ['AccountOpened'],
  react: (e) => [
    { stream: e.metadata.streamName, command: { type: 'Earn', points: 50, reason: 'welcome' } },
    { stream: e.metadata.streamName, command: { type: 'Earn', points: 10, reason: 'birthday voucher' } },
  ],
}

const setup = () => {
  const store = createInMemoryEventStore({ registry: accountRegistry })
  const checkpoints = inMemoryCheckpointStore()
  const dispatched: Array<[AccountCommand, CommandContext, string]> = []
  const dispatchTo =
    (target: EventStore<AccountEvent>) =>
    async (send: Send, context: CommandContext): Promise<void> => {
      dispatched.push([send.command, context, send.stream])
      await handle(target, accountDecider, send.stream, send.command, context)
    }
  const open = async (id: string) => {
    await store.appendToStream(`account-${id}`, [opened(id)])
  }
  const runner = () =>
    createProcessManagerRunner({ store, processManager: welcome, checkpoints, dispatch: dispatchTo(store) })
  const balances = async () => {
    const out: Record<string, number> = {}
    for (const id of ['1', '2', '3']) {
      const events = await collect(store.readStream(`account-${id}`))
      if (events.length > 0)
        out[id] = events.reduce(accountDecider.evolve, accountDecider.initialState).balance
    }
    return out
  }
  return { store, checkpoints, dispatched, open, runner, balances, dispatchTo }
}

describe('commandContext', () => {
  it('derives the command id from the process, the triggering event and the index', async () => {
    const store = createInMemoryEventStore({ registry: accountRegistry })
    const { events } = await store.appendToStream('account-1', [opened('1')], {
      metadata: { correlationId: 'corr-1' },
    })
    const event = events[0]!
    const context = commandContext('welcome', event, 1)
    expect(context).toEqual({
      commandId: deterministicId('welcome', event.metadata.eventId, 1),
      causationId: event.metadata.eventId,
      correlationId: 'corr-1',
      actor: { id: 'welcome', role: 'process-manager' },
    })
    expect(commandContext('welcome', event, 1)).toEqual(context)
    expect(commandContext('welcome', event, 0).commandId).not.toBe(context.commandId)
    const [uncorrelated] = (await store.appendToStream('account-2', [opened('2')])).events
    expect(commandContext('welcome', uncorrelated!, 0).correlationId).toBe(uncorrelated!.metadata.eventId)
  })
})

describe('createProcessManagerRunner', () => {
  it('dispatches the reactions of each handled event, with causation, correlation and actor', async () => {
    const { store, open, runner, balances, dispatched } = setup()
    await open('1')
    await open('2')
    expect(await runner().catchUp()).toBe(3n)
    expect(await balances()).toEqual({ '1': 60, '2': 60 })
    expect(dispatched).toHaveLength(4)
    const bonus = (await collect(store.readStream('account-1')))[1]!
    const trigger = (await collect(store.readStream('account-1')))[0]!
    expect(bonus.metadata).toMatchObject({
      commandId: deterministicId('welcome', trigger.metadata.eventId, 0),
      causationId: trigger.metadata.eventId,
      correlationId: trigger.metadata.eventId,
      actor: { id: 'welcome', role: 'process-manager' },
    })
  })

  it('checkpoints after each event and resumes from there', async () => {
    const { open, runner, checkpoints, dispatched, balances } = setup()
    await open('1')
    await runner().catchUp()
    expect(await checkpoints.load('process:welcome')).toEqual({ position: 2n, state: null })
    await open('2')
    const second = runner()
    expect(await second.catchUp()).toBe(5n)
    expect(second.position()).toBe(5n)
    expect(dispatched.map(([, , s]) => s)).toHaveLength(4)
    expect(await balances()).toEqual({ '1': 60, '2': 60 })
  })

  it('a redelivery after a lost checkpoint dispatches the same command ids, which do not act twice', async () => {
    const { open, runner, checkpoints, dispatched, balances, store } = setup()
    await open('1')
    await open('2')
    await runner().catchUp()
    const versions = [await store.streamVersion('account-1'), await store.streamVersion('account-2')]
    await checkpoints.delete('process:welcome')
    await runner().catchUp()
    expect(dispatched).toHaveLength(8)
    expect(dispatched.slice(4).map(([, c]) => c.commandId)).toEqual(
      dispatched.slice(0, 4).map(([, c]) => c.commandId),
    )
    expect(await balances()).toEqual({ '1': 60, '2': 60 })
    expect([await store.streamVersion('account-1'), await store.streamVersion('account-2')]).toEqual(versions)
  })

  it('a failed dispatch stops the runner before its checkpoint moves; the retry completes the work once', async () => {
    const { store, open, checkpoints, balances, dispatchTo } = setup()
    await open('1')
    let calls = 0
    const real = dispatchTo(store)
    const flaky = async (send: Send, context: CommandContext) => {
      await real(send, context)
      if (++calls === 2) throw new Error('bus unavailable')
    }
    const options = { store, processManager: welcome, checkpoints, dispatch: flaky }
    expect(await rejection(createProcessManagerRunner(options).catchUp())).toMatchObject({
      message: 'bus unavailable',
    })
    expect(await checkpoints.load('process:welcome')).toBeNull()
    await createProcessManagerRunner(options).catchUp()
    expect(await balances()).toEqual({ '1': 60 })
    // Past the opening it handled and the two events its commands appended, which it does not handle.
    expect((await checkpoints.load('process:welcome'))?.position).toBe(4n)
  })

  it('follows live events', async () => {
    const { open, runner, balances } = setup()
    const r = runner()
    const subscription = await r.start()
    await open('3')
    await waitFor(() => r.position() === 2n)
    await subscription.close()
    expect(await balances()).toEqual({ '3': 60 })
  })

  it('a dead-letter function parks a bad event once, across restarts', async () => {
    const log = createInMemoryEventLog()
    const store = createEventStore(log, { registry: accountRegistry })
    const Loose = eventType('AccountOpened', t.type({ accountId: t.unknown }))
    await createEventStore(log, { registry: eventRegistry([Loose]) }).appendToStream('account-9', [
      Loose.make({ accountId: 9 }),
    ])
    const checkpoints = inMemoryCheckpointStore()
    const parked: StoredEvent[] = []
    const dispatched: Send[] = []
    const options = {
      store,
      processManager: welcome,
      checkpoints,
      dispatch: async (c: Send) => {
        dispatched.push(c)
      },
      onBadEvent: (stored: StoredEvent) => {
        parked.push(stored)
      },
    }
    expect(await createProcessManagerRunner(options).catchUp()).toBe(2n)
    await createProcessManagerRunner(options).catchUp()
    expect(parked.map((e) => e.globalPosition)).toEqual([1n])
    expect(dispatched).toEqual([])
    const stopping = createProcessManagerRunner({
      ...options,
      onBadEvent: 'stop',
      checkpoints: inMemoryCheckpointStore(),
    })
    expect(await rejection(stopping.catchUp())).toMatchObject({
      code: 'EventDecodeError',
      streamName: 'account-9',
    })
  })
})
