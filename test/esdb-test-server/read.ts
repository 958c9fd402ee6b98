import { randomUUID } from 'node:crypto'
import { identifier, text } from './append.js'
import type { InMemoryLog, LogRecord } from './log.js'
import { type StreamsPb, streamsPb } from './modules.js'
import { refused } from './rules.js'
import { type UuidForm, uuidDto } from './uuid.js'

/** The parts of grpc-js's server call object Read uses. */
interface ReadCall {
  readonly request: StreamsPb.ReadReq
  write(message: StreamsPb.ReadResp): boolean
  end(): void
  emit(event: 'error', error: Error & { code: number; details: string }): boolean
  on(event: 'cancelled' | 'close', listener: () => void): void
}
type ReadOptions = StreamsPb.ReadReq.Options

const eventResponse = (r: LogRecord, form: UuidForm): StreamsPb.ReadResp => {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidDto(r.id, form))
    .setStreamIdentifier(identifier(r.streamName))
    .setStreamRevision(r.revision.toString())
    .setPreparePosition(r.position.toString())
    .setCommitPosition(r.position.toString())
    .setCustomMetadata(r.metadata)
    .setData(r.data)
  recorded
    .getMetadataMap()
    .set('type', r.type)
    .set('content-type', r.contentType)
    .set('created', r.created.toString())
  const event = new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(r.position.toString())
  return new streamsPb.ReadResp().setEvent(event)
}

/** The server's filter semantics: a prefix list or a regular expression, on stream name or event type. */
const filterOf = (options: ReadOptions): ((r: LogRecord) => boolean) => {
  const filter = options.getFilter()
  if (!options.hasFilter() || filter === undefined) return () => true
  const onType = filter.hasEventType()
  const expression = onType ? filter.getEventType() : filter.getStreamIdentifier()
  const prefixes = expression?.getPrefixList() ?? []
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : null
  return (r) => {
    const subject = onType ? r.type : r.streamName
    if (prefixes.length > 0) return prefixes.some((p) => subject.startsWith(p))
    return regex === null || regex.test(subject)
  }
}

/**
 * Read: of a stream, of `$all` (forwards and backwards, filtered), and catch-up subscriptions to
 * `$all` with confirmation, checkpoint and CaughtUp. `live` holds the stops of open subscriptions.
 */
export const readCall = (log: InMemoryLog, live: Set<() => void>) => {
  const readStream = (call: ReadCall, o: ReadOptions, form: UuidForm) => {
    const streamOptions = o.getStream()
    const name = text(streamOptions?.getStreamIdentifier()?.getStreamName() ?? '')
    const stream = log.stream(name)
    if (stream === undefined) {
      call.write(
        new streamsPb.ReadResp().setStreamNotFound(
          new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(identifier(name)),
        ),
      )
      call.end()
      return
    }
    let count = o.hasCount() ? BigInt(o.getCount()) : BigInt(Number.MAX_SAFE_INTEGER)
    if (o.getReadDirection() === 1) {
      let i = streamOptions?.hasRevision() ? Number(streamOptions.getRevision()) : stream.length - 1
      for (i = Math.min(i, stream.length - 1); i >= 0 && count > 0n; i--, count--)
        call.write(eventResponse(stream[i] as LogRecord, form))
    } else {
      let i = streamOptions?.hasRevision() ? Number(streamOptions.getRevision()) : 0
      if (streamOptions?.hasEnd()) i = stream.length
      for (; i < stream.length && count > 0n; i++, count--)
        call.write(eventResponse(stream[i] as LogRecord, form))
    }
    call.end()
  }

  const startIndex = (o: ReadOptions, exclusive: boolean): number => {
    const all = o.getAll()
    if (all?.hasEnd()) return log.records.length
    const position = all?.getPosition()
    if (!all?.hasPosition() || position === undefined) return 0
    const at = BigInt(position.getCommitPosition())
    const index = log.indexAtOrAfter(at)
    return exclusive && log.records[index]?.position === at ? index + 1 : index
  }

  const readAll = (call: ReadCall, o: ReadOptions, form: UuidForm) => {
    const matches = filterOf(o)
    let count = o.hasCount() ? BigInt(o.getCount()) : BigInt(Number.MAX_SAFE_INTEGER)
    if (o.getReadDirection() === 1) {
      const all = o.getAll()
      const before =
        all?.hasPosition() && all.getPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : null
      let i = before === null ? log.records.length - 1 : log.indexAtOrAfter(before) - 1
      for (; i >= 0 && count > 0n; i--) {
        const r = log.records[i] as LogRecord
        if (!matches(r)) continue
        call.write(eventResponse(r, form))
        count--
      }
    } else {
      for (let i = startIndex(o, false); i < log.records.length && count > 0n; i++) {
        const r = log.records[i] as LogRecord
        if (!matches(r)) continue
        call.write(eventResponse(r, form))
        count--
      }
    }
    call.end()
  }

  const subscribeToAll = (call: ReadCall, o: ReadOptions, form: UuidForm) => {
    const matches = filterOf(o)
    let index = startIndex(o, true)
    call.write(
      new streamsPb.ReadResp().setConfirmation(
        new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()),
      ),
    )
    const pump = () => {
      for (; index < log.records.length; index++) {
        const r = log.records[index] as LogRecord
        if (matches(r)) call.write(eventResponse(r, form))
      }
    }
    pump()
    const last = log.records[log.records.length - 1]
    if (o.hasFilter() && last !== undefined)
      call.write(
        new streamsPb.ReadResp().setCheckpoint(
          new streamsPb.ReadResp.Checkpoint()
            .setCommitPosition(last.position.toString())
            .setPreparePosition(last.position.toString()),
        ),
      )
    call.write(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()))
    const unlisten = log.onAppend(pump)
    const stop = () => {
      unlisten()
      live.delete(stop)
    }
    live.add(stop)
    call.on('cancelled', stop)
    call.on('close', stop)
  }

  /**
   * Like the server, refuse to read `$all` from a position that is not an event's (the real
   * server finds no record boundary there and answers InvalidPosition).
   */
  const invalidPosition = (o: ReadOptions): boolean => {
    const position = o.getAll()?.getPosition()
    return o.hasAll() && position !== undefined && !log.isBoundary(BigInt(position.getCommitPosition()))
  }

  return (call: ReadCall) => {
    const o = call.request.getOptions()
    if (o === undefined) return call.emit('error', refused.invalidArgument('no options'))
    // The server requires uuid_option and answers in the structured form unless it asks for strings.
    const uuidOption = o.getUuidOption()
    if (uuidOption === undefined)
      return call.emit(
        'error',
        refused.invalidArgument(' `uuidOption` is a required argument of type UUIDOption'),
      )
    const form: UuidForm = uuidOption.hasString() ? 'string' : 'structured'
    if (invalidPosition(o)) return call.emit('error', refused.invalidArgument('Invalid position'))
    if (o.hasStream()) readStream(call, o, form)
    else if (o.hasSubscription()) subscribeToAll(call, o, form)
    else readAll(call, o, form)
  }
}
