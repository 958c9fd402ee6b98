import { createRequire } from 'node:module'
import type * as ServerFeaturesGrpc from '../../packages/store-eventstoredb/node_modules/@eventstore/db-client/generated/serverfeatures_grpc_pb.js'
import type * as ServerFeaturesPb from '../../packages/store-eventstoredb/node_modules/@eventstore/db-client/generated/serverfeatures_pb.js'
import type * as SharedPb from '../../packages/store-eventstoredb/node_modules/@eventstore/db-client/generated/shared_pb.js'
import type * as StatusPb from '../../packages/store-eventstoredb/node_modules/@eventstore/db-client/generated/status_pb.js'
import type * as StreamsGrpc from '../../packages/store-eventstoredb/node_modules/@eventstore/db-client/generated/streams_grpc_pb.js'
import type * as StreamsPb from '../../packages/store-eventstoredb/node_modules/@eventstore/db-client/generated/streams_pb.js'

/**
 * The test server loads @grpc/grpc-js and the generated service definitions from where the
 * real client has them, so both ends speak exactly the protocol the client was generated from.
 */
const packageRequire = createRequire(
  new URL('../../packages/store-eventstoredb/package.json', import.meta.url),
)
const clientRequire = createRequire(packageRequire.resolve('@eventstore/db-client'))

export interface GrpcServer {
  addService(service: unknown, implementation: object): void
  bindAsync(
    address: string,
    credentials: unknown,
    callback: (error: Error | null, port: number) => void,
  ): void
  forceShutdown(): void
}

export interface GrpcMetadata {
  add(key: string, value: string): void
}

export interface GrpcModule {
  readonly Server: new (options?: Record<string, number>) => GrpcServer
  readonly ServerCredentials: { createInsecure(): unknown }
  readonly Metadata: new () => GrpcMetadata
  readonly status: {
    readonly UNKNOWN: number
    readonly INVALID_ARGUMENT: number
    readonly PERMISSION_DENIED: number
    readonly UNAVAILABLE: number
  }
}

export const grpc: GrpcModule = clientRequire('@grpc/grpc-js')
export const streamsGrpc: typeof StreamsGrpc = clientRequire('../generated/streams_grpc_pb')
export const streamsPb: typeof StreamsPb = clientRequire('../generated/streams_pb')
export const sharedPb: typeof SharedPb = clientRequire('../generated/shared_pb')
export const serverFeaturesGrpc: typeof ServerFeaturesGrpc = clientRequire(
  '../generated/serverfeatures_grpc_pb',
)
export const serverFeaturesPb: typeof ServerFeaturesPb = clientRequire('../generated/serverfeatures_pb')
export const statusPb: typeof StatusPb = clientRequire('../generated/status_pb')
/** google.protobuf.Any, to pack error details as the server does. */
export const anyPb: { readonly Any: new () => { pack(serialized: Uint8Array, name: string): void } } =
  clientRequire('google-protobuf/google/protobuf/any_pb')
export type { SharedPb, StreamsGrpc, StreamsPb }
