import * as t from 'io-ts'

const tagOf = (u: unknown, tag: string): unknown =>
  typeof u === 'object' && u !== null ? (u as Record<string, unknown>)[tag] : undefined

/**
 * A union chosen by a tag field (`type` of a command, `kind` of a compensation). Unlike `t.union`,
 * a malformed value is reported with the path of the failing field inside the chosen member
 * (`data.compensation.0.amount`), or the tag's path when the tag is unknown.
 */
export const taggedUnion = <M extends Record<string, t.Mixed>>(
  name: string,
  tag: string,
  members: M,
): t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown> => {
  const codecs = Object.values(members)
  return new t.Type(
    name,
    (u): u is t.TypeOf<M[keyof M]> => codecs.some((codec) => codec.is(u)),
    (u, context) => {
      const value = tagOf(u, tag)
      const member = typeof value === 'string' && Object.hasOwn(members, value) ? members[value] : undefined
      return member === undefined
        ? t.failure(
            value,
            t.appendContext(context, tag, t.string, value),
            `unknown ${tag} ${JSON.stringify(value ?? null)}; expected one of ${Object.keys(members).join(', ')}`,
          )
        : member.validate(u, context)
    },
    (a) => codecs.find((codec) => codec.is(a))?.encode(a) ?? a,
  )
}
