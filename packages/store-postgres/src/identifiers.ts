import { StoreError } from '@dealer-crm/eventsourcing'

const validSchema = /^[a-z_][a-z0-9_]{0,59}$/

/** Schema names are plain lower-case identifiers, so they need no quoting and fit a NOTIFY channel. */
export const assertSchemaName = (schema: string): string => {
  if (!validSchema.test(schema))
    throw new StoreError(
      `invalid schema name ${JSON.stringify(schema)}: use 1-60 characters of a-z, 0-9 and _, not starting with a digit`,
    )
  return schema
}

/** The NOTIFY channel of a schema's log. */
export const channelOf = (schema: string): string => `es_${schema}`

/** A stable 32-bit key (FNV-1a) for the schema's advisory locks. */
export const lockKeyOf = (schema: string): number => {
  let h = 0x811c9dc5
  for (const byte of Buffer.from(schema, 'utf8')) {
    h ^= byte
    h = Math.imul(h, 0x01000193)
  }
  return h | 0
}

/** Advisory lock class of migrations. */
export const migrationLockClass = 0x44434d00
/** Advisory lock class of the append order (xid assignment + position numbering). */
export const orderLockClass = 0x44434d01
/** Advisory lock class of the key vault (new keys shared, forget exclusive). */
export const keyVaultLockClass = 0x44434d02
/** Advisory lock class of read-model leases (one session lock per schema and read model). */
export const readModelLeaseClass = 0x44434d03
