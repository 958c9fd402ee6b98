import { CorruptEventError, EventSourcingError } from '@dealer-crm/eventsourcing'

/** The schema was written by a newer version of this package: it is left untouched. */
export class SchemaVersionError extends EventSourcingError {
  readonly code = 'SchemaVersionError' as const
  constructor(
    readonly found: number,
    readonly supported: number,
    readonly schema: string,
  ) {
    super(
      `the event store in schema ${schema} has schema version ${found}, but this @dealer-crm/store-postgres supports up to ${supported}; upgrade the package instead of opening the schema with an older one`,
    )
    this.name = 'SchemaVersionError'
  }
}

/** Opened with `createSchema: false`, and the schema holds no event store (a mistyped name, usually). */
export class SchemaMissingError extends EventSourcingError {
  readonly code = 'SchemaMissingError' as const
  constructor(readonly schema: string) {
    super(
      `schema ${schema} holds no dealer-crm event store (no ${schema}.schema_migrations); check the name, or open with createSchema: true to create one`,
    )
    this.name = 'SchemaMissingError'
  }
}

/** A row of the events table that cannot be read; it also names the row's global position. */
export class PostgresCorruptEventError extends CorruptEventError {
  constructor(
    streamName: string,
    streamPosition: number | null,
    readonly globalPosition: bigint | null,
    reason: string,
  ) {
    super(streamName, streamPosition, reason)
  }
}
