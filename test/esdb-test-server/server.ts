import { randomUUID } from 'node:crypto'
import { type Expected, InMemoryLog, type LogRecord, type ProposedEvent } from './log.js'
import {
  anyPb,
  type GrpcServer,
  grpc,
  type StreamsPb,
  serverFeaturesGrpc,
  serverFeaturesPb,
  sharedPb,
  statusPb,
  streamsGrpc,
  streamsPb,
} from './modules.js'

/** The version this stand-in reports, and the calls it implements (the client picks Append, not BatchAppend). */
export const TEST_SERVER_VERSION = '24.10.0-test'
const SUPPORTED = [['event_store.client.streams.streams', ['read', 'append', 'batchappend']]] as const

const supportedMethods = (batchAppend: boolean) => {
  const methods = new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion(TEST_SERVER_VERSION)
  for (const [service, names] of SUPPORTED)
    for (const name of names.filter((n) => batchAppend || n !== 'batchappend'))
      methods.addMethods(new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(name))
  return methods
}

/** The parts of grpc-js's server call objects this server uses. */
interface ReadCall {
  readonly request: StreamsPb.ReadReq
  write(message: StreamsPb.ReadResp): boolean
  end(): void
  emit(event: 'error', error: Error & { code: number; details: string }): boolean
  on(event: 'cancelled' | 'close', listener: () => void): void
}
interface BatchAppendCall {
  on(event: 'data', listener: (request: StreamsPb.BatchAppendReq) => void): void
  on(event: 'error' | 'end', listener: () => void): void
  write(response: StreamsPb.BatchAppendResp): boolean
  end(): void
}
interface AppendCall {
  on(event: 'data', listener: (request: StreamsPb.AppendReq) => void): void
  on(event: 'error' | 'end', listener: () => void): void
}
type AppendCallback = (
  error: { name: string; message: string; code: number } | null,
  response: StreamsPb.AppendResp | null,
) => void
type ReadOptions = StreamsPb.ReadReq.Options

const text = (value: Uint8Array | string): string =>
  typeof value === 'string' ? value : Buffer.from(value).toString('utf8')

const identifier = (name: string) => new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'))

const eventResponse = (r: LogRecord): StreamsPb.ReadResp => {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(r.id))
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

export interface EsdbTestServer {
  readonly port: number
  readonly log: InMemoryLog
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string
  /** Kill every HTTP/2 connection (as a network fault would) and listen again on the same port. */
  readonly dropConnections: () => Promise<void>
  readonly close: () => Promise<void>
}

const bind = (server: GrpcServer, port: number): Promise<number> =>
  new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  )

/**
 * A protocol-level stand-in for EventStoreDB/KurrentDB (v1 gRPC Streams service) over an
 * in-memory log, for tests only. It implements what the adapter uses: Append, Read of a
 * stream, Read of $all (forwards and backwards, filtered) and catch-up subscriptions to $all
 * with filters, confirmation and CaughtUp, Append and BatchAppend, and ServerFeatures listing
 * those calls (so the client negotiates BatchAppend as with a real 21.10+ server;
 * `{ batchAppend: false }` leaves it out and the client falls back to Append).
 * Other services answer UNIMPLEMENTED.
 */
