import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  type ExpectedVersion,
  hasSealedPersonalData,
  type ManualClock,
  manualClock,
  pendingOf,
  readWholeLog,
  type StoredEvent,
  verifyEvents,
} from '@dealer-crm/eventsourcing'
import { renderBrokenLink } from '../broken-link.js'
import { type Command, targetArgs } from '../command.js'
import { CliError, type Io, line } from '../io.js'
import { readExport } from '../ndjson.js'
import { type OpenedTarget, withTarget } from '../open.js'
import { createProgress } from '../progress.js'
import type { SubjectKey } from '../vault.js'
import { renderVerified, verifyLog } from './verify.js'

interface FileSummary {
  readonly events: number
  readonly streams: number
  readonly sealed: number
  readonly keys: ReadonlyArray<SubjectKey>
}

/**
 * First pass, before anything is opened or written: every line decodes, global positions
 * increase, commit times never decrease, and the file's own hash chains verify (the kernel's
 * verifyEvents).
 */
const checkFile = async (file: string, io: Io): Promise<FileSummary> => {
  const keys: SubjectKey[] = []
  let sealed = 0
  let previous: bigint | null = null
  let committed = ''
  const progress = createProgress(io.stderr, 'import: check file', null)
  async function* events(): AsyncGenerator<StoredEvent> {
    for await (const item of readExport(file)) {
      if ('key' in item) {
        keys.push(item.key)
        continue
      }
      const e = item.event
      if (previous !== null && e.globalPosition <= previous)
        throw new CliError(
          `${file} line ${item.line}: global position ${e.globalPosition} after ${previous}: an export is in increasing global order`,
        )
      previous = e.globalPosition
      if (Date.parse(e.committedAt) < Date.parse(committed))
        throw new CliError(
          `${file} line ${item.line}: commit time ${e.committedAt} after ${committed}: commit times never decrease in global order`,
        )
      committed = e.committedAt
      if (hasSealedPersonalData(e.data)) sealed++
      progress.update(item.line)
      yield e
    }
  }
  const result = await verifyEvents(events())
  if (!result.ok) {
    const b = result.finding
    throw new CliError(
      `${file} does not verify at ${b.streamName} position ${b.streamPosition} (global position ${b.globalPosition}): ${b.reason}; nothing was imported`,
    )
  }
  const subjects = new Set<string>()
  for (const k of keys) {
    if (subjects.has(k.subjectId)) throw new CliError(`${file}: two key lines for subject ${k.subjectId}`)
    subjects.add(k.subjectId)
  }
  progress.finish(`${result.events} events and ${keys.length} keys check out`)
  return { events: result.events, streams: result.streams, sealed, keys }
}

const assertEmpty = async (opened: OpenedTarget, summary: FileSummary): Promise<void> => {
  for await (const e of readWholeLog(opened.store.log, 1))
    throw new CliError(
      `${opened.description} is not empty (it holds ${e.streamName} at global position ${e.globalPosition}); import writes into an empty store only`,
    )
  if (summary.keys.length === 0) return
  if (opened.vault === null)
    throw new CliError(
      'the file holds subject keys but this EventStoreDB target has no key vault; pass --vault',
    )
  const held = await opened.vault.count()
  if (held > 0)
    throw new CliError(
      `the key vault of ${opened.vault.description} already holds ${held} keys; import needs an empty one`,
    )
}

/**
 * Second pass: append the events in global order, consecutive events of a stream with one commit
 * time together, each at the exact version the file says, and check that the target hashed every
 * one as the file did. The target's commit clock is set to each append's exported commit time, so
 * the copy's history by time is the original's (as the original's never decrease, the store keeps
 * them as they are). Returns the events written and how many got another commit time (EventStoreDB
 * stamps its own).
 */
