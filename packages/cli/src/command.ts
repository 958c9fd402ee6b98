import { InvalidArgumentError } from 'commander'
import type { Io } from './io.js'
import type { TargetArgs } from './open.js'

/** One option of a command: commander's flags (`--out <file>`), its help and an optional parser. */
export interface OptionSpec {
  readonly flags: string
  readonly description: string
  /** Turns the typed text into the value, or throws commander's InvalidArgumentError. */
  readonly parse?: (value: string) => unknown
}

/** What a command's run receives: its arguments and options as commander parsed them. */
export interface ParsedArgs {
  readonly positionals: ReadonlyArray<string>
  /** A string option by its long name (`anchor-out`). */
  readonly string: (name: string) => string | undefined
  readonly flag: (name: string) => boolean
  /** An option parsed by its `parse` (numbers, dates). */
  readonly value: <T>(name: string) => T | undefined
}

/** One `dealer-crm <name>` command: its help, and what it does. Returns the exit code. */
export interface Command {
  readonly name: string
  /** One line for `dealer-crm --help`. */
  readonly summary: string
  /** `<subject>`, `[file]`: commander's argument syntax, in order. */
  readonly arguments?: ReadonlyArray<string>
  readonly options?: ReadonlyArray<OptionSpec>
  /** Does it take --db, --schema and --vault? */
  readonly target?: boolean
  /** What `--help` says between the usage line and the options. */
  readonly description: string
  /** What `--help` says after the options (examples). */
  readonly after?: string
  readonly run: (args: ParsedArgs, io: Io) => Promise<number>
}

/** The options every command over a store takes. */
export const targetOptions: ReadonlyArray<OptionSpec> = [
  {
    flags: '--db <target>',
    description:
      'a SQLite file (or sqlite:<path>), a PostgreSQL URL (postgres://, postgresql://) or an EventStoreDB / KurrentDB connection string (esdb://, esdb+discover://, kurrentdb://)',
  },
  { flags: '--schema <name>', description: 'PostgreSQL schema (default dealer_crm)' },
  {
    flags: '--tenant <name>',
    description:
      'SQLite and PostgreSQL: the dealer whose store this is (default "default"); a SQLite file records its tenant and refuses another, a PostgreSQL schema holds many',
  },
  {
    flags: '--vault <target>',
    description:
      'EventStoreDB only: the SQLite file or PostgreSQL URL holding the personal-data keys (without it, personal fields read as erased)',
  },
]

export const targetArgs = (args: ParsedArgs): TargetArgs => ({
  db: args.string('db'),
  schema: args.string('schema'),
  tenant: args.string('tenant'),
  vault: args.string('vault'),
})

/** A parser for a whole-number option (0 or more): `--customers -5` names what is wrong. */
export const wholeNumber =
  (option: string) =>
  (raw: string): number => {
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
      throw new InvalidArgumentError(
        `${option} must be a whole number (0 or more), not ${JSON.stringify(raw)}`,
      )
    return Number(raw)
  }
