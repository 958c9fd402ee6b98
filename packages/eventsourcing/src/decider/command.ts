import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { CommandValidationError, fieldErrors } from '../errors.js'

/**
 * Validate untrusted input against a command codec. The error names every failing field
 * path, so bad input is rejected before anything is decided or written.
 */
export const decodeCommand = <A, O>(
  codec: t.Type<A, O, unknown>,
  input: unknown,
): Either<CommandValidationError, A> => {
  const result = codec.decode(input)
  if (result._tag === 'Right') return right(result.right)
  const type =
    typeof input === 'object' && input !== null && typeof (input as { type?: unknown }).type === 'string'
      ? (input as { type: string }).type
      : codec.name
  return left(new CommandValidationError(type, fieldErrors(result.left)))
}
