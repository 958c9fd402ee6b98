import * as t from 'io-ts'

/**
 * An identifier of the thing its name says (`CustomerId`, `ReferralId`): 1 to 200 characters with
 * no whitespace or control characters, so that it can be the id part of a stream name
 * (`customer-<id>`). Identifiers of the same name are the same type in every package.
 */
export type Identifier<Name extends string> = t.Branded<string, { readonly [K in Name]: symbol }>

export const maxIdentifierLength = 200

const valid = /^[^\s\p{Cc}]{1,200}$/u

/** The codec of the identifiers called `name`; a refusal says what an identifier must be. */
export const identifier = <Name extends string>(name: Name): t.Type<Identifier<Name>, string, unknown> => {
  const is = (u: unknown): u is Identifier<Name> => typeof u === 'string' && valid.test(u)
  return new t.Type<Identifier<Name>, string, unknown>(
    name,
    is,
    (u, c) =>
      is(u)
        ? t.success(u)
        : t.failure(
            u,
            c,
            `expected ${name}: 1 to ${maxIdentifierLength} characters without spaces, got ${JSON.stringify(u)}`,
          ),
    t.identity,
  )
}

/** A customer of the dealership (a person or a company), the same id in every domain. */
export const CustomerId = identifier('CustomerId')
export type CustomerId = t.TypeOf<typeof CustomerId>

/** A member of staff, or a process acting for the dealership. */
export const StaffId = identifier('StaffId')
export type StaffId = t.TypeOf<typeof StaffId>
