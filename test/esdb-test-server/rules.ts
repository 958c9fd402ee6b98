import type { ProposedEvent } from './log.js'
import { anyPb, type GrpcMetadata, grpc, type SharedPb, sharedPb, statusPb } from './modules.js'
import { NIL_UUID, uuidText } from './uuid.js'

/**
 * What the server requires of an append, and the statuses it refuses one with (EventStoreDB
 * 24.10 / KurrentDB 25.0, src/EventStore.Core/Services/Transport/Grpc: Streams.Append.cs,
 * Streams.BatchAppend.cs, RpcExceptions.cs, Status.cs).
 */

/** ClusterVNodeOptions.MaxAppendSize's default up to KurrentDB 25.0. */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024

/** The fields the proposed messages of both append calls have. */
export interface ProposedMessage {
  getId(): SharedPb.UUID | undefined
  getMetadataMap(): { get(key: string): string | undefined }
  getData_asU8(): Uint8Array
  getCustomMetadata_asU8(): Uint8Array
}

/**
 * The default ACLs deny every write to `$all`, even an admin's, and take an empty stream name
 * for `$all`. Other system streams (`$…`) are open to admins, which this server acts as.
 */
export const writable = (streamName: string): boolean => streamName !== '' && streamName !== '$all'

/** The two metadata entries every proposed event must carry. */
export const missingMetadata = (m: ProposedMessage): 'type' | 'content-type' | null => {
  const metadata = m.getMetadataMap()
  if (metadata.get('type') === undefined) return 'type'
  return metadata.get('content-type') === undefined ? 'content-type' : null
}

/** What counts against MaxAppendSize, summed over the append: data, custom metadata, the type in UTF-16. */
export const sizeOnDisk = (m: ProposedMessage): number =>
  m.getData_asU8().length +
  m.getCustomMetadata_asU8().length +
  2 * (m.getMetadataMap().get('type') ?? '').length

/** The event to store, or why the server's Event constructor refuses it. */
export const eventOf = (m: ProposedMessage): ProposedEvent | string => {
  const id = uuidText(m.getId())
  const type = m.getMetadataMap().get('type') ?? ''
  if (id === null) return 'the event id is missing or is not a UUID'
  if (id === NIL_UUID) return 'Empty eventId provided.'
  if (type === '') return 'Empty eventType provided.'
  return {
    id,
    type,
    contentType: m.getMetadataMap().get('content-type') ?? '',
    data: m.getData_asU8(),
    metadata: m.getCustomMetadata_asU8(),
  }
}

/** A gRPC error status with the server's trailers (`exception` names the kind). */
export interface CallError extends Error {
  readonly code: number
  readonly details: string
  readonly metadata?: GrpcMetadata
}

const callError = (code: number, details: string, trailers: Record<string, string> = {}): CallError => {
  const metadata = new grpc.Metadata()
  for (const [key, value] of Object.entries(trailers)) metadata.add(key, value)
  return Object.assign(new Error(details), { code, details, metadata })
}

/** How Append (and Read) refuse: the call's own status. */
export const refused = {
  accessDenied: () =>
    callError(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' }),
  missingMetadata: (property: string) =>
    callError(grpc.status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': 'type,content-type',
    }),
  maxAppendSize: (limit: number) =>
    callError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${limit} Exceeded.`, {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': String(limit),
    }),
  invalidArgument: (details: string) => callError(grpc.status.INVALID_ARGUMENT, details),
  /** Any other exception in the server's handler (a bad id, an empty type): what ASP.NET gRPC reports for it. */
  handlerFailed: () => callError(grpc.status.UNKNOWN, 'Exception was thrown by handler.'),
}

const packed = (code: number, message: string, detail: { serializeBinary(): Uint8Array }, name: string) => {
  const details = new anyPb.Any()
  details.pack(detail.serializeBinary(), `event_store.client.${name}`)
  const status = new statusPb.Status().setCode(code).setMessage(message)
  return status.setDetails(details as Parameters<typeof status.setDetails>[0])
}

/** How BatchAppend refuses one append: a google.rpc.Status in its response, a detail packed in it. */
export const batchRefused = {
  accessDenied: () => packed(7, 'AccessDenied', new sharedPb.AccessDenied(), 'AccessDenied'),
  badRequest: (message: string) =>
    packed(3, 'BadRequest', new sharedPb.BadRequest().setMessage(message), 'BadRequest'),
  maxAppendSize: (limit: number) =>
    packed(
      3,
      'MaximumAppendSizeExceeded',
      new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(limit),
      'MaximumAppendSizeExceeded',
    ),
  wrongExpectedVersion: (wrong: SharedPb.WrongExpectedVersion) =>
    packed(6, 'WrongExpectedVersion', wrong, 'WrongExpectedVersion'),
}
