import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import {
  describeFieldErrors,
  fieldErrors,
  legacyCommitTime,
  type StoredEvent,
  storedEventJson,
  storedEventToJson,
} from '@dealer-crm/eventsourcing'
import * as t from 'io-ts'
import { CliError } from './io.js'
import type { SubjectKey } from './vault.js'

/**
 * The export format: one JSON object per line. Event lines are the stored (still encrypted)
 * events as the log keeps them, every field of the envelope in the kernel's JSON form (the global
 * position as a decimal string, the store's commit time as ISO-8601); with `--with-keys`, key lines
 * `{ "subjectKey": { subjectId, key, createdAt, forgottenAt } }` follow.
 */
export const eventLine = (e: StoredEvent): string => JSON.stringify(storedEventToJson(e))

export const keyLine = (k: SubjectKey): string => JSON.stringify({ subjectKey: k })

const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

const KeyLine = t.type({
  subjectKey: t.type({
    subjectId: t.string,
    key: Nullable(t.string),
    createdAt: t.string,
    forgottenAt: Nullable(t.string),
  }),
})

export type ExportLine = { readonly event: StoredEvent } | { readonly key: SubjectKey }

/**
 * Files exported before stores kept commit times have event lines without `committedAt`: such an
 * event gets the commit time the store migrations give old events, the greatest `recordedAt` so far.
 */
interface Legacy {
  lastRecorded: string
}

const decodeLine = (text: string, number: number, file: string, legacy: Legacy): ExportLine => {
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
  if (typeof value === 'object' && value !== null && !('committedAt' in value)) {
    const recordedAt = (value as { recordedAt?: unknown }).recordedAt
    if (typeof recordedAt === 'string') {
      legacy.lastRecorded = legacyCommitTime(legacy.lastRecorded, recordedAt)
      value = { ...value, committedAt: legacy.lastRecorded }
    }
  }
  const event = storedEventJson.decode(value)
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
  const legacy: Legacy = { lastRecorded: '' }
  try {
    for await (const text of lines) {
      number++
      if (text.trim() === '') continue
      yield { ...decodeLine(text, number, file, legacy), line: number }
    }
  } finally {
    lines.close()
    input.destroy()
  }
}
