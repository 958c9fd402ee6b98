/** One event as the server stores it: a stream revision (0-based) and a log position. */
export interface LogRecord {
  readonly streamName: string
  readonly revision: bigint
  readonly id: string
  readonly type: string
  readonly contentType: string
  data: Uint8Array
  readonly metadata: Uint8Array
  /** .NET ticks (100 ns since 0001-01-01), as the server reports `created`. */
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

const TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000n
/** The first position after the chunk header and the epoch records a fresh database starts with. */
const FIRST_POSITION = 128n

/**
 * The in-memory transaction log: positions are byte offsets that grow by each record's size,
 * so they are increasing but not dense, like a real server's.
 */
export class InMemoryLog {
  readonly records: LogRecord[] = []
  private readonly streams = new Map<string, LogRecord[]>()
  private readonly listeners = new Set<() => void>()
  private nextPosition = FIRST_POSITION

  stream(name: string): ReadonlyArray<LogRecord> | undefined {
    return this.streams.get(name)
  }

  /** The expected-version rule the server documents (0-based revisions). */
  append(streamName: string, expected: Expected, events: ReadonlyArray<ProposedEvent>): AppendOutcome {
    const stream = this.streams.get(streamName)
    const current = stream === undefined || stream.length === 0 ? null : BigInt(stream.length - 1)
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === null) ||
      (expected.kind === 'stream_exists' && current !== null) ||
      (expected.kind === 'revision' && current === expected.revision)
    if (!ok) return { ok: false, currentRevision: current }
    if (events.length === 0) return { ok: true, currentRevision: current, position: null }
    const target = stream ?? []
    const created = BigInt(Date.now()) * 10_000n + TICKS_AT_UNIX_EPOCH
    let position: bigint | null = null
    for (const e of events) {
      const record: LogRecord = {
        ...e,
        streamName,
        revision: BigInt(target.length),
        created,
        position: this.nextPosition,
      }
      this.nextPosition += BigInt(64 + streamName.length + e.type.length + e.data.length + e.metadata.length)
      target.push(record)
      this.records.push(record)
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
