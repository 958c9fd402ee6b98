import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { describeFieldErrors, fieldErrors, type StoredEvent } from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { CliError } from './io.js'
import type { SubjectKey } from './vault.js'

/**
 * The export format: one JSON object per line. Event lines are the stored (still encrypted)
 * events as the log keeps them, with the global position as a decimal string; with
 * `--with-keys`, key lines `{ "subjectKey": { subjectId, key, createdAt, forgottenAt } }` follow.
 */
export const eventLine = (e: StoredEvent): string =>
  JSON.stringify({
    eventId: e.eventId,
    streamName: e.streamName,
    streamPosition: e.streamPosition,
    globalPosition: e.globalPosition.toString(),
    recordedAt: e.recordedAt,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    correlationId: e.correlationId,
    causationId: e.causationId,
    commandId: e.commandId,
    actor: e.actor,
    prevHash: e.prevHash,
    hash: e.hash,
  })

export const keyLine = (k: SubjectKey): string => JSON.stringify({ subjectKey: k })

/** Any JSON value, but present. */
const JsonValue = new t.Type<unknown>(
  'JSON value',
  (u): u is unknown => u !== undefined,
  (u, c) => (u === undefined ? t.failure(u, c, 'missing') : t.success(u)),
  t.identity,
)
const Digits = new t.Type<bigint, string, unknown>(
  'global position (decimal string)',
  (u): u is bigint => typeof u === 'bigint',
  (u, c) => (typeof u === 'string' && /^\d{1,20}$/.test(u) ? t.success(BigInt(u)) : t.failure(u, c)),
  (b) => b.toString(),
)
const Position = t.refinement(t.Int, (n) => n >= 1, 'stream position (1, 2, …)')
const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

const EventLine = t.type({
  eventId: t.string,
  streamName: t.string,
  streamPosition: Position,
  globalPosition: Digits,
  recordedAt: t.string,
  type: t.string,
  schemaVersion: t.refinement(t.Int, (n) => n >= 1, 'schema version (1, 2, …)'),
  data: JsonValue,
  correlationId: Nullable(t.string),
  causationId: Nullable(t.string),
  commandId: Nullable(t.string),
  actor: Nullable(t.type({ id: t.string, role: t.string })),
  prevHash: t.string,
  hash: t.string,
})

const KeyLine = t.type({
  subjectKey: t.type({
    subjectId: t.string,
    key: Nullable(t.string),
    createdAt: t.string,
    forgottenAt: Nullable(t.string),
  }),
})

export type ExportLine = { readonly event: StoredEvent } | { readonly key: SubjectKey }

const decodeLine = (text: string, number: number, file: string): ExportLine => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new CliError(`${file} line ${number}: not JSON (${(error as Error).message})`)
  }
  if (typeof value === 'object' && value !== null && 'subjectKey' in value) {
    const key = KeyLine.decode(value)
    if (key._tag === 'Left')
      throw new CliError(
        `${file} line ${number}: not a key line: ${describeFieldErrors(fieldErrors(key.left))}`,
      )
    return { key: key.right.subjectKey }
  }
  const event = EventLine.decode(value)
  if (event._tag === 'Left')
    throw new CliError(
      `${file} line ${number}: not a stored event: ${describeFieldErrors(fieldErrors(event.left))}`,
    )
  return { event: event.right }
}

/** The lines of an export file, decoded and checked one by one (a bad line names its number and field). */
export async function* readExport(file: string): AsyncGenerator<ExportLine & { readonly line: number }> {
  const input = createReadStream(file, { encoding: 'utf8' })
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  let number = 0
  try {
    for await (const text of lines) {
      number++
      if (text.trim() === '') continue
      yield { ...decodeLine(text, number, file), line: number }
    }
  } finally {
    lines.close()
    input.destroy()
  }
}
