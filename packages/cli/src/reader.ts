import {
  type AccessLogEntry,
  accessLogKeySubject,
  accessLogOf,
  type Principal,
  recordAccess,
  vaultAccessLogSecret,
} from '@dealer-crm/dealership'
import { systemClock } from '@dealer-crm/eventsourcing'
import type { OptionSpec, ParsedArgs } from './command.js'
import { CliError, UsageError } from './io.js'
import type { OpenedTarget } from './open.js'

/** Who reads personal data and why: every decryption is recorded in the person's access log (docs/privacy.md). */
export interface Reader {
  readonly principal: Principal
  readonly purpose: string
}

export const readerOptions: ReadonlyArray<OptionSpec> = [
  {
    flags: '--as <staff-id>',
    description:
      'who runs the command: recorded in the access log of each person whose personal data it reads',
  },
  { flags: '--roles <roles>', description: 'the roles of --as, comma-separated (recorded with it)' },
  {
    flags: '--purpose <why>',
    description: "why personal data is read (needed to decrypt it): recorded in each person's access log",
  },
]

/** The reader the command line names, or null when it names none (--as and --purpose go together). */
export const readerOf = (args: ParsedArgs): Reader | null => {
  const as = args.string('as')?.trim()
  const purpose = args.string('purpose')?.trim()
  if (as === undefined && purpose === undefined) return null
  if (as === undefined || as === '')
    throw new UsageError('--purpose needs --as <staff-id>: the access log records who read the data')
  if (purpose === undefined || purpose === '')
    throw new UsageError('--as needs --purpose <why>: the access log records why the data was read')
  const roles = (args.string('roles') ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
  return { principal: { id: as, roles }, purpose }
}

/** The reader, required: `what` decrypts (or erases) personal data. */
export const requireReader = (args: ParsedArgs, what: string, does = 'decrypts personal data'): Reader => {
  const reader = readerOf(args)
  if (reader === null)
    throw new UsageError(
      `${what} ${does}: say who and why with --as <staff-id> --purpose <why> (recorded in each person's access log)`,
    )
  return reader
}

/** One person's personal fields that a command read. */
export interface PersonRead {
  readonly personId: string
  readonly fields: ReadonlyArray<string>
}

/**
 * Append one `PersonalDataAccessed` per person to their access log, under the secret kept in the
 * store's key vault. The store must be writable: a command that decrypts opens it so.
 */
export const recordReads = async (
  opened: OpenedTarget,
  reader: Reader,
  via: string,
  reads: ReadonlyArray<PersonRead>,
): Promise<void> => {
  if (reads.length === 0) return
  if (opened.vault === null) throw new CliError('recording reads needs the key vault: pass --vault')
  const secret = await vaultAccessLogSecret(opened.vault.keyVault)()
  for (const read of reads)
    await recordAccess(opened.store, secret, systemClock, reader.principal, {
      personId: read.personId,
      purpose: reader.purpose,
      fields: read.fields,
      via,
    })
}

/** A person's access log, read without writing (empty when no read was ever recorded in this store). */
export const readAccessLog = async (
  opened: OpenedTarget,
  personId: string,
): Promise<ReadonlyArray<AccessLogEntry>> => {
  if (opened.vault === null)
    throw new CliError('the access log is named with a key from the vault: pass --vault')
  const secret = await opened.vault.keyVault.existingKey(accessLogKeySubject)
  return secret === null ? [] : accessLogOf(opened.store, secret, personId)
}
