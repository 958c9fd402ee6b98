import type { KeyObject } from 'node:crypto'
import { CorruptEventError } from '../errors.js'
import { type Clock, systemClock } from '../ports.js'
import type { CheckpointStore } from '../store/checkpoint.js'
import { type EventLog, readWholeLog, type StoredEvent } from '../store/event-log.js'
import { emptyLogHead, extendLogHead, type LogHead } from './commitment.js'
import { eventHash } from './hash.js'
import { loadStoredHead, logHeadCheckpoint } from './log-checkpointer.js'
import { type Anchor, AnchorError, auditPublicKey, signatureProblem, unsignedAnchor } from './signed-head.js'

/**
 * What verify found wrong, the first thing only:
 * - `stream-link`: a stream's hash chain is broken (a position skipped, a prevHash or hash that
 *   does not match the stored content);
 * - `position-gap`: global positions that do not increase, or, on a store that numbers its events
 *   without gaps (`EventLog.contiguousPositions`), a missing position;
 * - `corrupt-event`: a row the store cannot read as an event (e.g. a derived column that disagrees
 *   with the stream name);
 * - `bad-head`: a signed head or anchor that does not hold (no signature where one was expected,
 *   another key, a signature that does not match);
 * - `head-mismatch`: the log's commitment differs from a signed head's or anchor's;
 * - `truncated`: the log ends before the last event a signed head or anchor covers.
 */
export type FindingCode =
  | 'stream-link'
  | 'position-gap'
  | 'corrupt-event'
  | 'bad-head'
  | 'head-mismatch'
  | 'truncated'

export interface Finding {
  readonly code: FindingCode
  readonly reason: string
  /** The event concerned, where the finding is at one event. */
  readonly streamName: string | null
  readonly streamPosition: number | null
  readonly globalPosition: bigint | null
  /** The head concerned: 'stored head' or 'anchor N' (1-based, in the order given). */
  readonly source: string | null
}

/** A head the log was checked against, and what was known of its signature. */
export interface CheckedHead {
  readonly source: string
  readonly anchor: Anchor
  /** `valid`: checked with the given public key; `unchecked`: signed, but no key was given; `none`: unsigned. */
  readonly signature: 'valid' | 'unchecked' | 'none'
}

export type VerifyResult =
  | {
      readonly ok: true
      readonly events: number
      readonly streams: number
      /**
       * The commitment over the whole log as verified, to keep outside the store and give to a later
       * verify: the stored signed head when it covers the whole log, else an unsigned anchor.
       */
      readonly anchor: Anchor
      readonly checked: ReadonlyArray<CheckedHead>
    }
  | { readonly ok: false; readonly events: number; readonly finding: Finding }

export interface VerifyEventsOptions {
  /** The log numbers its events 1, 2, 3, … without gaps: a missing position is a finding. */
  readonly contiguousPositions?: boolean
  /** Heads and anchors the log must match (their signatures already checked). */
  readonly heads?: ReadonlyArray<CheckedHead>
  /** The time of the unsigned anchor returned (default: the system clock). */
  readonly clock?: Clock
}

const at = (e: StoredEvent) => ({
  streamName: e.streamName,
  streamPosition: e.streamPosition,
  globalPosition: e.globalPosition,
})
const nowhere = { streamName: null, streamPosition: null, globalPosition: null, source: null }

const corruptFinding = (error: CorruptEventError): Finding => {
  const global = 'globalPosition' in error ? error.globalPosition : null
  return {
    code: 'corrupt-event',
    reason: error.reason,
    streamName: error.streamName,
    streamPosition: error.streamPosition,
    globalPosition: typeof global === 'bigint' ? global : null,
    source: null,
  }
}

/** 'the stored head' or 'anchor N', as a sentence names it. */
const named = (source: string) => (source === 'stored head' ? 'the stored head' : source)
const described = (h: CheckedHead) =>
  `${named(h.source)} (${h.anchor.count} events to global position ${h.anchor.position})`

