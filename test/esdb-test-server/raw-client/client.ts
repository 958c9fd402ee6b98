import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

/**
 * An independent gRPC client for checking the test server on its own: @grpc/grpc-js with
 * protobufjs (through @grpc/proto-loader) over protocol declarations written for these tests
 * (`*.proto` beside this file) — neither the project's adapter nor `@eventstore/db-client`
 * and its generated code, which the test server itself is built on. Messages are plain
 * objects with the protocol's field names; 64-bit integers are decimal strings; `oneofs`
 * name the field that is set (`id.value === 'structured'`).
 */

const definition = protoLoader.loadSync('streams.proto', {
  includeDirs: [fileURLToPath(new URL('.', import.meta.url))],
  keepCase: true,
  longs: String,
  enums: Number,
  defaults: false,
  oneofs: true,
})

export interface Uuid {
  readonly value?: 'structured' | 'string'
  readonly structured?: { readonly most_significant_bits: string; readonly least_significant_bits: string }
  readonly string?: string
}
export interface Proposed {
  readonly id?: Uuid
  readonly metadata?: Record<string, string>
  readonly custom_metadata?: Buffer
  readonly data?: Buffer
}
export type Expectation =
  | { readonly any: object }
  | { readonly no_stream: object }
  | { readonly stream_exists: object }
  | { readonly revision: string }
export interface RecordedEvent {
  readonly id: Uuid
  readonly stream_revision: string
  readonly commit_position: string
  readonly metadata: Record<string, string>
  readonly data?: Buffer
}
export interface AppendResp {
  readonly result: 'success' | 'wrong_expected_version'
  readonly success?: {
    readonly current_revision_option: 'current_revision' | 'no_stream'
    readonly current_revision?: string
    readonly position_option: 'position' | 'no_position'
    readonly position?: { readonly commit_position: string; readonly prepare_position: string }
  }
  readonly wrong_expected_version?: {
    readonly current_revision?: string
    readonly current_no_stream?: object
  }
}
export interface BatchAppendResp {
  readonly correlation_id: Uuid
  readonly result: 'success' | 'error'
  readonly success?: {
    readonly current_revision?: string
    readonly position?: { readonly commit_position: string }
  }
  readonly error?: {
    readonly code: number
    readonly message: string
    readonly details?: { readonly type_url: string; readonly value: Buffer }
  }
}
export interface ReadResp {
  readonly content: 'event' | 'stream_not_found'
  readonly event?: { readonly event: RecordedEvent }
}

/** A call's outcome: its response(s), or the gRPC status it failed with (and its trailers). */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false
      readonly code: number
      readonly details: string
      readonly trailers: Record<string, string>
    }

interface Streams {
  Append(
    callback: (error: grpc.ServiceError | null, response?: AppendResp) => void,
  ): grpc.ClientWritableStream<object>
  BatchAppend(): grpc.ClientDuplexStream<object, BatchAppendResp>
  Read(request: object): grpc.ClientReadableStream<ReadResp>
  close(): void
}
type StreamsConstructor = new (address: string, credentials: grpc.ChannelCredentials) => Streams

const packageObject = grpc.loadPackageDefinition(definition) as unknown as {
  event_store: { client: { streams: { Streams: StreamsConstructor } } }
}

const failure = (error: grpc.ServiceError) => ({
  ok: false as const,
  code: error.code,
  details: error.details,
  trailers: Object.fromEntries(
    Object.entries(error.metadata?.getMap() ?? {}).map(([k, v]) => [k, v.toString()] as const),
  ),
})

export const streamIdentifier = (name: string) => ({ stream_name: Buffer.from(name, 'utf8') })
export const stringUuid = (uuid: string): Uuid => ({ string: uuid })
export const structuredUuid = (mostSignificantBits: bigint, leastSignificantBits: bigint): Uuid => ({
  structured: {
    most_significant_bits: mostSignificantBits.toString(),
    least_significant_bits: leastSignificantBits.toString(),
  },
})

/** A JSON event with a string id unless `id` says otherwise. */
export const jsonMessage = (id: Uuid | undefined, type: string, data: unknown = {}): Proposed => ({
  ...(id === undefined ? {} : { id }),
  metadata: { type, 'content-type': 'application/json' },
  data: Buffer.from(JSON.stringify(data), 'utf8'),
})

export interface RawClient {
  /** Append: the options message, then one message per event. */
  append(
    stream: string,
    expected: Expectation,
    messages: ReadonlyArray<Proposed>,
  ): Promise<Outcome<AppendResp>>
  /** BatchAppend: sends every request, ends its side, and collects every response until the server ends. */
  batchAppend(requests: ReadonlyArray<object>): Promise<Outcome<BatchAppendResp[]>>
  /** Read a stream forwards from its start; `uuidOption` null sends none. */
  readStream(
    stream: string,
    uuidOption: 'structured' | 'string' | 'unset' | null,
  ): Promise<Outcome<ReadResp[]>>
  close(): void
}

export const rawClient = (port: number): RawClient => {
  const client = new packageObject.event_store.client.streams.Streams(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  )
  return {
    append: (stream, expected, messages) =>
      new Promise((resolve) => {
        const call = client.Append((error, response) =>
          resolve(error ? failure(error) : { ok: true, value: response as AppendResp }),
        )
        call.on('error', () => undefined)
        call.write({ options: { stream_identifier: streamIdentifier(stream), ...expected } })
        for (const message of messages) call.write({ proposed_message: message })
        call.end()
      }),
    batchAppend: (requests) =>
      new Promise((resolve) => {
        const call = client.BatchAppend()
        const responses: BatchAppendResp[] = []
        call.on('data', (response: BatchAppendResp) => responses.push(response))
        call.on('error', (error: grpc.ServiceError) => resolve(failure(error)))
        call.on('end', () => resolve({ ok: true, value: responses }))
        for (const request of requests) call.write(request)
        call.end()
      }),
    readStream: (stream, uuidOption) =>
      new Promise((resolve) => {
        const uuid =
          uuidOption === null ? {} : { uuid_option: uuidOption === 'unset' ? {} : { [uuidOption]: {} } }
        const call = client.Read({
          options: {
            stream: { stream_identifier: streamIdentifier(stream), start: {} },
            read_direction: 0,
            count: '1000',
            no_filter: {},
            ...uuid,
          },
        })
        const responses: ReadResp[] = []
        call.on('data', (response: ReadResp) => responses.push(response))
        call.on('error', (error: grpc.ServiceError) => resolve(failure(error)))
        call.on('end', () => resolve({ ok: true, value: responses }))
      }),
    close: () => client.close(),
  }
}
