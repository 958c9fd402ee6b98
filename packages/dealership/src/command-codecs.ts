import { ComplaintCommand } from '@dealer-crm/complaint-workflow'
import { LifecycleCommand } from '@dealer-crm/customer-lifecycle'
import { CommandValidationError, decodeCommand, fieldErrors } from '@dealer-crm/eventsourcing'
import { LoyaltyCommand, MemberId } from '@dealer-crm/loyalty-points'
import { type Either, left, right } from 'fp-ts/lib/Either.js'

/**
 * Untrusted input decoded with each domain's command codec. The input's `type` picks the
 * command, so a refusal names the fields of that one command (`data.vin`, `data.points`).
 */
export const decodeLifecycleCommand = (input: unknown) => decodeCommand(LifecycleCommand, input)

export const decodeComplaintCommand = (input: unknown) => decodeCommand(ComplaintCommand, input)

const typeOf = (input: unknown): unknown =>
  typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined

export const decodeLoyaltyCommand = (input: unknown): Either<CommandValidationError, LoyaltyCommand> => {
  const type = typeOf(input)
  const codec = LoyaltyCommand.types.find((c) => c.name === type)
  if (codec !== undefined) {
    const result = codec.decode(input)
    return result._tag === 'Right'
      ? right(result.right)
      : left(new CommandValidationError(codec.name, fieldErrors(result.left)))
  }
  return left(
    new CommandValidationError('LoyaltyCommand', [
      {
        path: 'type',
        message: `expected one of ${LoyaltyCommand.types.map((c) => c.name).join(', ')}, got ${JSON.stringify(type)}`,
      },
    ]),
  )
}

/** The member card account a loyalty command is for (its stream is `member-<memberId>`). */
export const decodeMemberId = (input: unknown): Either<CommandValidationError, MemberId> => {
  const result = MemberId.decode(input)
  return result._tag === 'Right'
    ? right(result.right)
    : left(
        new CommandValidationError(
          'MemberId',
          fieldErrors(result.left).map((e) => ({ ...e, path: 'memberId' })),
        ),
      )
}
