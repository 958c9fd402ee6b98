import type { Event } from '../decider/decider.js'
import type { Actor, RecordedEvent } from '../events/envelope.js'
import { deterministicId } from '../ports.js'
import { createConsumer, type OnBadEvent } from '../projections/consumer.js'
import type { CheckpointStore } from '../store/checkpoint.js'
import type { EventStore } from '../store/event-store.js'
import type { FollowOptions, Subscription } from '../store/tail.js'
import { traceReaction } from '../telemetry/follower-trace.js'
import { type LagSource, watchLag } from '../telemetry/lag.js'

/** Reacts to events with commands (referral verified → award points, …). */
export interface ProcessManager<E extends Event, C> {
  readonly name: string
  readonly handles: ReadonlyArray<E['type']>
  readonly react: (event: RecordedEvent<E>) => ReadonlyArray<C>
}

/** What a dispatched command carries with it. */
export interface CommandContext {
  /** Derived from the process manager, the triggering event and the command's index: a redelivery repeats it. */
  readonly commandId: string
  readonly causationId: string
  readonly correlationId: string
  readonly actor: Actor
}

export const commandContext = (
  processName: string,
  event: RecordedEvent<Event>,
  index: number,
): CommandContext => ({
  commandId: deterministicId(processName, event.metadata.eventId, index),
  causationId: event.metadata.eventId,
  correlationId: event.metadata.correlationId ?? event.metadata.eventId,
  actor: { id: processName, role: 'process-manager' },
})

/** `retry` and `logger` serve `start()` (following live); `catchUp()` rejects on any failure. */
export interface ProcessManagerRunnerOptions<E extends Event, C> extends Omit<FollowOptions, 'name'> {
  readonly store: EventStore<E>
  readonly processManager: ProcessManager<E, C>
  readonly checkpoints: CheckpointStore
  /** Send a command; it must be idempotent by `context.commandId` (the command handler is). */
  readonly dispatch: (command: C, context: CommandContext) => Promise<void>
  readonly batchSize?: number
  readonly onBadEvent?: OnBadEvent
}

export interface ProcessManagerRunner {
  readonly catchUp: () => Promise<bigint>
  readonly start: () => Promise<Subscription>
  readonly position: () => bigint
}

/**
 * Runs a process manager from its checkpoint. The checkpoint moves after each event's
 * commands are dispatched; because command ids are deterministic, an event redelivered after
 * a crash, or after a transient failure while live (a dispatch or checkpoint save whose connection
 * was lost), dispatches the same commands, which the handler recognises and does not repeat.
 */
export const createProcessManagerRunner = <E extends Event, C>(
  options: ProcessManagerRunnerOptions<E, C>,
): ProcessManagerRunner => {
  const { store, processManager, checkpoints, dispatch } = options
  const name = `process:${processManager.name}`
  let position: bigint | undefined
  const consumer = createConsumer(
    {
      store,
      types: processManager.handles,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.onBadEvent === undefined ? {} : { onBadEvent: options.onBadEvent }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      name,
    },
    (event) =>
      traceReaction(processManager.name, event, async () => {
        const commands = processManager.react(event)
        for (const [index, command] of commands.entries())
          await dispatch(command, commandContext(processManager.name, event, index))
        position = event.metadata.globalPosition + 1n
        await checkpoints.save(name, { position, state: null })
      }),
  )
  const lag: LagSource = {
    name,
    log: store.log,
    types: processManager.handles,
    position: () => position ?? 0n,
  }
  const from = async () => {
    if (position === undefined) position = (await checkpoints.load(name))?.position ?? 0n
    return position
  }
  /** Events parked by `onBadEvent` move the checkpoint too, so a restart does not park them again. */
  const passed = async (next: bigint) => {
    if (position !== undefined && next <= position) return
    position = next
    await checkpoints.save(name, { position, state: null })
  }
  return {
    catchUp: async () => {
      watchLag(lag)
      await passed(await consumer.catchUp(await from()))
      return position ?? 0n
    },
    start: async () => {
      const unwatch = watchLag(lag)
      const subscription = consumer.follow(await from())
      return {
        ...subscription,
        close: async () => {
          await subscription.close()
          await passed(subscription.position())
          unwatch()
        },
      }
    },
    position: () => position ?? 0n,
  }
}
