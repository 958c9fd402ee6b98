import { hash } from 'node:crypto'
import type { StoredEvent } from '../store/event-log.js'

/**
 * The version of the log commitment's form (leaf and root below). A head or anchor of another
 * format is refused by `verify`, never compared: a later format gets a new number and verify
 * keeps computing the old one for heads that name it (docs/audit.md, ADR 0012).
 */
export const commitmentFormat = 1

/**
 * The commitment over the first `count` events of the whole log, in global order: `root` is the
 * last link of a hash chain over every event's leaf (see `commitmentLeaf`), `position` the global
 * position of the last event covered (0n and `root` '' for no event).
 */
export interface LogHead {
  readonly format: number
  readonly position: bigint
  readonly count: number
  readonly root: string
}

export const emptyLogHead: LogHead = { format: commitmentFormat, position: 0n, count: 0, root: '' }

/**
 * What the commitment covers of one event, as canonical JSON with sorted keys: its commit time, global
 * position, stream name and position, and its per-stream hash, which covers everything else of the
 * event (ADR 0003). So editing, deleting, inserting, reordering or renumbering an event, moving its
 * commit time, or re-hashing a stream changes every root from there on. Every envelope field that the
 * per-stream hash leaves out belongs here (`envelopeFields`, `store/stored-event.ts`).
 */
export const commitmentLeaf = (e: StoredEvent): string =>
  `{"committedAt":${JSON.stringify(e.committedAt)},"globalPosition":"${e.globalPosition}",` +
  `"hash":${JSON.stringify(e.hash)},"streamName":${JSON.stringify(e.streamName)},` +
  `"streamPosition":${e.streamPosition}}`

/** The root after one more event: SHA-256 over the previous root, a newline and the event's leaf. */
export const extendRoot = (root: string, e: StoredEvent): string =>
  hash('sha256', `${root}\n${commitmentLeaf(e)}`)

/** The head after one more event. */
export const extendLogHead = (head: LogHead, e: StoredEvent): LogHead => ({
  format: head.format,
  position: e.globalPosition,
  count: head.count + 1,
  root: extendRoot(head.root, e),
})
