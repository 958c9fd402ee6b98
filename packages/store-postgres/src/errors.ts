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

/**
 * Opened with `readOnly: true`, and the schema is not a dealer-crm event store of this package's
 * schema version: missing, something else, older (to be migrated by a writable open) or newer.
 * Nothing was changed.
 */
export class NotAStoreError extends EventSourcingError {
  readonly code = 'NotAStoreError' as const
  constructor(
    readonly schema: string,
    /** The version its `schema_migrations` records; 0 when it records none, null when there is no store. */
    readonly found: number | null,
    readonly latest: number,
    readonly reason: string,
  ) {
    super(`schema ${schema} ${reason}; opened read-only, nothing was changed`)
    this.name = 'NotAStoreError'
  }
}

/** An append, forget or other write on a store opened with `readOnly: true`; the database was not touched. */
export class ReadOnlyStoreError extends EventSourcingError {
  readonly code = 'ReadOnlyStoreError' as const
  constructor(
    readonly schema: string,
    readonly operation: string,
  ) {
    super(`${operation}: the event store in schema ${schema} was opened read-only; nothing was written`)
    this.name = 'ReadOnlyStoreError'
  }
}

/**
 * The store was opened for a tenant its connection's role may not act for: a dealer's role (bound to
 * one tenant in `tenant_roles`) opening another tenant's store, or a role subject to row-level
 * security opening a tenant other than `default` without being bound to it. Nothing was read or written.
 */
export class TenantRoleError extends EventSourcingError {
  readonly code = 'TenantRoleError' as const
  constructor(
    readonly schema: string,
    readonly tenant: string,
    readonly role: string,
    /** The tenant the role is bound to, as the database resolves it. */
    readonly bound: string,
  ) {
    super(
      `role ${role} acts for tenant ${bound} in schema ${schema} (row-level security), so it cannot open the store of tenant ${tenant}; connect as that tenant's role, or as a role with BYPASSRLS that serves every tenant (docs/adr/0022-tenants-on-one-postgresql.md)`,
    )
    this.name = 'TenantRoleError'
  }
}
