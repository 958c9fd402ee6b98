import { CorruptEventError, EventSourcingError } from '@dealer-crm/eventsourcing'

/** The database file was written by a newer version of this package: it is left untouched. */
export class SchemaVersionError extends EventSourcingError {
  readonly code = 'SchemaVersionError' as const
  constructor(
    readonly found: number,
    readonly supported: number,
    readonly location: string,
  ) {
    super(
      `the event store at ${location} has schema version ${found}, but this @dealer-crm/store-sqlite supports up to ${supported}; upgrade the package instead of opening the file with an older one`,
    )
    this.name = 'SchemaVersionError'
  }
}

/**
 * Opened read-only, the file is not a dealer-crm store (no `es_schema_migrations`), or one of an
 * older schema version that only a writable open would migrate. The file is left untouched.
 */
export class NotAStoreError extends EventSourcingError {
  readonly code = 'NotAStoreError' as const
  constructor(
    readonly location: string,
    readonly found: number,
    readonly latest: number,
  ) {
    super(
      found === 0
        ? `${location} is not a dealer-crm event store (it has no es_schema_migrations table); nothing was changed`
        : `${location} is a dealer-crm event store of schema version ${found}, older than ${latest}: open it writable once to migrate it; nothing was changed`,
    )
    this.name = 'NotAStoreError'
  }
}

/** A row of the events table that cannot be read; it also names the row's global position. */
export class SqliteCorruptEventError extends CorruptEventError {
  constructor(
    streamName: string,
    streamPosition: number | null,
    readonly globalPosition: bigint | null,
    reason: string,
  ) {
    super(streamName, streamPosition, reason)
  }
}
