import type * as t from 'io-ts'
import type { KeyEncryptionKeyMissingError } from './privacy/key-encryption.js'
import type { InvalidPhoneError } from './privacy/phone.js'

/**
 * Errors are values: every error the kernel produces carries a stable `code`, a message a
 * clerk can read, and the facts that explain it. They extend `Error` so that they can also
 * travel through rejected promises and async iterators.
 *
 * Decide them by `code` with the `is…` functions below, not with `instanceof`: an application
 * that loads one package with `require` and another with `import` holds two copies of each class
 * (the dual-package hazard), and an error made by one copy is no instance of the other. Each
 * error carries a registered symbol (`Symbol.for`), which is the same in every copy.
 */
const brand = Symbol.for('@dealer-crm/eventsourcing/EventSourcingError')

export abstract class EventSourcingError extends Error {
  abstract readonly code: string
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options)
    Object.defineProperty(this, brand, { value: true })
  }
}

/** True for every error of the kernel, its stores and its handlers, whichever copy of the package made it. */
export const isEventSourcingError = (error: unknown): error is EventSourcingError =>
  typeof error === 'object' && error !== null && Reflect.get(error, brand) === true

/** A domain rule said no. Returned by `decide`, never thrown by the domain. */
export interface DomainError {
  readonly code: string
  readonly message: string
}

export const domainError = <C extends string>(code: C, message: string): { code: C; message: string } => ({
  code,
  message,
})

/** Expected version of an append. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number

export class ConcurrencyError extends EventSourcingError {
  readonly code = 'ConcurrencyError' as const
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamName}: expected version ${String(expected)} but the stream is at ${actual}`)
    this.name = 'ConcurrencyError'
  }
}

export class MalformedStreamNameError extends EventSourcingError {
  readonly code = 'MalformedStreamName' as const
  constructor(readonly streamName: string) {
    super(
      `malformed stream name ${JSON.stringify(streamName)}: expected "<category>-<id>" with a non-empty category and id`,
    )
    this.name = 'MalformedStreamNameError'
  }
}

export class UnknownEventTypeError extends EventSourcingError {
  readonly code = 'UnknownEventType' as const
  constructor(
    readonly eventType: string,
    readonly streamName: string,
    readonly streamPosition: number | null,
  ) {
    super(
      `unknown event type ${JSON.stringify(eventType)} in stream ${streamName}${streamPosition === null ? '' : ` at position ${streamPosition}`}`,
    )
    this.name = 'UnknownEventTypeError'
  }
}

/** One failed field of an io-ts validation, as a readable path. */
export interface FieldError {
  readonly path: string
  readonly message: string
}

export const fieldErrors = (errors: t.Errors): ReadonlyArray<FieldError> =>
  errors.map((e) => {
    const path = e.context
      .map((c) => c.key)
      .filter((k) => k !== '')
      .join('.')
    const expected = e.context[e.context.length - 1]?.type.name ?? 'value'
    const got = e.value === undefined ? 'nothing' : safeJson(e.value)
    return { path: path || '(root)', message: e.message ?? `expected ${expected}, got ${got}` }
  })

const safeJson = (v: unknown): string => {
  try {
    const s = JSON.stringify(v)
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s
  } catch {
    return String(v)
  }
}

export const describeFieldErrors = (errors: ReadonlyArray<FieldError>): string =>
  errors.map((e) => `${e.path}: ${e.message}`).join('; ')

/** An event, on append or on read, did not match its codec. */
export class EventDecodeError extends EventSourcingError {
  readonly code = 'EventDecodeError' as const
  constructor(
    readonly streamName: string,
    readonly streamPosition: number | null,
    readonly eventType: string,
    readonly errors: ReadonlyArray<FieldError>,
  ) {
    super(
      `event ${eventType} in stream ${streamName}${streamPosition === null ? '' : ` at position ${streamPosition}`} does not match its codec: ${describeFieldErrors(errors)}`,
    )
    this.name = 'EventDecodeError'
  }
}

/** A stored row could not be read at all (invalid JSON, missing column, broken metadata). */
export class CorruptEventError extends EventSourcingError {
  readonly code = 'CorruptEvent' as const
  constructor(
    readonly streamName: string,
    readonly streamPosition: number | null,
    readonly reason: string,
  ) {
    super(
      `corrupt event in stream ${streamName}${streamPosition === null ? '' : ` at position ${streamPosition}`}: ${reason}`,
    )
    this.name = 'CorruptEventError'
  }
}

/** A command did not match its codec. */
export class CommandValidationError extends EventSourcingError {
  readonly code = 'CommandValidationError' as const
  constructor(
    readonly commandType: string,
    readonly errors: ReadonlyArray<FieldError>,
  ) {
    super(`command ${commandType} is malformed: ${describeFieldErrors(errors)}`)
    this.name = 'CommandValidationError'
  }
}

/** Personal data was appended with no subject to encrypt it for. */
export class PersonalDataError extends EventSourcingError {
  readonly code = 'PersonalDataError' as const
  constructor(
    readonly eventType: string,
    readonly reason: string,
  ) {
    super(`personal data in event ${eventType}: ${reason}`)
    this.name = 'PersonalDataError'
  }
}

/** The store was used after close(), or its backend failed. */
export class StoreError extends EventSourcingError {
  readonly code = 'StoreError' as const
  /**
   * True when the failure may pass by itself (a lost connection, a deadlock): the same operation
   * may succeed if tried again. Followers retry these (`isTransient`). It does not say that nothing
   * was written: an append whose connection was lost may have committed (its message says so).
   */
  readonly transient: boolean
  constructor(message: string, options?: { readonly cause?: unknown; readonly transient?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'StoreError'
    this.transient = options?.transient ?? false
  }
}

/** The kernel's errors, each with its own `code`. */
export type KernelError =
  | ConcurrencyError
  | MalformedStreamNameError
  | UnknownEventTypeError
  | EventDecodeError
  | CorruptEventError
  | CommandValidationError
  | PersonalDataError
  | StoreError
  | InvalidPhoneError
  | KeyEncryptionKeyMissingError

/** True when `error` is the kernel's error with this `code`, from either module format. */
export const hasErrorCode = <C extends KernelError['code']>(
  error: unknown,
  code: C,
): error is Extract<KernelError, { readonly code: C }> => isEventSourcingError(error) && error.code === code

/** An append's expected version did not match: the case a command handler retries. */
export const isConcurrencyError = (error: unknown): error is ConcurrencyError =>
  hasErrorCode(error, 'ConcurrencyError')