const appendAll = async (
  file: string,
  opened: OpenedTarget,
  clock: ManualClock,
  total: number,
  io: Io,
): Promise<{ readonly written: number; readonly retimed: number }> => {
  const progress = createProgress(io.stderr, 'import', total)
  let batch: StoredEvent[] = []
  let written = 0
  let retimed = 0
  const flush = async () => {
    const first = batch[0]
    if (first === undefined) return
    const expected: ExpectedVersion = first.streamPosition - 1
    clock.set(first.committedAt)
    const stored = await opened.store.log.append(first.streamName, batch.map(pendingOf), expected)
    for (const [i, s] of stored.entries()) {
      const want = batch[i]
      if (want === undefined || s.hash !== want.hash)
        throw new CliError(
          `${s.streamName} position ${s.streamPosition} hashed to ${s.hash} in the target, ${want?.hash ?? 'nothing'} in the file; the target holds a partial import (${written + i} events): remove it`,
        )
    }
    for (const s of stored) if (s.committedAt !== first.committedAt) retimed++
    written += stored.length
    progress.update(written)
    batch = []
  }
  for await (const item of readExport(file)) {
    if (!('event' in item)) continue
    const e = item.event
    const head = batch[0]
    if (
      head !== undefined &&
      (head.streamName !== e.streamName || head.committedAt !== e.committedAt || batch.length >= 500)
    )
      await flush()
    batch.push(e)
  }
  await flush()
  progress.finish(`${written} events appended, every hash as in the file`)
  return { written, retimed }
}

export const importCommand: Command = {
  name: 'import',
  summary: 'replay an export into an empty store; every hash must come out the same',
  arguments: ['<file>'],
  target: true,
  description: `Reads an NDJSON export (dealer-crm export) into an EMPTY store: a new SQLite file is created, a
PostgreSQL schema is created if missing. Before anything is written the whole file is checked: each
line decodes, global positions increase, and the file's hash chains verify. Then the events are
appended in global order with their stream's exact expected version, keeping event id, recorded
time, commit time, metadata, schema version and data (still encrypted), so \`as-of\` by time gives
the same answers on the copy (EventStoreDB stamps its own commit times: there they are the time of
the import). The target recomputes every hash, and each must equal the exported one. Finally the
target is verified. Files exported before commit times were kept give each event the greatest
recorded time so far, as the store migrations do.

Key lines (export --with-keys) are written into the target's key vault first, so personal data
stays readable and forgotten subjects stay forgotten. Without them, personal fields read as erased
in the target unless it uses the original key vault.

A store that already holds events (or keys, when the file has keys) is refused. An import that
fails half way leaves a partial store: remove it and import again.`,
  after: `Example:
  dealer-crm import demo.ndjson --db copy.db`,
  run: async (args, io) => {
    const file = resolve(args.positionals[0] ?? '')
    if (!existsSync(file)) throw new CliError(`no such file: ${file}`)
    const summary = await checkFile(file, io)
    const clock = manualClock(new Date(0))
    return withTarget('import', targetArgs(args), { create: true, bulk: true, clock }, async (opened) => {
      await assertEmpty(opened, summary)
      if (summary.keys.length > 0 && opened.vault !== null) await opened.vault.importKeys(summary.keys)
      else if (summary.sealed > 0)
        line(
          io.stderr,
          `note: ${summary.sealed} events hold personal data but the file has no keys: it reads as erased unless this store uses the original key vault`,
        )
      const { written, retimed } = await appendAll(file, opened, clock, summary.events, io)
      if (retimed > 0)
        line(
          io.stderr,
          `note: ${retimed} events got the target's own commit time, not the exported one (EventStoreDB stamps the time it writes an event): as-of by time on this store answers for the time of the import; by position it answers as the original`,
        )
      const verified = await verifyLog(opened, io)
      if (!verified.ok)
        throw new CliError(`the imported log does not verify: ${renderBrokenLink(verified.finding)}`)
      if (verified.events !== written)
        throw new CliError(`the target holds ${verified.events} events after importing ${written}`)
      line(
        io.stdout,
        `imported ${written} events of ${summary.streams} streams and ${summary.keys.length} subject keys into ${opened.description}; every hash equals the exported one; ${renderVerified(verified)}`,
      )
      return 0
    })
  },
}
