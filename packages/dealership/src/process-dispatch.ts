import {
  type LifecycleCommand,
  type LifecycleError,
  type LifecycleState,
  lifecycleStreamOf,
} from '@dealer-crm/customer-lifecycle'
import {
  type CommandContext,
  type Decider,
  type DomainError,
  decodeCommand,
  type EventSourcingError,
  type HandleError,
  type HandleOptions,
  handleCommand,
  isEventSourcingError,
} from '@dealer-crm/eventsourcing'
import {
  LoyaltyCommand,
  type LoyaltyError,
  type LoyaltyState,
  loyaltyStreamOf,
} from '@dealer-crm/loyalty-points'
import { decodeLifecycleCommand } from './command-codecs.js'
import type { ProcessPolicy } from './policy.js'
import type { ProcessCommand } from './process-command.js'
import type { DealershipEvent, DealershipStore } from './registry.js'

/** A command a process manager asked for and a domain refused: reported, never silently dropped. */
export interface ProcessRejection {
  readonly processManager: string
  /** The triggering event. */
  readonly eventId: string
  readonly commandId: string
  readonly commandType: string
  readonly code: string
  readonly message: string
}

export interface ProcessDispatchOptions {
  readonly store: DealershipStore
  readonly lifecycle: Decider<LifecycleCommand, DealershipEvent, LifecycleState, LifecycleError>
  readonly loyalty: Decider<LoyaltyCommand, DealershipEvent, LoyaltyState, LoyaltyError>
  readonly membership: ProcessPolicy['membership']
  /** The member card a customer holds, as of the latest event. */
  readonly memberOf: (customerId: string) => Promise<string | undefined>
  readonly onRejection: (rejection: ProcessRejection) => void
  readonly retry?: HandleOptions['retry']
}

/**
 * Sends process managers' commands to their domains. Each is decoded with its domain's codec and
 * handled under the command id the runner derived from the triggering event, so a redelivered
 * event repeats nothing. A domain's refusal is reported (or ignored when it means the intent already
 * holds); a store failure is thrown, which stops the runner before its checkpoint moves.
 */
export const createProcessDispatch = (options: ProcessDispatchOptions) => {
  const { store, membership, memberOf, onRejection } = options
  const handleOptions = (context: CommandContext): HandleOptions => ({
    commandId: context.commandId,
    causationId: context.causationId,
    correlationId: context.correlationId,
    actor: context.actor,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  })
  const reject = (command: ProcessCommand, context: CommandContext, code: string, message: string) => {
    if (command.alreadyDone?.includes(code)) return
    onRejection({
      processManager: context.actor.id,
      eventId: context.causationId,
      commandId: context.commandId,
      commandType: command.command.type,
      code,
      message,
    })
  }
  const settle = async <Err extends DomainError, R>(
    command: ProcessCommand,
    context: CommandContext,
    outcome: Promise<{ _tag: 'Left'; left: HandleError<Err> } | { _tag: 'Right'; right: R }>,
  ) => {
    const result = await outcome
    if (result._tag === 'Right') return
    if (isEventSourcingError(result.left)) throw result.left
    reject(command, context, result.left.code, result.left.message)
  }
  const decoded = <A>(
    command: ProcessCommand,
    context: CommandContext,
    result: { _tag: 'Left'; left: EventSourcingError } | { _tag: 'Right'; right: A },
  ): A | undefined => {
    if (result._tag === 'Right') return result.right
    reject(command, context, result.left.code, result.left.message)
    return undefined
  }

  const toLoyalty = async (
    command: ProcessCommand & { domain: 'loyalty-points' },
    context: CommandContext,
  ): Promise<void> => {
    const existing = await memberOf(command.customerId)
    if (command.command.type === 'EnrolMember' && existing !== undefined) return
    const memberId =
      existing ??
      (command.command.type === 'EnrolMember' ? membership.memberIdFor(command.customerId) : undefined)
    if (memberId === undefined)
      return reject(command, context, 'NotAMember', `customer ${command.customerId} holds no member card`)
    const input = { type: command.command.type, data: { ...command.command.data, memberId } }
    const loyaltyCommand = decoded(command, context, decodeCommand(LoyaltyCommand, input))
    if (loyaltyCommand === undefined) return
    await settle(
      command,
      context,
      handleCommand(
        store,
        options.loyalty,
        loyaltyStreamOf(loyaltyCommand),
        loyaltyCommand,
        handleOptions(context),
      )(),
    )
  }

  return async (command: ProcessCommand, context: CommandContext): Promise<void> => {
    if (command.domain === 'loyalty-points') return toLoyalty(command, context)
    const lifecycleCommand = decoded(command, context, decodeLifecycleCommand(command.command))
    if (lifecycleCommand === undefined) return
    await settle(
      command,
      context,
      handleCommand(
        store,
        options.lifecycle,
        lifecycleStreamOf(lifecycleCommand),
        lifecycleCommand,
        handleOptions(context),
      )(),
    )
  }
}
