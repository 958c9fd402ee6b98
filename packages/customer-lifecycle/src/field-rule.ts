import * as t from 'io-ts'

/**
 * A data codec with a rule across its fields; a broken rule fails at the named field, so the
 * message reads "data.birthday: …".
 */
export const withRule = <A, O>(
  codec: t.Type<A, O, unknown>,
  rule: (a: A) => { readonly field: string; readonly message: string } | null,
): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    codec.name,
    (u): u is A => codec.is(u) && rule(u) === null,
    (u, c) => {
      const decoded = codec.validate(u, c)
      if (decoded._tag === 'Left') return decoded
      const broken = rule(decoded.right)
      if (broken === null) return decoded
      const value = (decoded.right as Record<string, unknown>)[broken.field]
      return t.failure(value, t.appendContext(c, broken.field, t.unknown, value), broken.message)
    },
    codec.encode,
  )
