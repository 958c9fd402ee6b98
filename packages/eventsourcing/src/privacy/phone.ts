import { EventSourcingError } from '../errors.js'

declare const mainlandMobile: unique symbol

/**
 * A mainland China mobile number in the one form phones are compared and hashed in: 11 ASCII digits
 * starting 13–19, without a country code. Only `normalizePhone` makes one, so a function that takes a
 * `MainlandMobile` cannot be handed a number as somebody typed it.
 */
export type MainlandMobile = string & { readonly [mainlandMobile]: true }

/** A value that is not a mainland mobile number. The message says why, never the value: phones are personal. */
export class InvalidPhoneError extends EventSourcingError {
  readonly code = 'InvalidPhone' as const
  constructor(readonly reason: string) {
    super(
      `not a mainland mobile number (11 digits starting 13–19, optionally after +86 or 0086; spaces, dashes and parentheses allowed): ${reason}`,
    )
    this.name = 'InvalidPhoneError'
  }
}

/** Separators people type inside a number: spaces, dashes of any kind, parentheses. */
const separators = /[\s\p{Pd}()]/gu

const parse = (raw: string): MainlandMobile | InvalidPhoneError => {
  // NFKC turns full-width digits, plus signs, dashes, parentheses and spaces (１３８，＋，－，（），U+3000) into ASCII.
  const text = raw.normalize('NFKC').trim()
  if (text === '') return new InvalidPhoneError('it is empty')
  const digits = text.replace(separators, '')
  if (!/^\+?\d+$/.test(digits))
    return new InvalidPhoneError(
      'it holds characters other than digits, one leading +, spaces, dashes or parentheses',
    )
  const national = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(digits)?.[1]
  if (national === undefined) {
    const count = digits.replace(/\D/g, '').length
    return new InvalidPhoneError(
      `it has ${count} digit${count === 1 ? '' : 's'}, not 11 starting 13–19 after an optional +86 or 0086`,
    )
  }
  return national as MainlandMobile
}

/**
 * The one form of a mainland mobile number: `+86 138-0013-8000`, `0086 (138) 0013 8000`,
 * `１３８００１３８０００` and `13800138000` all give `13800138000`. Anything else (a landline, a
 * foreign number, letters) throws `InvalidPhoneError`.
 */
export const normalizePhone = (raw: string): MainlandMobile => {
  const parsed = parse(raw)
  if (parsed instanceof InvalidPhoneError) throw parsed
  return parsed
}

/** Whether `normalizePhone` accepts the value: for codecs that refuse bad input instead of throwing. */
export const isMainlandMobile = (raw: string): boolean => !(parse(raw) instanceof InvalidPhoneError)
