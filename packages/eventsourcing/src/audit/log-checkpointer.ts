import { createPublicKey, type KeyObject } from 'node:crypto'
import { CorruptEventError } from '../errors.js'
import { type Clock, systemClock } from '../ports.js'
import type { CheckpointStore } from '../store/checkpoint.js'
import type { EventLog } from '../store/event-log.js'
import { onEveryAppend, type Repeater } from '../store/tail.js'
import { emptyLogHead, extendLogHead, type LogHead } from './commitment.js'
import { eventHash } from './hash.js'
import {
  type Anchor,
  AnchorError,
  anchorToJson,
  auditPrivateKey,
  parseAnchor,
  signatureProblem,
  signLogHead,
} from './signed-head.js'

/** The checkpoint name under which the checkpointer keeps its latest signed head. */
export const logHeadCheckpoint = '$audit/log-head'

/**
 * The signed head saved under `name`, or null when there is none. The checkpoint's position is
 * the head's position plus one (the next event to cover), as for a projection's checkpoint.
 */
export const loadStoredHead = async (checkpoints: CheckpointStore, name: string): Promise<Anchor | null> => {
  const checkpoint = await checkpoints.load(name)
  if (checkpoint === null) return null
  const anchor = parseAnchor(checkpoint.state, `the stored head (checkpoint ${name})`)
  if (checkpoint.position !== anchor.position + 1n)
    throw new AnchorError(
      `the stored head (checkpoint ${name})`,
      `the checkpoint's position ${checkpoint.position} is not the head's position ${anchor.position} plus one`,
    )
  return anchor
}

export interface LogCheckpointerOptions {
  readonly log: EventLog
  /** Where the signed head is kept: the store's checkpoint store (no schema of its own). */
  readonly checkpoints: CheckpointStore
  /** The dealer's Ed25519 private key (KeyObject or PKCS #8 PEM); the database never holds it. */
  readonly privateKey: KeyObject | string
  /** Signs each head with this clock's time (default: the system clock). */
  readonly clock?: Clock
  readonly name?: string
  /** Events read per page (default 1000). */
  readonly batchSize?: number
  /** Sign and save a head after this many new events while catching up (default 10,000), and at the end. */
  readonly signEvery?: number
  /**
   * While following (`start`), sign at most once per this many milliseconds (default 1000): each
   * head is a write, which on SQLite is a commit of its own beside the appends. Heads then lag the
   * log by up to this interval plus the log's poll interval.
   */
  readonly signIntervalMs?: number
}

export interface LogCheckpointer {
  /**
   * Extend the commitment over every event appended since the last head, then sign and save a new
   * head; resolves to the latest head (the stored one when nothing was appended).
   */
  readonly checkpoint: () => Promise<Anchor>
  /**
   * Checkpoint now, then after appends the log reports (or at its poll interval), at most once per
   * `signIntervalMs`, until closed.
   */
  readonly start: () => Repeater
}

/**
 * The log checkpointer: a catch-up runner over the whole log, in global order, that builds the
 * commitment (`commitment.ts`) and saves signed heads. Appends never wait for it: it reads what
 * they committed. It refuses to sign an event whose stored hash does not match its content, and
 * to continue from a stored head its own key did not sign. Several checkpointers over one store
 * are safe (each head they save is right), though the stored head may then step back.
 */
export const createLogCheckpointer = (options: LogCheckpointerOptions): LogCheckpointer => {
  const { log, checkpoints } = options
  const privateKey = auditPrivateKey(options.privateKey)
  const publicKey = createPublicKey(privateKey)
  const clock = options.clock ?? systemClock
  const name = options.name ?? logHeadCheckpoint
  const batchSize = Math.max(1, options.batchSize ?? 1000)
  const signEvery = Math.max(1, options.signEvery ?? 10_000)
  const signIntervalMs = Math.max(0, options.signIntervalMs ?? 1000)
  let current: Anchor | null = null
  let running: Promise<unknown> = Promise.resolve()

  const save = async (head: LogHead): Promise<Anchor> => {
    const signed = signLogHead(head, clock.now(), privateKey)
    await checkpoints.save(name, { position: signed.position + 1n, state: anchorToJson(signed) })
    current = signed
    return signed
  }

  /** The further of the head in memory and the stored one, which must carry this key's signature. */
  const resume = async (): Promise<Anchor | null> => {
    const stored = await loadStoredHead(checkpoints, name)
    if (stored === null || (current !== null && stored.count <= current.count)) return current
    const problem = signatureProblem(stored, publicKey)
    if (problem !== null)
      throw new AnchorError(`the stored head (checkpoint ${name})`, `refusing to extend it: ${problem}`)
    return stored
  }

  const run = async (): Promise<Anchor> => {
    let latest = await resume()
    let head: LogHead = latest ?? emptyLogHead
    let unsigned = 0
    for await (const e of log.readAll({
      from: head.position + 1n,
      to: null,
      batchSize,
      categories: null,
      types: null,
    })) {
      if (eventHash(e.prevHash, e) !== e.hash)
        throw new CorruptEventError(
          e.streamName,
          e.streamPosition,
          `refusing to sign global position ${e.globalPosition}: its stored hash does not match its content`,
        )
      head = extendLogHead(head, e)
      if (++unsigned >= signEvery) {
        latest = await save(head)
        unsigned = 0
      }
    }
    if (unsigned > 0 || latest === null) return save(head)
    current = latest
    return latest
  }

  const checkpoint = (): Promise<Anchor> => {
    const next = running.catch(() => undefined).then(run)
    running = next
    return next
  }

  return {
    checkpoint,
    start: () => {
      let last = Number.NEGATIVE_INFINITY
      return onEveryAppend(log, async () => {
        // Too soon: the log's next notification or poll runs this again.
        if (performance.now() - last < signIntervalMs) return
        last = performance.now()
        await checkpoint()
      })
    },
  }
}
