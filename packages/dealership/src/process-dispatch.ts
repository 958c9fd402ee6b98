import {
  type Customer,
  customerStream,
  type Command as LifecycleCommand,
  type LifecycleError,
} from '@dealer-crm/customer-lifecycle'
import {
  type CommandContext,
  type Decider,
  type DomainError,
  type EventSourcingError,
  type HandleError,
  type HandleOptions,
  handleCommand,
  isEventSourcingError,
  streamName,
} from '@dealer-crm/eventsourcing'
import type { LoyaltyCommand, LoyaltyError, Member } from '@dealer-crm/loyalty-points'
import { decodeLifecycleCommand, decodeLoyaltyCommand, decodeMemberId } from './command-codecs.js'
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
  readonly lifecycle: Decider<LifecycleCommand, DealershipEvent, Customer, LifecycleError>
  readonly loyalty: Decider<LoyaltyCommand, DealershipEvent, Member, LoyaltyError>
  readonly membership: ProcessPolicy['membership']
  /** The member card a customer holds, as of the latest event. */
  readonly memberOf: (customerId: string) => Promise<string | undefined>
  readonly onRejection: (rejection: ProcessRejection) => void
  readonly retry?: HandleOptions['retry']
  readonly cache?: HandleOptions['cache']
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
    ...(options.cache === undefined ? {} : { cache: options.cache }),
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
    const id = decoded(command, context, decodeMemberId(memberId))
    const loyaltyCommand = decoded(command, context, decodeLoyaltyCommand(command.command))
    if (id === undefined || loyaltyCommand === undefined) return
    await settle(
      command,
      context,
      handleCommand(
        store,
        options.loyalty,
        streamName('member', id),
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
        customerStream(lifecycleCommand.data.customerId),
        lifecycleCommand,
        handleOptions(context),
      )(),
    )
  }
}
