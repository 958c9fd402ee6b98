import { type Either, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { CommandValidationError, fieldErrors } from '../errors.js'
import { taggedUnion } from './tagged-union.js'

/** A command as it travels: its type and its data. */
export interface CommandOf<Type extends string = string, Data = unknown> {
  readonly type: Type
  readonly data: Data
}

/** The codec of one command: `{ type: <literal>, data }`, named by its type. */
export const command = <Type extends string, Data extends t.Mixed>(
  type: Type,
  data: Data,
): t.TypeC<{ type: t.LiteralC<Type>; data: Data }> => t.type({ type: t.literal(type), data }, type)

type CommandCodec = t.Mixed & { readonly props: { readonly type: { readonly value: string } } }

/**
 * Every command of a domain, chosen by `type`. A malformed command is refused with the paths of
 * the failing fields inside the command its `type` names (`data.vin`); an unknown type is
 * refused with the list of known ones.
 */
export const commandUnion = <Codecs extends readonly [CommandCodec, ...CommandCodec[]]>(
  name: string,
  codecs: Codecs,
): t.Type<t.TypeOf<Codecs[number]>, t.OutputOf<Codecs[number]>, unknown> =>
  taggedUnion(
    name,
    'type',
    Object.fromEntries(codecs.map((c) => [c.props.type.value, c])) as Record<string, Codecs[number]>,
  )

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
