import {
  type CommandContext,
  type HandleOptions,
  isEventSourcingError,
  recordRejection,
} from '@dealer-crm/eventsourcing'
import type { ProcessPolicy } from './policy.js'
import type { ProcessCommand } from './process-command.js'
import type { Send, SendError } from './send.js'

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
  /** The facade's command path: the same routes, facts and checks as a clerk's command. */
  readonly send: Send
  readonly membership: ProcessPolicy['membership']
  /** The member card a customer holds, as of the latest event. */
  readonly memberOf: (customerId: string) => Promise<string | undefined>
  readonly onRejection: (rejection: ProcessRejection) => void
  readonly retry?: HandleOptions['retry']
  readonly cache?: HandleOptions['cache']
}

/** Refusals of the command itself (its input, its facts, the rules), as opposed to a failing store. */
const refusesCommand = (error: SendError): boolean =>
  !isEventSourcingError(error) ||
  error.code === 'CommandValidationError' ||
  error.code === 'FactMismatch' ||
  error.code === 'MalformedStreamName'

/**
 * Sends process managers' commands through the facade's one command path, under the command id
 * the runner derived from the triggering event, so a redelivered event repeats nothing. A refusal
 * is reported (or ignored when it means the intent already holds); a store failure is thrown, which
 * stops the runner before its checkpoint moves.
 */
export const createProcessDispatch = (options: ProcessDispatchOptions) => {
  const { send, membership, memberOf, onRejection } = options
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
    recordRejection(context.actor.id, command.command.type, code)
    onRejection({
      processManager: context.actor.id,
      eventId: context.causationId,
      commandId: context.commandId,
      commandType: command.command.type,
      code,
      message,
    })
  }
  const settle = (
    command: ProcessCommand,
    context: CommandContext,
    result: { _tag: 'Left'; left: SendError } | { _tag: 'Right' },
  ): void => {
    if (result._tag === 'Right') return
    if (!refusesCommand(result.left)) throw result.left
    reject(command, context, result.left.code, result.left.message)
  }

  return async (command: ProcessCommand, context: CommandContext): Promise<void> => {
    if (command.domain === 'customer-lifecycle')
      return settle(
        command,
        context,
        await send('customer-lifecycle', command.command, handleOptions(context)),
      )
    const existing = await memberOf(command.customerId)
    if (command.command.type === 'EnrolMember' && existing !== undefined) return
    const memberId =
      existing ??
      (command.command.type === 'EnrolMember' ? membership.memberIdFor(command.customerId) : undefined)
    if (memberId === undefined)
      return reject(command, context, 'NotAMember', `customer ${command.customerId} holds no member card`)
    const input = { ...command.command, data: { ...command.command.data, memberId } }
    settle(command, context, await send('loyalty-points', input, handleOptions(context)))
  }
}
