import { EventSourcingError } from '../errors.js'

/**
 * The tenant of a store that names none: a single dealer, and every row or file written before
 * tenants existed (ADR 0022).
 */
export const defaultTenant = 'default'

const validTenant = /^[a-z0-9][a-z0-9_-]{0,62}$/

/** A tenant name that is not 1-63 characters of a-z, 0-9, `_` and `-` starting with a letter or digit. */
export class InvalidTenantError extends EventSourcingError {
  readonly code = 'InvalidTenantError' as const
  constructor(readonly tenant: string) {
    super(
      `invalid tenant ${JSON.stringify(tenant)}: use 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit`,
    )
    this.name = 'InvalidTenantError'
  }
}

/** The tenant given, or `default`; an invalid name is an InvalidTenantError. */
export const tenantOf = (tenant: string | undefined): string => {
  const name = tenant ?? defaultTenant
  if (!validTenant.test(name)) throw new InvalidTenantError(name)
  return name
}

/**
 * A store of one tenant opened as another's: a SQLite file recorded for tenant A opened as B, or a
 * facade configured for A given B's store. Nothing was read or written.
 */
export class TenantMismatchError extends EventSourcingError {
  readonly code = 'TenantMismatchError' as const
  constructor(
    /** The file, schema or store. */
    readonly store: string,
    /** The tenant the store holds. */
    readonly recorded: string,
    /** The tenant it was opened as. */
    readonly requested: string,
  ) {
    super(
      `${store} holds the events of tenant ${recorded}, not ${requested}: one store is one tenant's; nothing was read or written`,
    )
    this.name = 'TenantMismatchError'
  }
}
