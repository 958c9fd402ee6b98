// The HTTP headers a command request carries, turned into the facade's command options.
import type { CommandOptions } from '@dealer-crm/dealership'
import type { FieldError } from '@dealer-crm/eventsourcing'

type Headers = Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

export type ParsedOptions =
  | { readonly ok: true; readonly options: CommandOptions }
  | { readonly ok: false; readonly errors: ReadonlyArray<FieldError> }

const single = (headers: Headers, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : (value as string | undefined)
}

/** `"7"` or `7` (the version an earlier response sent in its ETag); `*`: the stream must exist. */
const parseIfMatch = (value: string): CommandOptions['expectedVersion'] | null => {
  const trimmed = value.trim()
  if (trimmed === '*') return 'stream_exists'
  const match = /^"?(\d{1,15})"?$/.exec(trimmed)
  return match?.[1] === undefined ? null : Number(match[1])
}

/** An Idempotency-Key (a structured-field string, so it may come quoted): 1 to 200 visible characters. */
const parseIdempotencyKey = (value: string): string | null => {
  const match = /^"?([\x21\x23-\x7e]{1,200})"?$/.exec(value.trim())
  return match?.[1] ?? null
}

/**
 * `Idempotency-Key` → `commandId` (a repeat returns the first result and writes nothing), `If-Match` →
 * `expectedVersion` (a stale one is a conflict). Who acts comes from the bearer token (auth.ts).
 */
export const commandOptions = (headers: Headers): ParsedOptions => {
  const errors: FieldError[] = []

  const keyHeader = single(headers, 'idempotency-key')
  const commandId = keyHeader === undefined ? undefined : parseIdempotencyKey(keyHeader)
  if (commandId === null)
    errors.push({
      path: 'headers.idempotency-key',
      message: `expected 1 to 200 visible ASCII characters, got ${JSON.stringify(keyHeader)}`,
    })

  const ifMatch = single(headers, 'if-match')
  const expectedVersion = ifMatch === undefined ? undefined : parseIfMatch(ifMatch)
  if (expectedVersion === null)
    errors.push({
      path: 'headers.if-match',
      message: `expected one version as sent in an ETag (e.g. "3") or *, got ${JSON.stringify(ifMatch)}`,
    })

  if (commandId === null || expectedVersion === null) return { ok: false, errors }
  return {
    ok: true,
    options: {
      ...(commandId === undefined ? {} : { commandId }),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    },
  }
}

/** A stream version as a strong entity tag. */
export const etagOf = (version: number): string => `"${version}"`
