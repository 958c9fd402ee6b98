import type { OptionSpec, ParsedArgs } from './args.js'
import type { Io } from './io.js'
import type { TargetArgs } from './open.js'

/** One `dealer-crm <name>` command: its help, and what it does. Returns the exit code. */
export interface Command {
  readonly name: string
  /** One line for `dealer-crm --help`. */
  readonly summary: string
  /** The whole `dealer-crm <name> --help`. */
  readonly help: string
  readonly run: (argv: ReadonlyArray<string>, io: Io) => Promise<number>
}

/** The options every command over a store takes. */
export const targetOptions = {
  db: { type: 'string' },
  schema: { type: 'string' },
  vault: { type: 'string' },
} as const satisfies OptionSpec

export const targetHelp = `Target:
  --db <target>      a SQLite file (or sqlite:<path>), a PostgreSQL URL (postgres://, postgresql://)
                     or an EventStoreDB / KurrentDB connection string (esdb://, esdb+discover://,
                     kurrentdb://)
  --schema <name>    PostgreSQL schema (default dealer_crm)
  --vault <target>   EventStoreDB only: the SQLite file or PostgreSQL URL holding the personal-data
                     keys (without it, personal fields read as erased)`

export const targetArgs = (args: ParsedArgs): TargetArgs => ({
  db: args.string('db'),
  schema: args.string('schema'),
  vault: args.string('vault'),
})
