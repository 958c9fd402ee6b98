import * as t from 'io-ts'

/**
 * A personal value whose key was destroyed (`forget`): history still reads, the value
 * does not. Read models show it as erased.
 */
export interface Erased {
  readonly erased: true
  readonly subjectId: string
}

export type Personal<A> = A | Erased

export const isErased = (value: unknown): value is Erased =>
  typeof value === 'object' && value !== null && (value as { erased?: unknown }).erased === true

/** The value, or the given placeholder if it was erased. */
export const unlessErased = <A, B>(value: Personal<A>, placeholder: B): A | B =>
  isErased(value) ? placeholder : value

/** Key under which `personal` codecs wrap their encoded value; the store encrypts it. */
export const PII_KEY = '$pii'
/** Key of the placeholder a store substitutes when the subject's key is gone. */
export const ERASED_KEY = '$erased'

export type PersonalOutput<O> = { readonly [PII_KEY]: O } | { readonly [ERASED_KEY]: string }

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

/**
 * Marks a field as personal data (names, phones, plates, addresses). Its encoded form is
 * `{ "$pii": value }`; stores replace that with AES-256-GCM ciphertext under the subject's
 * key, and substitute `{ "$erased": subjectId }` once the key is destroyed, which decodes
 * to an `Erased` value.
 */
export const personal = <A, O>(
  codec: t.Type<A, O, unknown>,
): t.Type<Personal<A>, PersonalOutput<O>, unknown> =>
  new t.Type<Personal<A>, PersonalOutput<O>, unknown>(
    `Personal<${codec.name}>`,
    (u): u is Personal<A> => isErased(u) || codec.is(u),
    (u, context) => {
      if (isRecord(u) && PII_KEY in u)
        return codec.validate(u[PII_KEY], t.appendContext(context, PII_KEY, codec, u[PII_KEY]))
      if (isRecord(u) && typeof u[ERASED_KEY] === 'string')
        return t.success({ erased: true, subjectId: u[ERASED_KEY] })
      return t.failure(u, context, `expected personal data ({ "${PII_KEY}": ... }), got ${JSON.stringify(u)}`)
    },
    (a) => (isErased(a) ? { [ERASED_KEY]: a.subjectId } : { [PII_KEY]: codec.encode(a) }),
  )