/**
 * How the log differs from a head at the count the head covers (`position` and `root` are the
 * log's there), or null. Not located at one event: the difference lies anywhere up to there.
 */
const headMismatch = (h: CheckedHead, position: bigint, root: string): Finding | null => {
  const count = h.anchor.count
  if (h.anchor.position !== position)
    return {
      ...nowhere,
      code: 'head-mismatch',
      reason: `${described(h)} does not match the log, whose event number ${count} is at global position ${position}: events were deleted, inserted or renumbered`,
      source: h.source,
    }
  if (h.anchor.root !== root)
    return {
      ...nowhere,
      code: 'head-mismatch',
      reason:
        `the log's first ${count} events do not match ${described(h)}: root ${root.slice(0, 12)}… ` +
        `instead of ${h.anchor.root.slice(0, 12)}…; an event at or before global position ${position} ` +
        'was altered, moved, deleted or re-hashed',
      source: h.source,
    }
  return null
}

/**
 * Walk stored events in global order, check every stream's hash chain (positions without gaps,
 * each `prevHash` equal to the previous event's hash, each hash recomputed from the stored form),
 * that global positions increase (without gaps where promised), and build the commitment over the
 * whole log, comparing it with every head given at the count it covers. Stops at, and names, the
 * first finding; reading errors other than a corrupt event are thrown.
 */
export const verifyEvents = async (
  events: AsyncIterable<StoredEvent>,
  options: VerifyEventsOptions = {},
): Promise<VerifyResult> => {
  const contiguous = options.contiguousPositions === true
  const byCount = new Map<number, CheckedHead[]>()
  for (const h of options.heads ?? [])
    byCount.set(h.anchor.count, [...(byCount.get(h.anchor.count) ?? []), h])
  const streams = new Map<string, { position: number; hash: string }>()
  let head: LogHead = emptyLogHead
  const iterator = events[Symbol.asyncIterator]()
  let finished = false
  try {
    for (;;) {
      let next: IteratorResult<StoredEvent>
      try {
        next = await iterator.next()
      } catch (error) {
        finished = true
        if (error instanceof CorruptEventError)
          return { ok: false, events: head.count + 1, finding: corruptFinding(error) }
        throw error
      }
      if (next.done === true) {
        finished = true
        break
      }
      const e = next.value
      const count = head.count + 1
      const found = (code: FindingCode, reason: string): VerifyResult => ({
        ok: false,
        events: count,
        finding: { code, reason, ...at(e), source: null },
      })
      if (contiguous ? e.globalPosition !== head.position + 1n : e.globalPosition <= head.position)
        return found(
          'position-gap',
          e.globalPosition > head.position
            ? `global position ${e.globalPosition} follows ${head.position}: ` +
                `${e.globalPosition - head.position - 1n} position(s) missing, and this store numbers events without gaps`
            : `global position ${e.globalPosition} does not increase after ${head.position}`,
        )
      const last = streams.get(e.streamName) ?? { position: 0, hash: '' }
      if (e.streamPosition !== last.position + 1)
        return found(
          'stream-link',
          `expected position ${last.position + 1} after ${last.position}, found ${e.streamPosition}`,
        )
      if (e.prevHash !== last.hash)
        return found(
          'stream-link',
          `prevHash ${e.prevHash.slice(0, 12)}… does not match the previous event's hash`,
        )
      if (eventHash(e.prevHash, e) !== e.hash)
        return found('stream-link', 'the stored event was altered: its hash does not match its content')
      streams.set(e.streamName, { position: e.streamPosition, hash: e.hash })
      head = extendLogHead(head, e)
      for (const h of byCount.get(count) ?? []) {
        const mismatch = headMismatch(h, e.globalPosition, head.root)
        if (mismatch !== null) return { ok: false, events: count, finding: mismatch }
      }
    }
  } finally {
    if (!finished) await iterator.return?.()
  }
  const beyond = (options.heads ?? []).find((h) => h.anchor.count > head.count)
  if (beyond !== undefined)
    return {
      ok: false,
      events: head.count,
      finding: {
        ...nowhere,
        code: 'truncated',
        reason: `the log holds ${head.count} events up to global position ${head.position}, but ${described(beyond)} covers more: events were deleted`,
        source: beyond.source,
      },
    }
  const signed = (options.heads ?? []).find(
    (h) => h.anchor.count === head.count && h.anchor.signature !== null,
  )
  return {
    ok: true,
    events: head.count,
    streams: streams.size,
    anchor: signed?.anchor ?? unsignedAnchor(head, (options.clock ?? systemClock).now()),
    checked: options.heads ?? [],
  }
}