export const startEsdbTestServer = async (
  options: { readonly log?: InMemoryLog; readonly batchAppend?: boolean } = {},
): Promise<EsdbTestServer> => {
  const log = options.log ?? seededLog()
  const live = new Set<() => void>()

  const readStream = (call: ReadCall, o: ReadOptions) => {
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
        call.write(eventResponse(stream[i] as LogRecord))
    } else {
      let i = streamOptions?.hasRevision() ? Number(streamOptions.getRevision()) : 0
      if (streamOptions?.hasEnd()) i = stream.length
      for (; i < stream.length && count > 0n; i++, count--) call.write(eventResponse(stream[i] as LogRecord))
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

  const readAll = (call: ReadCall, o: ReadOptions) => {
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
        call.write(eventResponse(r))
        count--
      }
    } else {
      for (let i = startIndex(o, false); i < log.records.length && count > 0n; i++) {
        const r = log.records[i] as LogRecord
        if (!matches(r)) continue
        call.write(eventResponse(r))
        count--
      }
    }
    call.end()
  }

  const subscribeToAll = (call: ReadCall, o: ReadOptions) => {
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
        if (matches(r)) call.write(eventResponse(r))
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

  const expectedOf = (o: StreamsPb.AppendReq.Options): Expected =>
    o.hasRevision()
      ? { kind: 'revision', revision: BigInt(o.getRevision()) }
      : o.hasNoStream()
        ? { kind: 'no_stream' }
        : o.hasStreamExists()
          ? { kind: 'stream_exists' }
          : { kind: 'any' }

  const append = (call: AppendCall, callback: AppendCallback) => {
    let header: StreamsPb.AppendReq.Options | undefined
    const events: ProposedEvent[] = []
    call.on('data', (req: StreamsPb.AppendReq) => {
      const options = req.getOptions()
      if (options !== undefined) header = options
      const message = req.getProposedMessage()
      if (message !== undefined) {
        const metadata = message.getMetadataMap()
        events.push({
          id: message.getId()?.getString() ?? randomUUID(),
          type: metadata.get('type') ?? '',
          contentType: metadata.get('content-type') ?? 'application/octet-stream',
          data: message.getData_asU8(),
          metadata: message.getCustomMetadata_asU8(),
        })
      }
    })
    call.on('error', () => undefined)
    call.on('end', () => {
      if (header === undefined) {
        callback({ name: 'InvalidArgument', message: 'no options', code: grpc.status.INVALID_ARGUMENT }, null)
        return
      }
      const name = text(header.getStreamIdentifier()?.getStreamName() ?? '')
      const expected = expectedOf(header)
      const outcome = log.append(name, expected, events)
      const response = new streamsPb.AppendResp()
      if (outcome.ok) {
        const success = new streamsPb.AppendResp.Success()
        if (outcome.currentRevision === null) success.setNoStream(new sharedPb.Empty())
        else success.setCurrentRevision(outcome.currentRevision.toString())
        if (outcome.position === null) success.setNoPosition(new sharedPb.Empty())
        else
          success.setPosition(
            new streamsPb.AppendResp.Position()
              .setCommitPosition(outcome.position.toString())
              .setPreparePosition(outcome.position.toString()),
          )
        response.setSuccess(success)
      } else {
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion()
        if (outcome.currentRevision === null) wrong.setCurrentNoStream(new sharedPb.Empty())
        else wrong.setCurrentRevision(outcome.currentRevision.toString())
        if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString())
        else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty())
        else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty())
        else wrong.setExpectedAny(new sharedPb.Empty())
        response.setWrongExpectedVersion(wrong)
      }
      callback(null, response)
    })
  }

  /**
   * BatchAppend (what the client uses when ServerFeatures lists it): requests carry a
   * correlation id, the options on the first one and `is_final` on the last; each batch is
   * answered with Success, or an error status whose details pack WrongExpectedVersion.
   */
  const batchAppend = (call: BatchAppendCall) => {
    const pending = new Map<
      string,
      { options: StreamsPb.BatchAppendReq.Options | undefined; events: ProposedEvent[] }
    >()
    call.on('data', (req: StreamsPb.BatchAppendReq) => {
      const correlation = req.getCorrelationId()?.getString() ?? ''
      const batch = pending.get(correlation) ?? { options: undefined, events: [] }
      pending.set(correlation, batch)
      if (req.hasOptions()) batch.options = req.getOptions()
      for (const message of req.getProposedMessagesList()) {
        const metadata = message.getMetadataMap()
        batch.events.push({
          id: message.getId()?.getString() ?? randomUUID(),
          type: metadata.get('type') ?? '',
          contentType: metadata.get('content-type') ?? 'application/octet-stream',
          data: message.getData_asU8(),
          metadata: message.getCustomMetadata_asU8(),
        })
      }
      if (!req.getIsFinal()) return
      pending.delete(correlation)
      const o = batch.options
      const name = text(o?.getStreamIdentifier()?.getStreamName() ?? '')
      const expected: Expected =
        o === undefined || o.hasAny()
          ? { kind: 'any' }
          : o.hasStreamPosition()
            ? { kind: 'revision', revision: BigInt(o.getStreamPosition()) }
            : o.hasNoStream()
              ? { kind: 'no_stream' }
              : o.hasStreamExists()
                ? { kind: 'stream_exists' }
                : { kind: 'any' }
      const outcome = log.append(name, expected, batch.events)
      const response = new streamsPb.BatchAppendResp()
        .setCorrelationId(new sharedPb.UUID().setString(correlation))
        .setStreamIdentifier(identifier(name))
      if (outcome.ok) {
        const success = new streamsPb.BatchAppendResp.Success()
        if (outcome.currentRevision === null) success.setNoStream(new sharedPb.Empty())
        else success.setCurrentRevision(outcome.currentRevision.toString())
        if (outcome.position === null) success.setNoPosition(new sharedPb.Empty())
        else
          success.setPosition(
            new sharedPb.AllStreamPosition()
              .setCommitPosition(outcome.position.toString())
              .setPreparePosition(outcome.position.toString()),
          )
        response.setSuccess(success)
      } else {
        const wrong = new sharedPb.WrongExpectedVersion()
        if (outcome.currentRevision === null) wrong.setCurrentNoStream(new sharedPb.Empty())
        else wrong.setCurrentStreamRevision(outcome.currentRevision.toString())
        if (expected.kind === 'revision') wrong.setExpectedStreamPosition(expected.revision.toString())
        else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty())
        else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty())
        else wrong.setExpectedAny(new sharedPb.Empty())
        const details = new anyPb.Any()
        details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion')
        const status = new statusPb.Status().setCode(6).setMessage('WrongExpectedVersion')
        status.setDetails(details as Parameters<typeof status.setDetails>[0])
        response.setError(status)
      }
      call.write(response)
    })
    call.on('error', () => undefined)
    call.on('end', () => call.end())
  }

  /**
   * Like the server, refuse to read `$all` from a position that is not an event's (the real
   * server finds no record boundary there and answers InvalidPosition).
   */
  const invalidPosition = (o: ReadOptions): boolean => {
    const position = o.getAll()?.getPosition()
    return o.hasAll() && position !== undefined && !log.isBoundary(BigInt(position.getCommitPosition()))
  }

  const implementation = {
    read: (call: ReadCall) => {
      const o = call.request.getOptions()
      if (o === undefined) {
        call.emit(
          'error',
          Object.assign(new Error('no options'), {
            code: grpc.status.INVALID_ARGUMENT,
            details: 'no options',
          }),
        )
        return
      }
      if (invalidPosition(o)) {
        const details = 'Invalid position'
        call.emit('error', Object.assign(new Error(details), { code: grpc.status.INVALID_ARGUMENT, details }))
        return
      }
      if (o.hasStream()) readStream(call, o)
      else if (o.hasSubscription()) subscribeToAll(call, o)
      else readAll(call, o)
    },
    append,
    batchAppend,
  }

  const listen = async (port: number) => {
    const server = new grpc.Server()
    server.addService(streamsGrpc.StreamsService, implementation)
    server.addService(serverFeaturesGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: (error: null, methods: unknown) => void) =>
        callback(null, supportedMethods(options.batchAppend !== false)),
    })
    return { server, port: await bind(server, port) }
  }

  let current = await listen(0)
  const port = current.port
  const shutdown = () => {
    for (const stop of [...live]) stop()
    current.server.forceShutdown()
  }
  return {
    port,
    log,
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    dropConnections: async () => {
      shutdown()
      current = await listen(port)
    },
    close: async () => shutdown(),
  }
}

/** A fresh database: like a real one, $all already holds a few system events. */
export const seededLog = (): InMemoryLog => {
  const log = new InMemoryLog()
  const system = (stream: string, type: string) =>
    log.append(stream, { kind: 'any' }, [
      {
        id: randomUUID(),
        type,
        contentType: 'application/json',
        data: Buffer.from('{}'),
        metadata: new Uint8Array(),
      },
    ])
  system('$settings', '$settings')
  system('$users', '$UserCreated')
  return log
}
