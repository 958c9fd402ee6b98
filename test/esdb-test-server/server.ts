import { randomUUID } from 'node:crypto'
import { appendCall, batchAppendCall } from './append.js'
import { InMemoryLog } from './log.js'
import { type GrpcServer, grpc, serverFeaturesGrpc, serverFeaturesPb, streamsGrpc } from './modules.js'
import { readCall } from './read.js'
import { DEFAULT_MAX_APPEND_SIZE } from './rules.js'

/** The version this stand-in reports, and the calls it implements (the client picks Append, not BatchAppend). */
export const TEST_SERVER_VERSION = '24.10.0-test'
const SUPPORTED = [['event_store.client.streams.streams', ['read', 'append', 'batchappend']]] as const
/** The largest gRPC message the server's Streams service receives (TFConsts.EffectiveMaxLogRecordSize, about 16 MiB). */
const MAX_RECEIVE_MESSAGE = 16 * 1024 * 1024

const supportedMethods = (batchAppend: boolean) => {
  const methods = new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion(TEST_SERVER_VERSION)
  for (const [service, names] of SUPPORTED)
    for (const name of names.filter((n) => batchAppend || n !== 'batchappend'))
      methods.addMethods(new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(name))
  return methods
}

export interface EsdbTestServerOptions {
  readonly log?: InMemoryLog
  /** Advertise BatchAppend in ServerFeatures (default true); without it the client uses Append. */
  readonly batchAppend?: boolean
  /** The server's MaxAppendSize in bytes (default 1 MiB). */
  readonly maxAppendSize?: number
}

export interface EsdbTestServer {
  readonly port: number
  readonly log: InMemoryLog
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string
  /** Append calls and BatchAppend requests received, refused ones included: what tests check was never sent. */
  readonly calls: { readonly append: number }
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
 * in-memory log, for tests only. It implements what the adapter uses — Read of a stream, Read of
 * $all (forwards and backwards, filtered), catch-up subscriptions to $all with filters, Append
 * and BatchAppend, and ServerFeatures listing those calls (so the client negotiates BatchAppend
 * as with a real 21.10+ server; `{ batchAppend: false }` leaves it out and the client falls
 * back to Append) — with the server's rules for event ids in both UUID forms, idempotent
 * appends, stream names, required metadata and the maximum append size. Other services answer
 * UNIMPLEMENTED. docs/adapters.md lists where it still differs from a real server.
 */
export const startEsdbTestServer = async (options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> => {
  const log = options.log ?? seededLog()
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE
  const live = new Set<() => void>()
  const calls = { append: 0 }
  const append = appendCall(log, maxAppendSize)
  const batchAppend = batchAppendCall(log, maxAppendSize)
  const implementation = {
    read: readCall(log, live),
    append: (...args: Parameters<typeof append>) => {
      calls.append++
      append(...args)
    },
    batchAppend: (call: Parameters<typeof batchAppend>[0]) => {
      call.on('data', () => {
        calls.append++
      })
      batchAppend(call)
    },
  }

  const listen = async (port: number) => {
    const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE })
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
    calls,
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