export interface VerifyOptions {
  /** Anchors the auditor kept outside the store: the log must still hold what each covers. */
  readonly anchors?: ReadonlyArray<Anchor>
  /** Where the log checkpointer saves its signed head (`store.checkpoints` of the SQL stores). */
  readonly checkpoints?: CheckpointStore
  /** The checkpoint name of the signed head; default `logHeadCheckpoint`. */
  readonly checkpointName?: string
  /**
   * The checkpointer's public key (Ed25519, KeyObject or PEM): signed heads and anchors are checked
   * against it, and the store must then hold a signed head.
   */
  readonly publicKey?: KeyObject | string
  readonly clock?: Clock
}

const checkedHead = (source: string, anchor: Anchor, key: KeyObject | null): CheckedHead | Finding => {
  if (anchor.signature === null) return { source, anchor, signature: 'none' }
  if (key === null) return { source, anchor, signature: 'unchecked' }
  const problem = signatureProblem(anchor, key)
  return problem === null
    ? { source, anchor, signature: 'valid' }
    : { ...nowhere, code: 'bad-head', reason: `${named(source)} does not hold: ${problem}`, source }
}

/**
 * Verify a whole store (or log): every stream's hash chain, global positions, and the commitment
 * over the whole log against the signed head the checkpointer stored (when `checkpoints` is given)
 * and against every anchor given. See docs/audit.md for what each finding means and what remains
 * undetectable.
 */
export const verify = async (
  store: { readonly log: EventLog } | EventLog,
  options: VerifyOptions = {},
): Promise<VerifyResult> => {
  const log = 'log' in store ? store.log : store
  const key = options.publicKey === undefined ? null : auditPublicKey(options.publicKey)
  const heads: CheckedHead[] = []
  const fail = (finding: Finding): VerifyResult => ({ ok: false, events: 0, finding })
  if (options.checkpoints !== undefined) {
    const name = options.checkpointName ?? logHeadCheckpoint
    let stored: Anchor | null
    try {
      stored = await loadStoredHead(options.checkpoints, name)
    } catch (error) {
      if (!(error instanceof AnchorError)) throw error
      return fail({ ...nowhere, code: 'bad-head', reason: error.message, source: 'stored head' })
    }
    if (stored === null && key !== null)
      return fail({
        ...nowhere,
        code: 'bad-head',
        reason: `the store holds no signed head (checkpoint ${name}), though a public key was given`,
        source: 'stored head',
      })
    if (stored !== null) {
      if (stored.signature === null)
        return fail({
          ...nowhere,
          code: 'bad-head',
          reason: 'the stored head is not signed',
          source: 'stored head',
        })
      const checked = checkedHead('stored head', stored, key)
      if ('code' in checked) return fail(checked)
      heads.push(checked)
    }
  }
  for (const [i, anchor] of (options.anchors ?? []).entries()) {
    const checked = checkedHead(`anchor ${i + 1}`, anchor, key)
    if ('code' in checked) return fail(checked)
    heads.push(checked)
  }
  return verifyEvents(readWholeLog(log), {
    contiguousPositions: log.contiguousPositions === true,
    heads,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  })
}
