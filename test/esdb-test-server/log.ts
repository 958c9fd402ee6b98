/** One event as the server stores it: a stream revision (0-based) and a log position. */
export interface LogRecord {
  readonly streamName: string
  readonly revision: bigint
  /** Lower-case hyphenated UUID. */
  readonly id: string
  readonly type: string
  /** The server keeps only whether an event is JSON, so reads give one of these two. */
  readonly contentType: 'application/json' | 'application/octet-stream'
  data: Uint8Array
  readonly metadata: Uint8Array
  /**
   * When the server wrote the event, by its clock, in ticks of 100 ns since the Unix epoch: what a
   * real server reports as `created` (the client divides by 10,000 for a Date).
   */
  readonly created: bigint
  /** Commit position = prepare position: the byte offset of the record in the transaction file. */
  readonly position: bigint
}

export interface ProposedEvent {
  readonly id: string
  readonly type: string
  readonly contentType: string
  readonly data: Uint8Array
  readonly metadata: Uint8Array
}

export type Expected =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint }

export type AppendOutcome =
  | { readonly ok: true; readonly currentRevision: bigint | null; readonly position: bigint | null }
  | { readonly ok: false; readonly currentRevision: bigint | null }

/** The first position after the chunk header and the epoch records a fresh database starts with. */
const FIRST_POSITION = 128n

/**
 * The in-memory transaction log: positions are byte offsets that grow by each record's size,
 * so they are increasing but not dense, like a real server's.
 */
export class InMemoryLog {
  /** `now` is the server's clock (ms since the epoch): a test may step it back as a real clock can. */
  constructor(private readonly now: () => number = Date.now) {}

  readonly records: LogRecord[] = []
  private readonly streams = new Map<string, LogRecord[]>()
  /** Every event id and the last record that carries it (the server's committed-events cache, unbounded here). */
  private readonly ids = new Map<string, LogRecord>()
  private readonly listeners = new Set<() => void>()
  private nextPosition = FIRST_POSITION

  stream(name: string): ReadonlyArray<LogRecord> | undefined {
    return this.streams.get(name)
  }

  /**
   * The server's commit check: the expected-version rule (0-based revisions) and its idempotency
   * rules. With an exact expectation (`no_stream` = -1) below the current revision, events whose
   * ids are those at the following revisions are acknowledged at the last of them and not
   * written again; with `any`/`stream_exists` the ids are looked up in the stream, starting with
   * the first: a new first id writes the whole batch. Any partial match is a wrong expected version.
   */
  append(streamName: string, expected: Expected, events: ReadonlyArray<ProposedEvent>): AppendOutcome {
    const stream = this.streams.get(streamName) ?? []
    const current = stream.length === 0 ? null : BigInt(stream.length - 1)
    const wrong: AppendOutcome = { ok: false, currentRevision: current }
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      if (expected.kind === 'stream_exists' && current === null) return wrong
      const known = events
        .map((e) => this.ids.get(e.id))
        .map((r) => (r?.streamName === streamName ? r : undefined))
      if (known[0] !== undefined) {
        const last = known[known.length - 1]
        return known.every((r) => r !== undefined) && last !== undefined ? this.acknowledged(last) : wrong
      }
    } else {
      const after = expected.kind === 'no_stream' ? -1n : expected.revision
      const head = current ?? -1n
      if (after > head) return wrong
      if (after < head) {
        const next = Number(after) + 1
        const matches = events.length > 0 && events.every((e, i) => stream[next + i]?.id === e.id)
        return matches ? this.acknowledged(stream[next + events.length - 1] as LogRecord) : wrong
      }
    }
    if (events.length === 0) return { ok: true, currentRevision: current, position: null }
    return this.write(streamName, stream, events)
  }

  private acknowledged(last: LogRecord): AppendOutcome {
    return { ok: true, currentRevision: last.revision, position: last.position }
  }

  private write(
    streamName: string,
    target: LogRecord[],
    events: ReadonlyArray<ProposedEvent>,
  ): AppendOutcome {
    const created = BigInt(Math.floor(this.now())) * 10_000n
    let position: bigint | null = null
    for (const e of events) {
      const record: LogRecord = {
        ...e,
        contentType: e.contentType === 'application/json' ? 'application/json' : 'application/octet-stream',
        streamName,
        revision: BigInt(target.length),
        created,
        position: this.nextPosition,
      }
      this.nextPosition += BigInt(64 + streamName.length + e.type.length + e.data.length + e.metadata.length)
      target.push(record)
      this.records.push(record)
      this.ids.set(record.id, record)
      position = record.position
    }
    this.streams.set(streamName, target)
    for (const listener of this.listeners) listener()
    return { ok: true, currentRevision: BigInt(target.length - 1), position }
  }

  /** Index of the first record at or after a position. */
  indexAtOrAfter(position: bigint): number {
    let lo = 0
    let hi = this.records.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.records[mid] as LogRecord).position < position) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** A position a read may start from: an event's, or the end of the log. */
  isBoundary(position: bigint): boolean {
    return (
      position === 0n ||
      position >= this.nextPosition ||
      this.records[this.indexAtOrAfter(position)]?.position === position
    )
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Test backdoor: change a stored event's data in place (what a scavenge or a disk fault could do). */
  tamper(streamName: string, revision: bigint, data: Uint8Array): void {
    const record = this.streams.get(streamName)?.[Number(revision)]
    if (record === undefined) throw new Error(`no event ${streamName}@${revision}`)
    record.data = data
  }
}
